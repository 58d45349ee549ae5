"""Fair core sharing (DESIGN.md §3b): CPU models without their own streams/threads split the
server's CPU budget by cpu_weight, the split is logged, and each compiles with its share."""
import os
import re

from config_repo import ModelRepo
from conftest import F32, running_server


def test_cpu_budget_is_split_between_models(tmp_path, models_dir, log_dir):
    """Two CPU models without their own streams/threads share the machine by cpu_weight (3:1):
    the split is logged and each compiles with its share of INFERENCE_NUM_THREADS; a model with
    its own setting keeps it."""
    repo = ModelRepo(tmp_path / "repo", models_dir)
    repo.add_version("dummy", 1, source="dummy")
    repo.write_config([
        {"name": "heavy", "base_path": "dummy", "scheduling": {"cpu_weight": 3}},
        {"name": "light", "base_path": "dummy"},
        {"name": "fixed", "base_path": "dummy",
         "plugin_config": {"INFERENCE_NUM_THREADS": 1, **F32}}])
    with running_server(["--config_path", repo.config_path], log_dir) as server:
        log = server.log
    # The budget is the CPUs the process may use (at most what this machine has).
    budget = int(re.search(r"CPU budget (\d+) ", log).group(1))
    assert 1 <= budget <= os.cpu_count()
    left = max(budget - 1, 0)
    heavy, light = max(1, left * 3 // 4), max(1, left // 4)
    assert (f"CPU budget {budget} (1 taken by explicit settings) split between models by "
            f"cpu_weight, INFERENCE_NUM_THREADS: heavy {heavy}, light {light}") in log
    for name, threads in (("heavy", heavy), ("light", light), ("fixed", 1)):
        match = re.search(rf"Model {name} version 1 compiled properties: (.*)", log)
        assert match, log
        assert f"INFERENCE_NUM_THREADS: {threads}," in match.group(1) + ",", match.group(1)

"""Fair core sharing (DESIGN.md §3b): CPU models without their own streams/threads split the
server's CPU budget by cpu_weight, the split is logged, and each compiles with its share."""
import os
import re
import shutil
import threading
import time

import numpy as np
import pytest
import requests
from config_repo import ModelRepo
from conftest import F32, running_server
from status_support import status_data


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


def test_more_models_than_cpus_share_in_time_under_the_admission_limit(tmp_path, models_dir,
                                                                       log_dir):
    """Four CPU models on one CPU (taskset): the split cannot give each a core, so at most one
    inference runs at a time across them (the admission limit, logged), next by cpu_weight; every
    concurrent request to every model still answers correctly."""
    if shutil.which("taskset") is None:
        pytest.fail("taskset (util-linux) is missing; scripts/setup installs it")
    repo = ModelRepo(tmp_path / "repo", models_dir)
    repo.add_version("dummy", 1, source="dummy")
    names = ["m0", "m1", "m2", "m3"]
    repo.write_config([{"name": name, "base_path": "dummy",
                        "scheduling": {"cpu_weight": index + 1}}
                       for index, name in enumerate(names)])
    with running_server(["--config_path", repo.config_path], log_dir,
                        prefix=["taskset", "-c", "0"]) as server:
        assert "admission limit 1 concurrent inferences, next by cpu_weight" in server.log
        errors = []

        def client(name, seed):
            session = requests.Session()
            url = f"http://{server.rest_url}/v2/models/{name}/infer"
            for step in range(40):
                data = [float(seed * 100 + step + i) for i in range(10)]
                body = {"inputs": [{"name": "b", "shape": [1, 10], "datatype": "FP32",
                                    "data": data}]}
                answer = session.post(url, json=body, timeout=30)
                if answer.status_code != 200:
                    errors.append(answer.text)
                    continue
                got = answer.json()["outputs"][0]["data"]
                if not np.allclose(got, np.array(data) + 1):
                    errors.append(f"{name}: {got} for {data}")

        threads = [threading.Thread(target=client, args=(name, seed))
                   for seed, name in enumerate(names * 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors[:3]
        deadline = time.monotonic() + 10
        while True:  # /status/data samples once a period
            server_data = status_data(server)["server"]
            if server_data["admission_peak"] > 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert server_data["admission_limit"] == 1
    assert server_data["admission_peak"] == 1, server_data  # never two at once
    assert server_data["admission_running"] == 0, server_data


def test_models_that_fit_the_split_have_no_admission_limit(tmp_path, models_dir, log_dir):
    repo = ModelRepo(tmp_path / "repo", models_dir)
    repo.add_version("dummy", 1, source="dummy")
    repo.write_config([{"name": "a", "base_path": "dummy"},
                       {"name": "b", "base_path": "dummy"}])
    with running_server(["--config_path", repo.config_path], log_dir,
                        prefix=["taskset", "-c", "0,1"]) as server:
        assert "the split fits: no admission limit" in server.log
        assert status_data(server)["server"]["admission_limit"] == 0

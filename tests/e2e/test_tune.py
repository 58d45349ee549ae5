"""`mserve-bench tune` (issue 15): tune the dummy model with a budget of a few seconds, then serve
it with exactly what the tuner printed (the flags) and wrote (--write_config), and check that the
server compiled the model with those properties and answers correctly. The search logic itself
is unit-tested with a fake measurer (tests/unit/bench/tune_search_test.cpp); performance is
measured by tools/bench/tune_compare.py, not here.
"""
import json
import re
import shlex
import subprocess

import numpy as np
import pytest
import tritonclient.grpc as grpcclient

from conftest import running_server
from test_bench_smoke import BENCH

RUN_TIMEOUT_S = 120
SHORT = ["--point_seconds", "0.3", "--warmup", "0.1"]


def tune(*args, expect_exit=0, prefix=()):
    if not BENCH.is_file():
        pytest.fail(f"{BENCH} does not exist; run scripts/build first")
    command = [*prefix, str(BENCH), "tune", *SHORT, *[str(arg) for arg in args]]
    result = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    assert result.returncode == expect_exit, \
        f"$ {' '.join(command)}\nexit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def compiled_properties(server, model="dummy"):
    """The properties the server logged after compiling the model, and its nireq."""
    log = server.log
    line = re.search(rf"Model {model} version 1 compiled properties: (.*)", log).group(1)
    properties = dict(item.split(": ", 1) for item in line.split(", "))
    nireq = int(re.search(rf"Model {model} version 1: .* nireq: (\d+)", log).group(1))
    return properties, nireq


def check_serves(server, plugin_config, nireq):
    properties, served_nireq = compiled_properties(server)
    for key, value in plugin_config.items():
        assert properties[key] == value, (key, properties)
    if nireq:
        assert served_nireq == nireq
    data = np.arange(10, dtype=np.float32).reshape(1, 10)
    tensor = grpcclient.InferInput("b", [1, 10], "FP32")
    tensor.set_data_from_numpy(data)
    answer = server.client().infer("dummy", [tensor])
    # b + 1 for small integers is exact in bf16 too, whatever precision the tuner picked.
    np.testing.assert_array_equal(answer.as_numpy("a"), data + 1)


@pytest.fixture(scope="module")
def tuned(models_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tune")
    config = folder / "config.json"
    report = folder / "report.json"
    result = tune("--model_path", models_dir / "dummy", "--goal", "throughput",
                  "--concurrency", 4, "--budget_seconds", 6, "--write_config", config,
                  "--json", report)
    return result, json.loads(report.read_text()), json.loads(config.read_text())


def test_report_lists_defaults_points_and_recommendation(tuned):
    result, report, _ = tuned
    points = report["points"]
    assert points[0]["defaults"] and points[0]["plugin_config"] == "{}"
    assert len(points) >= 3 and report["measurements"] >= len(points)
    assert report["elapsed_s"] < 20  # the 6 s budget plus the last point and the repeats
    best = points[report["best"]]
    assert best["throughput_rps"] > 0 and 0 < best["p50_ms"] <= best["p99_ms"]
    assert best["runs"] >= 2  # the best candidates are repeated
    assert any(point["pareto"] for point in points)
    # A progress line per measurement on stderr; the table and the recommendation on stdout.
    assert result.stderr.count("[tune ") == report["measurements"]
    assert "Recommended: " in result.stdout and "  why:         " in result.stdout
    assert report["flags"] in result.stdout


def test_written_config_serves_with_the_recommended_properties(tuned, models_dir, log_dir):
    _, report, config = tuned
    entry = config["model_config_list"][0]["config"]
    assert entry["name"] == "dummy"
    assert entry["base_path"] == str((models_dir / "dummy").resolve())
    best = report["points"][report["best"]]
    assert entry["plugin_config"] == json.loads(best["plugin_config"])
    assert entry.get("nireq", 0) == best["nireq"]
    config_path = log_dir / "tuned-config.json"
    config_path.write_text(json.dumps(config))
    with running_server(["--config_path", config_path], log_dir) as server:
        check_serves(server, entry["plugin_config"], entry.get("nireq", 0))


def test_printed_flags_serve_with_the_recommended_properties(tuned, models_dir, log_dir):
    result, report, _ = tuned
    flags = re.search(r"^  flags:\s+(.*)$", result.stdout, re.M).group(1)
    args = shlex.split(flags)
    assert args[0] == "--plugin_config"
    with running_server(["--model_name", "dummy", "--model_path", models_dir / "dummy", *args],
                        log_dir) as server:
        best = report["points"][report["best"]]
        check_serves(server, json.loads(args[1]), best["nireq"])


def test_latency_goal_with_an_slo_and_f32_only(models_dir):
    result = tune("--model_path", models_dir / "dummy" / "1", "--goal", "latency",
                  "--budget_seconds", 3, "--p99_ms", 1000, "--precisions", "f32",
                  "--no_pinning", "--json", "-")
    report = json.loads(result.stdout)
    assert report["goal"] == "latency" and report["concurrency"] == 1
    for point in report["points"][1:]:
        config = json.loads(point["plugin_config"])
        assert config["INFERENCE_PRECISION_HINT"] == "f32"
        assert "ENABLE_CPU_PINNING" not in config
        assert point["max_abs_error"] == 0  # f32 against the f32 reference: identical outputs
    assert "<= 1000.0 ms SLO" in report["why"]


def test_usage_errors_exit_64(models_dir):
    tune("--goal", "speed", "--model_path", models_dir / "dummy", expect_exit=64)
    tune("--goal", "latency", expect_exit=64)  # no --model_path
    tune("--model_path", models_dir / "dummy", "--protocol", "grpc", expect_exit=64)


def test_unloadable_model_exits_1(tmp_path):
    result = tune("--model_path", tmp_path / "nothing", expect_exit=1)
    assert "mserve-bench tune:" in result.stderr


def test_tunes_a_running_server_over_grpc_with_batching(models_dir, log_dir, tmp_path):
    # The server runs from a config.json; the tuner rewrites its entry per point, reloads, and
    # puts the original back at the end. Batching (max_batch_size 0 or the 4 clients) is explored.
    config = tmp_path / "config.json"
    original = json.dumps({"model_config_list": [{"config": {
        "name": "dummy", "base_path": str(models_dir / "dummy"),
        "scheduling": {"max_queue_size": 100}}}]})
    config.write_text(original)
    with running_server(["--config_path", config, "--file_system_poll_wait_seconds", 0],
                        log_dir) as server:
        result = tune("--protocol", "grpc", "--model_name", "dummy", "--config_path", config,
                      "--address", server.grpc_url,
                      "--rest_address", f"localhost:{server.rest_port}",
                      "--server_pid", server.process.pid, "--goal", "throughput",
                      "--concurrency", 4, "--budget_seconds", 16, "--point_seconds", 0.4,
                      "--warmup", 0.3, "--json", "-")
        report = json.loads(result.stdout)
        assert config.read_text() == original
        points = report["points"]
        assert [point["error"] for point in points] == [""] * len(points)
        assert {point["max_batch_size"] for point in points} == {0, 4}
        best = points[report["best"]]
        assert best["cpu_ms_per_request"] > 0  # the server's CPU, charged per request
        # Each point was checked against what the server compiled (GET /status/data).
        assert all(point["compiled"].startswith("hint ") for point in points), \
            [point["compiled"] for point in points]
        assert best["max_abs_error"] is None  # outputs are compared in process only
        # The server compiled every point's setting (the first load, then one per new point; the
        # defaults may equal the original entry, which the reload leaves alone).
        assert server.log.count("compiled properties") >= len(points)
        check_serves(server, {}, 0)  # back on the original config, still answering


def test_explores_within_the_cpu_budget(models_dir):
    # Under taskset -c 0 the budget is one CPU: one stream of one thread at most, and the
    # default concurrency for throughput is two clients (twice the budget).
    result = tune("--model_path", models_dir / "dummy", "--budget_seconds", 3, "--json", "-",
                  prefix=["taskset", "-c", "0"])
    report = json.loads(result.stdout)
    assert report["cpus"] == 1 and report["concurrency"] == 2
    for point in report["points"]:
        config = json.loads(point["plugin_config"])
        assert int(config.get("NUM_STREAMS", 1)) == 1
        assert int(config.get("INFERENCE_NUM_THREADS", 1)) == 1
        assert point["nireq"] <= 2

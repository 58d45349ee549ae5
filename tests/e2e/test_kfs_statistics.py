"""Triton's statistics extension (issue 14 §1): GET /v2/models[/{m}[/versions/{v}]]/stats and the
ModelStatistics RPC count each request once, whatever the protocol, with Triton's fields; and
perf_analyzer prints its server-side breakdown from them."""
import subprocess

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

from config_repo import wait_until
from conftest import F32, model_args, running_server
from test_kfs_rest import PERF_STEADY_ENOUGH, perf_analyzer

DURATIONS = ("success", "fail", "queue", "compute_input", "compute_infer", "compute_output",
             "cache_hit", "cache_miss")


@pytest.fixture(scope="module")
def server(models_dir, log_dir):
    """Its own server: the counts below start from zero."""
    with running_server(model_args("dummy", models_dir, F32), log_dir) as started:
        yield started


def stats(server, path="/v2/models/dummy/stats"):
    answer = requests.get(f"http://{server.rest_url}{path}", timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def dummy_inputs(client_module, values):
    tensor = client_module.InferInput("b", list(values.shape), "FP32")
    tensor.set_data_from_numpy(values)
    return [tensor]


def test_counts_every_protocol_once_with_tritons_fields(server):
    values = np.arange(10, dtype=np.float32).reshape(1, 10)
    http = httpclient.InferenceServerClient(server.rest_url)
    for _ in range(3):
        http.infer("dummy", dummy_inputs(httpclient, values))
    for _ in range(2):
        server.client().infer("dummy", dummy_inputs(grpcclient, values))
    bad = httpclient.InferInput("b", [1, 3], "FP32")  # wrong shape: a failed request
    bad.set_data_from_numpy(np.zeros((1, 3), np.float32))
    with pytest.raises(Exception):
        http.infer("dummy", [bad])

    # Counted after the response went out: wait for the last one.
    answer = wait_until(lambda: (lambda s: s if s["model_stats"][0]["inference_stats"]["fail"]
                                 ["count"] == 1 and s["model_stats"][0]["inference_count"] == 5
                                 else None)(stats(server)), timeout=10, what="statistics")
    assert len(answer["model_stats"]) == 1
    model = answer["model_stats"][0]
    assert model["name"] == "dummy" and model["version"] == "1"
    assert model["execution_count"] == 5
    figures = model["inference_stats"]
    assert set(figures) == set(DURATIONS)
    assert figures["success"]["count"] == 5
    for name in ("queue", "compute_input", "compute_infer", "compute_output"):
        assert figures[name]["count"] == 5, name
        assert figures[name]["ns"] > 0, name
    # The parts lie within the whole.
    parts = sum(figures[name]["ns"] for name in ("queue", "compute_input", "compute_infer",
                                                "compute_output"))
    assert parts <= figures["success"]["ns"]
    assert figures["fail"]["ns"] > 0
    assert figures["cache_hit"] == {"count": 0, "ns": 0}
    assert model["batch_stats"][0]["batch_size"] == 1
    assert model["batch_stats"][0]["compute_infer"]["count"] == 5
    assert model["last_inference"] > 1.7e12  # wall-clock milliseconds
    assert model["memory_usage"] == [] and model["response_stats"] == {}

    # The same figures over gRPC, and for the other paths.
    over_grpc = server.client().get_inference_statistics("dummy", as_json=True)
    assert over_grpc["model_stats"][0]["inference_stats"]["success"]["count"] == "5"
    assert stats(server, "/v2/models/stats")["model_stats"][0]["inference_count"] == 5
    assert stats(server, "/v2/models/dummy/versions/1/stats")["model_stats"][0]["name"] == "dummy"
    extensions = requests.get(f"http://{server.rest_url}/v2", timeout=30).json()["extensions"]
    assert "statistics" in extensions


def test_unknown_model_or_version_is_tritons_invalid_argument(server):
    answer = requests.get(f"http://{server.rest_url}/v2/models/nope/stats", timeout=30)
    assert answer.status_code == 400
    assert answer.json() == {"error": "requested model 'nope' is not available"}
    answer = requests.get(f"http://{server.rest_url}/v2/models/dummy/versions/7/stats",
                          timeout=30)
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "requested model version is not available for model 'dummy'"}
    with pytest.raises(Exception, match="requested model 'nope' is not available"):
        server.client().get_inference_statistics("nope")


def test_perf_analyzer_prints_the_server_side_breakdown(server):
    binary = perf_analyzer()
    assert binary is not None, "scripts/setup installs perf_analyzer into .venv/bin"
    result = subprocess.run([binary, "-m", "dummy", "-u", f"127.0.0.1:{server.port}", "-i", "grpc",
                             "--measurement-interval", "1000", "--concurrency-range", "1",
                             *PERF_STEADY_ENOUGH],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    server_side = result.stdout[result.stdout.index("Server:"):]
    assert "Inference count:" in server_side
    assert "Execution count:" in server_side
    line = next(line for line in server_side.splitlines() if "Avg request latency" in line)
    for part in ("queue", "compute input", "compute infer", "compute output"):
        assert part in line, line

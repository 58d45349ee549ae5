"""Server-side dynamic batching (DESIGN.md §3b): concurrent requests over both APIs (gRPC, REST
binary and JSON, images) are run as batches, and each answer equals OpenVINO's result for that
request alone. The batch-size metric proves batches larger than one ran; ModelConfig reports
the batching as Triton does; requests whose non-batch dimensions differ are never merged."""
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

from config_repo import ModelRepo, wait_until
from conftest import F32, model_args, ov_reference, running_server
from test_images import decoded_for, encode, kfs_infer, pattern
from test_kfs_rest import PERF_STEADY_ENOUGH, perf_analyzer

OWN_CONNECTION = [("grpc.use_local_subchannel_pool", 1)]
MAX_BATCH = 8
DELAY_US = 20000  # long enough on a loaded machine for concurrent requests to meet


@pytest.fixture(scope="module")
def batching_server(models_dir, log_dir):
    extra = ["--nireq", "1", "--metrics_enable",
             "--dynamic_batching_max_batch_size", str(MAX_BATCH),
             "--dynamic_batching_max_queue_delay_us", str(DELAY_US)]
    with running_server(model_args("dummy", models_dir, F32, extra), log_dir) as server:
        yield server


def scrape(server):
    return requests.get(f"http://{server.rest_url}/metrics", timeout=10).text


def batch_histogram(text, model):
    """(count, sum) of ovms_batch_size for version 1 of `model`."""
    values = []
    for suffix in ("count", "sum"):
        match = re.search(rf'^ovms_batch_size_{suffix}{{name="{model}",version="1"}} (\S+)$',
                          text, re.MULTILINE)
        assert match, f"no ovms_batch_size_{suffix} for {model} in:\n{text}"
        values.append(float(match.group(1)))
    return tuple(values)


def send(protocol, url, model, b):
    """One request over `protocol`; the output `a` as an array."""
    if protocol == "grpc":
        client = grpcclient.InferenceServerClient(url, channel_args=OWN_CONNECTION)
        tensor = grpcclient.InferInput("b", list(b.shape), "FP32")
        tensor.set_data_from_numpy(b)
        result = client.infer(model, [tensor], client_timeout=60)
        client.close()
        return result.as_numpy("a")
    binary = protocol == "rest-binary"
    client = httpclient.InferenceServerClient(url, network_timeout=60)
    tensor = httpclient.InferInput("b", list(b.shape), "FP32")
    tensor.set_data_from_numpy(b, binary_data=binary)
    output = httpclient.InferRequestedOutput("a", binary_data=binary)
    result = client.infer(model, [tensor], outputs=[output])
    client.close()
    return result.as_numpy("a")


def test_concurrent_requests_share_batches_and_get_their_own_rows(batching_server, models_dir):
    before = batch_histogram(scrape(batching_server), "dummy")
    protocols = ["grpc", "rest-binary", "rest-json"]
    jobs = []
    for index in range(24):
        rows = 1 + index % 3  # batches mix requests of 1, 2 and 3 rows
        b = (np.arange(rows * 10, dtype=np.float32).reshape(rows, 10) + index * 100)
        jobs.append((protocols[index % 3], b))
    start = threading.Barrier(len(jobs))

    def run(job):
        protocol, b = job
        url = batching_server.grpc_url if protocol == "grpc" else batching_server.rest_url
        start.wait(timeout=60)
        return send(protocol, url, "dummy", b)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(pool.map(run, jobs))
    for (protocol, b), answer in zip(jobs, answers):
        # The model itself takes one row: the reference runs each row alone.
        expected = np.concatenate([ov_reference(models_dir / "dummy" / "1", {"b": row[None]},
                                                F32)["a"] for row in b])
        assert answer.shape == expected.shape, protocol
        np.testing.assert_array_equal(answer, expected, err_msg=protocol)
    count, total = np.subtract(batch_histogram(scrape(batching_server), "dummy"), before)
    assert total == sum(b.shape[0] > 0 for _, b in jobs)  # every request ran exactly once
    assert count < total, "no batch held more than one request"


def model_stats(server):
    answer = requests.get(f"http://{server.rest_url}/v2/models/dummy/stats", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["model_stats"][0]


def test_statistics_count_rows_as_inferences_and_batches_as_executions(batching_server):
    """Triton's statistics: inference_count counts rows, execution_count batches; each request
    is one success with queue and compute times, and per-batch-size figures add up."""
    before = model_stats(batching_server)
    jobs = [np.full((1 + index % 2, 10), index, np.float32) for index in range(12)]
    start = threading.Barrier(len(jobs))

    def run(b):
        start.wait(timeout=60)
        return send("grpc", batching_server.grpc_url, "dummy", b)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        list(pool.map(run, jobs))
    rows = sum(b.shape[0] for b in jobs)
    success_before = before["inference_stats"]["success"]["count"]

    def settled():
        now = model_stats(batching_server)
        done = now["inference_stats"]["success"]["count"] - success_before == len(jobs)
        return now if done else None

    after = wait_until(settled, timeout=10, what="statistics of every request")
    inferences = after["inference_count"] - before["inference_count"]
    executions = after["execution_count"] - before["execution_count"]
    assert inferences == rows
    assert 1 <= executions < len(jobs), "no execution served more than one request"
    for part in ("queue", "compute_input", "compute_infer", "compute_output"):
        counted = (after["inference_stats"][part]["count"]
                   - before["inference_stats"][part]["count"])
        assert counted == len(jobs), part
    assert after["inference_stats"]["queue"]["ns"] > before["inference_stats"]["queue"]["ns"]

    def by_size(stats):
        return {b["batch_size"]: b["compute_infer"]["count"] for b in stats["batch_stats"]}

    sizes = {size: count - by_size(before).get(size, 0) for size, count in by_size(after).items()}
    assert sum(sizes.values()) == executions
    assert sum(size * count for size, count in sizes.items()) == rows
    assert max(size for size, count in sizes.items() if count) > 1


def test_statistics_count_a_refused_request_as_a_failure(batching_server):
    before = model_stats(batching_server)["inference_stats"]["fail"]["count"]
    with pytest.raises(Exception):
        send("grpc", batching_server.grpc_url, "dummy", np.zeros((MAX_BATCH + 1, 10), np.float32))
    wait_until(lambda: model_stats(batching_server)["inference_stats"]["fail"]["count"]
               == before + 1, timeout=10, what="the failure counted")


def test_model_config_reports_the_batching(batching_server):
    config = batching_server.client().get_model_config("dummy", as_json=True)["config"]
    assert int(config["max_batch_size"]) == MAX_BATCH
    assert config["dynamic_batching"]["preferred_batch_size"] == [MAX_BATCH]
    assert int(config["dynamic_batching"]["max_queue_delay_microseconds"]) == DELAY_US
    assert [int(d) for d in config["input"][0]["dims"]] == [10]  # the batch dim left out
    rest = requests.get(f"http://{batching_server.rest_url}/v2/models/dummy/config",
                        timeout=10).json()
    assert rest["max_batch_size"] == MAX_BATCH
    assert rest["dynamic_batching"] == {"preferred_batch_size": [MAX_BATCH],
                                        "max_queue_delay_microseconds": DELAY_US,
                                        "preserve_ordering": False}
    assert rest["input"][0]["dims"] == [10]
    metadata = batching_server.client().get_model_metadata("dummy", as_json=True)
    assert [int(d) for d in metadata["inputs"][0]["shape"]] == [-1, 10]


def test_unbatched_model_reports_no_batching(dummy_server):
    config = dummy_server.client().get_model_config("dummy", as_json=True)["config"]
    assert int(config.get("max_batch_size", 0)) == 0
    assert "dynamic_batching" not in config


def test_too_large_a_request_is_refused(batching_server):
    with pytest.raises(Exception) as caught:
        send("grpc", batching_server.grpc_url, "dummy",
             np.zeros((MAX_BATCH + 1, 10), np.float32))
    assert "INVALID_ARGUMENT" in str(caught.value) or "StatusCode.INVALID_ARGUMENT" in repr(
        caught.value)


def test_config_json_batching_never_merges_different_shapes(tmp_path, models_dir, log_dir):
    repo = ModelRepo(tmp_path / "repo", models_dir)
    repo.add_version("dynamic", 1, source="dynamic")
    repo.write_config([{
        "name": "dynamic", "base_path": "dynamic", "plugin_config": F32, "nireq": 1,
        "scheduling": {"dynamic_batching": {"max_batch_size": 6,
                                            "max_queue_delay_microseconds": DELAY_US,
                                            "preserve_ordering": True}}}])
    args = ["--config_path", repo.config_path, "--metrics_enable"]
    with running_server(args, log_dir) as server:
        # Widths in runs of three: with preserve_ordering a batch is a run of one width in
        # arrival order, and threads often arrive in index order, which alternating widths
        # would turn into batches of one.
        jobs = [np.full((1, 3 + (index // 3) % 2), index, np.float32) for index in range(12)]
        start = threading.Barrier(len(jobs))

        def run(x):
            client = grpcclient.InferenceServerClient(server.grpc_url,
                                                      channel_args=OWN_CONNECTION)
            tensor = grpcclient.InferInput("x", list(x.shape), "FP32")
            tensor.set_data_from_numpy(x)
            start.wait(timeout=60)
            result = client.infer("dynamic", [tensor], client_timeout=60).as_numpy("y")
            client.close()
            return result

        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            answers = list(pool.map(run, jobs))
        for x, y in zip(jobs, answers):
            expected = ov_reference(models_dir / "dynamic" / "1", {"x": x}, F32)["y"]
            np.testing.assert_array_equal(y, expected)
        count, total = batch_histogram(scrape(server), "dynamic")
        assert total == len(jobs)
        assert count < total, "no batch held more than one request"
        assert count >= 2, "requests of different widths were merged"


def test_images_are_batched(models_dir, log_dir):
    extra = ["--nireq", "1", "--metrics_enable", "--dynamic_batching_max_batch_size", "4",
             "--dynamic_batching_max_queue_delay_us", str(DELAY_US)]
    with running_server(model_args("image_nhwc", models_dir, F32, extra), log_dir) as server:
        images = [encode(pattern(32, 32, 3, seed), ".png") for seed in range(8)]
        start = threading.Barrier(len(images))

        def run(image):
            start.wait(timeout=60)
            return kfs_infer(server, "image_nhwc", [image])

        with ThreadPoolExecutor(max_workers=len(images)) as pool:
            answers = list(pool.map(run, images))
        for image, outputs in zip(images, answers):
            batch = decoded_for(image, 32, 32)[None]
            expected = ov_reference(models_dir / "image_nhwc" / "1", {"image": batch}, F32)
            np.testing.assert_allclose(outputs["copy"], batch, atol=1e-3)
            np.testing.assert_allclose(outputs["score"], expected["score"], rtol=1e-4,
                                       atol=1e-4)
        count, total = batch_histogram(scrape(server), "image_nhwc")
        assert total == len(images) and count < total



def test_perf_analyzer_shows_fewer_executions_than_requests(batching_server):
    """perf_analyzer's server-side figures, read from the statistics extension: with 4 clients
    sending 2 rows each, inferences are rows and executions are batches of several requests."""
    binary = perf_analyzer()
    assert binary is not None, "scripts/setup installs perf_analyzer into .venv/bin"
    result = subprocess.run([binary, "-m", "dummy", "-u", batching_server.grpc_url, "-i", "grpc",
                             "-b", "2", "--measurement-interval", "1000", "--concurrency-range",
                             "4", *PERF_STEADY_ENOUGH],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    server_side = result.stdout[result.stdout.index("Server:"):]

    def figure(name):
        return int(re.search(rf"{name}: (\d+)", server_side).group(1))

    requests_run = figure("Successful request count")
    assert figure("Inference count") == 2 * requests_run
    assert 0 < figure("Execution count") < requests_run, server_side

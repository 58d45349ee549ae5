"""Bounded queues and load shedding (DESIGN.md §3b): past a model's queue bound, or after its
queue timeout, a request is answered at once with UNAVAILABLE / HTTP 503 and Triton's text
plus the limit that refused it, and counted in ovms_requests_fail and ovms_requests_rejected.
A slow model (ResNet-shaped, one infer request) makes the queue fill for real."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import grpc
import numpy as np
import requests

from tritonclient.grpc import service_pb2_grpc

from conftest import F32, model_args, raw_request, response_arrays, running_server

OWN_CONNECTION = [("grpc.use_local_subchannel_pool", 1)]
CLIENTS = 6
INPUT = "input_1:0"


def scrape(server):
    return requests.get(f"http://{server.rest_url}/metrics", timeout=10).text


def sample(text, series):
    match = re.search(r"^" + re.escape(series) + r" (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def resnet_server(models_dir, log_dir, extra):
    args = model_args("resnet", models_dir, F32,
                      ["--nireq", "1", "--metrics_enable"] + extra)
    return running_server(args, log_dir)


def image():
    return np.random.default_rng(1).uniform(0, 1, (1, 224, 224, 3)).astype(np.float32)


def grpc_burst(server, count):
    """`count` concurrent gRPC requests; their outcomes as (code, details)."""
    request = raw_request("resnet", {INPUT: image()})
    start = threading.Barrier(count)

    def one(_):
        with grpc.insecure_channel(server.grpc_url, options=OWN_CONNECTION) as channel:
            stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
            start.wait(timeout=60)
            try:
                stub.ModelInfer(request, timeout=120)
                return grpc.StatusCode.OK, ""
            except grpc.RpcError as error:
                return error.code(), error.details()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_queue_bound_rejects_at_once_and_counts(models_dir, log_dir):
    with resnet_server(models_dir, log_dir, ["--max_queue_size", "1"]) as server:
        outcomes = grpc_burst(server, CLIENTS)
        rejected = [details for code, details in outcomes if code != grpc.StatusCode.OK]
        assert outcomes.count((grpc.StatusCode.OK, "")) >= 2  # one running, one queued
        assert rejected, "six requests against one infer request and a queue of one all passed"
        for code, details in outcomes:
            if code == grpc.StatusCode.OK:
                continue
            assert code == grpc.StatusCode.UNAVAILABLE
            assert details.startswith("Exceeds maximum queue size")
            assert "max_queue_size 1" in details
        text = scrape(server)
        labels = 'name="resnet",version="1"'
        assert sample(text, f'ovms_requests_rejected{{{labels},reason="queue_full"}}') == len(
            rejected)
        assert sample(text, 'ovms_requests_fail{api="KServe",interface="gRPC",'
                            f'method="ModelInfer",{labels}}}') == len(rejected)


def test_queue_timeout_answers_503_over_rest(models_dir, log_dir):
    with resnet_server(models_dir, log_dir, ["--queue_timeout_us", "1000"]) as server:
        body = {"inputs": [{"name": INPUT, "shape": [1, 224, 224, 3], "datatype": "FP32",
                            "data": image().ravel().tolist()}]}
        start = threading.Barrier(CLIENTS)

        def one(_):
            start.wait(timeout=60)
            return requests.post(f"http://{server.rest_url}/v2/models/resnet/infer", json=body,
                                 timeout=120)

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            responses = list(pool.map(one, range(CLIENTS)))
        timed_out = [r for r in responses if r.status_code != 200]
        assert timed_out, "no request waited longer than 1 ms behind one infer request"
        for response in timed_out:
            assert response.status_code == 503
            error = response.json()["error"]
            assert error.startswith("Request timeout expired"), error
            assert "queue timeout 1000 us" in error
        text = scrape(server)
        assert sample(text, 'ovms_requests_rejected{name="resnet",version="1",'
                            'reason="timeout"}') == len(timed_out)


def test_a_request_timeout_beyond_int64_keeps_the_models_timeout(models_dir, log_dir):
    """A client's `timeout` may only lower the model's; a huge one (uint64 past int64) must not
    wrap into a deadline already passed."""
    args = model_args("dummy", models_dir, F32, ["--queue_timeout_us", "10000000"])
    with running_server(args, log_dir) as server:
        values = np.arange(10, dtype=np.float32).reshape(1, 10)
        request = raw_request("dummy", {"b": values})
        request.parameters["timeout"].uint64_param = 2**64 - 1
        with grpc.insecure_channel(server.grpc_url) as channel:
            stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
            answer = stub.ModelInfer(request, timeout=60)
        assert response_arrays(answer)["a"].tolist() == (values + 1).tolist()
        body = {"inputs": [{"name": "b", "shape": [1, 10], "datatype": "FP32",
                            "data": values.ravel().tolist()}],
                "parameters": {"timeout": 2**64 - 1}}
        answer = requests.post(f"http://{server.rest_url}/v2/models/dummy/infer", json=body,
                               timeout=60)
        assert answer.status_code == 200, answer.text

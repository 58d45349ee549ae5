"""grpc.health.v1.Health on the gRPC port (REFERENCE-2 §6): the whole server (""), the protocol
services and each model are SERVING while ready; unknown names are NOT_FOUND; on SIGTERM the
service says NOT_SERVING at once (Watch sees the change) while inference still works for
--drain_seconds; a second signal ends the process at once."""
import signal
import threading
import time

import grpc
import numpy as np
import pytest
import requests
from grpc_health.v1 import health_pb2, health_pb2_grpc

from conftest import F32, Server, model_args

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def health_stub(server):
    return health_pb2_grpc.HealthStub(grpc.insecure_channel(server.grpc_url))


def check(stub, service):
    return stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status


@pytest.fixture
def draining_server(models_dir, log_dir):
    server = Server(model_args("dummy", models_dir, F32, ["--drain_seconds", "3"]),
                    log_dir).start()
    yield server
    server.kill()


def test_check_reports_server_services_and_models(dummy_server):
    stub = health_stub(dummy_server)
    for service in ("", "inference.GRPCInferenceService", "tensorflow.serving.PredictionService",
                    "dummy"):
        assert check(stub, service) == SERVING, service
    with pytest.raises(grpc.RpcError) as error:
        check(stub, "no_such_model")
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_sigterm_turns_health_and_readiness_off_while_still_serving(draining_server):
    stub = health_stub(draining_server)
    updates = []
    watch = stub.Watch(health_pb2.HealthCheckRequest(service=""))

    def read():
        try:
            for response in watch:
                updates.append(response.status)
        except grpc.RpcError:
            pass  # the server went away, or the test cancelled the stream

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.monotonic() + 5
    while not updates and time.monotonic() < deadline:
        time.sleep(0.02)
    assert updates == [SERVING]

    draining_server.signal(signal.SIGTERM)
    deadline = time.monotonic() + 2
    while NOT_SERVING not in updates and time.monotonic() < deadline:
        time.sleep(0.02)
    assert updates[-1] == NOT_SERVING
    assert check(stub, "dummy") == NOT_SERVING
    rest = f"http://{draining_server.rest_url}"
    assert requests.get(f"{rest}/v2/health/ready", timeout=5).status_code == 503
    assert requests.get(f"{rest}/v2/health/live", timeout=5).status_code == 200
    # Still serving during the drain: requests routed here before the balancer noticed.
    body = {"inputs": [{"name": "b", "shape": [1, 10], "datatype": "FP32",
                        "data": list(range(10))}]}
    answer = requests.post(f"{rest}/v2/models/dummy/infer", json=body, timeout=5)
    assert answer.status_code == 200
    np.testing.assert_allclose(answer.json()["outputs"][0]["data"], np.arange(10) + 1)
    started = time.monotonic()
    assert draining_server.wait(timeout=15) == 0, draining_server.log
    assert time.monotonic() - started > 1.5  # the drain took its time
    watch.cancel()
    reader.join()


def test_second_signal_exits_at_once(models_dir, log_dir):
    server = Server(model_args("dummy", models_dir, F32, ["--drain_seconds", "60"]),
                    log_dir).start()
    try:
        server.signal(signal.SIGTERM)
        deadline = time.monotonic() + 5
        while "not ready, serving for 60 s more" not in server.log:
            assert time.monotonic() < deadline, server.log
            time.sleep(0.02)
        server.signal(signal.SIGINT)
        assert server.wait(timeout=5) == 128 + signal.SIGINT
        assert "exiting without draining" in server.log
    finally:
        server.kill()

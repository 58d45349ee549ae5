"""gRPC streaming inference (issue 14 §3): ModelStreamInfer answers every request of a stream in
order, reports a failed request in error_message and goes on, and keeps many requests in flight;
tritonclient's stream API and perf_analyzer --streaming work against it."""
import queue
import subprocess

import numpy as np
import pytest
import tritonclient.grpc as grpcclient

from conftest import F32, model_args, ov_reference, running_server, service_pb2
from test_kfs_rest import PERF_STEADY_ENOUGH, perf_analyzer


def infer_input(values, name="b"):
    tensor = grpcclient.InferInput(name, list(values.shape), "FP32")
    tensor.set_data_from_numpy(values)
    return [tensor]


def test_tritonclient_stream_in_order_with_an_error_in_the_middle(dummy_server, models_dir):
    client = grpcclient.InferenceServerClient(dummy_server.grpc_url)
    answers = queue.Queue()
    client.start_stream(callback=lambda result, error: answers.put((result, error)))
    sent = {}
    try:
        for i in range(40):
            values = np.full((1, 10), i, dtype=np.float32) + np.arange(10, dtype=np.float32)
            if i == 17:  # an input the model does not have: this request fails, not the stream
                client.async_stream_infer("dummy", infer_input(values, "nope"), request_id="17")
                continue
            sent[str(i)] = values
            client.async_stream_infer("dummy", infer_input(values), request_id=str(i))
        received = [answers.get(timeout=60) for _ in range(40)]
    finally:
        client.stop_stream()
        client.close()
    ids = []
    for result, error in received:
        if error is not None:
            assert "nope" in str(error) or "Required input" in str(error), str(error)
            ids.append("17")
            continue
        response = result.get_response()
        ids.append(response.id)
        expected = ov_reference(models_dir / "dummy" / "1", {"b": sent[response.id]},
                                {"INFERENCE_PRECISION_HINT": "f32"})["a"]
        np.testing.assert_array_equal(result.as_numpy("a"), expected)
        assert response.parameters["triton_final_response"].bool_param
    assert ids == [str(i) for i in range(40)]  # request order


def test_many_in_flight_on_one_raw_stream(dummy_server):
    """More requests than the per-stream bound, all written before any answer is read: reading
    pauses and resumes, nothing is lost or reordered."""
    def requests():
        for i in range(100):
            request = service_pb2.ModelInferRequest(model_name="dummy", id=f"r{i}")
            tensor = request.inputs.add(name="b", datatype="FP32", shape=[1, 10])
            request.raw_input_contents.append(np.full((1, 10), i, np.float32).tobytes())
            if i % 10 == 9:
                request.model_name = "missing"
            yield request

    answers = list(dummy_server.stub().ModelStreamInfer(requests(), timeout=60))
    assert [a.infer_response.id for a in answers] == [f"r{i}" for i in range(100)]
    for i, answer in enumerate(answers):
        if i % 10 == 9:
            assert answer.error_message == "Model with requested name is not found"
        else:
            assert answer.error_message == ""
            out = np.frombuffer(answer.infer_response.raw_output_contents[0], np.float32)
            np.testing.assert_array_equal(out, np.full(10, i + 1, np.float32))


@pytest.fixture(scope="module")
def many_streams_server(models_dir, log_dir):
    """perf_analyzer --streaming keeps one stream open per concurrency level on one shared
    connection and asks for statistics on it too: the server's per-connection limit
    (grpc.max_concurrent_streams, the CPU count by default, as OVMS) must leave room for them."""
    extra = ["--grpc_channel_arguments", "grpc.max_concurrent_streams=16"]
    with running_server(model_args("dummy", models_dir, F32, extra), log_dir) as server:
        yield server


@pytest.mark.parametrize("concurrency", ["1", "1:3"])
def test_perf_analyzer_streaming(many_streams_server, concurrency):
    binary = perf_analyzer()
    assert binary is not None, "scripts/setup installs perf_analyzer into .venv/bin"
    result = subprocess.run([binary, "-m", "dummy", "-u", f"127.0.0.1:{many_streams_server.port}",
                             "-i", "grpc", "--streaming", "--measurement-interval", "1000",
                             "--concurrency-range", concurrency, *PERF_STEADY_ENOUGH],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Throughput:" in result.stdout
    assert "compute infer" in result.stdout  # server-side statistics over the same connection

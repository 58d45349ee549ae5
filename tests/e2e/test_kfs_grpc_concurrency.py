"""Many concurrent KServe gRPC clients against a small infer-request pool: every answer belongs
to its own request, whether inference runs inline or on OpenVINO's threads."""
import functools
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import tritonclient.grpc as grpcclient

from conftest import F32, model_args, running_server

CLIENTS = 32
REQUESTS_PER_CLIENT = 50
# gRPC shares one connection between channels to the same address, and the server allows only
# core-count concurrent streams per connection (as OVMS): each client gets its own connection.
OWN_CONNECTION = [("grpc.use_local_subchannel_pool", 1)]


# Both execution paths: light models infer on the receiving thread by default (and a release
# serves queued waiters there), `--inline_inference_max_us 0` hands every inference to OpenVINO.
@pytest.fixture(scope="module", params=[[], ["--inline_inference_max_us", "0"]],
                ids=["inline", "always-async"])
def dummy_nireq2_server(request, models_dir, log_dir):
    args = model_args("dummy", models_dir, F32, extra=["--nireq", "2"] + request.param)
    with running_server(args, log_dir) as server:
        yield server


def client_input(client_index, request_index):
    # Integer-valued floats: b + 1 is exact, and no two requests share an input.
    base = client_index * 10000 + request_index * 10
    return (np.arange(10, dtype=np.float32) + base).reshape(1, 10)


def run_client(server, client_index, start):
    """Sends REQUESTS_PER_CLIENT requests on its own connection; returns the wrong answers."""
    client = grpcclient.InferenceServerClient(server.grpc_url, channel_args=OWN_CONNECTION)
    wrong = []
    start.wait(timeout=60)
    for request_index in range(REQUESTS_PER_CLIENT):
        b = client_input(client_index, request_index)
        infer_input = grpcclient.InferInput("b", [1, 10], "FP32")
        infer_input.set_data_from_numpy(b)
        result = client.infer("dummy", [infer_input], client_timeout=60)
        a = result.as_numpy("a")
        if a is None or not np.array_equal(a, b + 1):
            wrong.append((client_index, request_index, b, a))
    client.close()
    return wrong


def test_concurrent_clients_get_their_own_answers(dummy_nireq2_server):
    start = threading.Barrier(CLIENTS)
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [pool.submit(run_client, dummy_nireq2_server, index, start)
                   for index in range(CLIENTS)]
        wrong = [item for future in futures for item in future.result()]
    assert wrong == [], f"{len(wrong)} wrong answers, first: {wrong[:1]}"


def test_concurrent_async_requests_on_one_connection(dummy_nireq2_server):
    # More requests than the connection's stream limit: the excess waits in the client.
    client = dummy_nireq2_server.client()
    done = threading.Semaphore(0)
    results = {}

    def on_done(index, result, error):
        results[index] = (result, error)
        done.release()

    count = 64
    for index in range(count):
        infer_input = grpcclient.InferInput("b", [1, 10], "FP32")
        infer_input.set_data_from_numpy(client_input(index, 0))
        client.async_infer("dummy", [infer_input], callback=functools.partial(on_done, index))
    for _ in range(count):
        assert done.acquire(timeout=60), "an async request got no answer"
    for index, (result, error) in sorted(results.items()):
        assert error is None, error
        np.testing.assert_array_equal(result.as_numpy("a"), client_input(index, 0) + 1)

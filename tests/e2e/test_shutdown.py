"""Graceful shutdown (REFERENCE.md §9.3): SIGTERM/SIGINT let the requests in flight finish, then
the process exits 0 within a few seconds."""
import signal
import threading
import time

import numpy as np
import pytest
import tritonclient.grpc as grpcclient

from conftest import F32, Server, model_args, ov_reference

IN_FLIGHT = 6
EXIT_WITHIN_S = 10  # OVMS waits up to 5 s for gRPC calls; allow model teardown on top


@pytest.fixture
def fresh_server(models_dir, log_dir):
    """A server of its own (the tests end it); `start(model)` starts it."""
    servers = []

    def start(model):
        servers.append(Server(model_args(model, models_dir, F32), log_dir).start())
        return servers[-1]

    yield start
    for server in servers:
        server.kill()


def send_async(server, image, count):
    """Starts `count` resnet requests, each on its own connection: the server allows only
    core-count concurrent streams per connection (as OVMS), and a client queues the rest
    locally, where they are not in flight. gRPC shares one connection between channels to the
    same address unless each channel has a local subchannel pool.
    Returns (results list, all-done event)."""
    results, lock, all_done = [], threading.Lock(), threading.Event()

    def on_done(result, error):
        with lock:
            results.append((result, error))
            if len(results) == count:
                all_done.set()

    own_connection = [("grpc.use_local_subchannel_pool", 1)]
    clients = [grpcclient.InferenceServerClient(server.grpc_url, channel_args=own_connection)
               for _ in range(count)]
    for client in clients:
        assert client.is_server_ready()  # connected before the requests go out
    for client in clients:
        infer_input = grpcclient.InferInput("input_1:0", list(image.shape), "FP32")
        infer_input.set_data_from_numpy(image)
        client.async_infer("resnet", [infer_input], callback=on_done)
    return results, all_done


def test_sigterm_lets_requests_in_flight_finish(fresh_server, models_dir):
    server = fresh_server("resnet")
    image = np.random.default_rng(7).uniform(0, 255, (1, 224, 224, 3)).astype(np.float32)
    expected = ov_reference(models_dir / "resnet" / "1", {"input_1:0": image}, F32)
    results, all_done = send_async(server, image, IN_FLIGHT)
    # Once one answer is back, the server has received every request (all were sent before it
    # on open connections); the others are running or waiting for an infer request.
    deadline = time.monotonic() + 60
    while not results and time.monotonic() < deadline:
        time.sleep(0.005)
    assert results, "no answer to the first request"
    answered_before_signal = len(results)
    server.signal(signal.SIGTERM)
    signalled = time.monotonic()

    assert all_done.wait(EXIT_WITHIN_S), f"only {len(results)} of {IN_FLIGHT} answered"
    code = server.wait(EXIT_WITHIN_S)
    elapsed = time.monotonic() - signalled

    assert answered_before_signal < IN_FLIGHT, "the signal came after all requests finished"
    errors = [error for _, error in results if error is not None]
    assert not errors, (f"{len(errors)} of {IN_FLIGHT - answered_before_signal} requests in "
                        f"flight failed during shutdown, e.g. {errors[0]}")
    for result, _ in results:
        np.testing.assert_allclose(result.as_numpy("softmax/Softmax:0"),
                                   expected["softmax/Softmax:0"], rtol=1e-4, atol=1e-7)
    assert code == 0, f"exit code {code} after SIGTERM; log:\n{server.log}"
    assert elapsed < EXIT_WITHIN_S


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_idle_server_exits_zero(fresh_server, signum):
    server = fresh_server("dummy")
    assert server.client().is_server_ready()
    server.signal(signum)
    signalled = time.monotonic()
    code = server.wait(EXIT_WITHIN_S)
    assert code == 0, f"exit code {code} after {signum.name}; log:\n{server.log}"
    assert time.monotonic() - signalled < EXIT_WITHIN_S

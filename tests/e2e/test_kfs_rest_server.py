"""The REST server's life cycle from the command line: REST without gRPC, a busy REST port,
and graceful shutdown with a request in flight."""
import socket
import subprocess
import time

import requests

from conftest import BINARY, READY_LINE, free_port, model_args, require_binary


def start(args, log_path):
    require_binary()
    log = open(log_path, "wb")
    return subprocess.Popen([str(BINARY), *map(str, args)], stdout=log, stderr=subprocess.STDOUT)


def wait_ready(process, log_path, timeout=120):
    deadline = time.monotonic() + timeout
    while READY_LINE not in log_path.read_text(errors="replace"):
        assert process.poll() is None, log_path.read_text(errors="replace")
        assert time.monotonic() < deadline, "server not ready"
        time.sleep(0.05)


def test_rest_only_server_serves_and_stops_cleanly(models_dir, log_dir):
    port = free_port()
    log_path = log_dir / f"rest-only-{port}.log"
    process = start(model_args("dummy", models_dir) + ["--rest_port", port,
                                                       "--rest_bind_address", "127.0.0.1"],
                    log_path)
    try:
        wait_ready(process, log_path)
        assert requests.get(f"http://127.0.0.1:{port}/v2/health/ready").status_code == 200
        assert "Started gRPC server" not in log_path.read_text()
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    assert "Shutdown REST server" in log_path.read_text()


def test_busy_rest_port_fails_start(models_dir, log_dir):
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        port = holder.getsockname()[1]
        log_path = log_dir / f"rest-busy-{port}.log"
        process = start(model_args("dummy", models_dir) + ["--rest_port", port], log_path)
        assert process.wait(timeout=60) == 1
    assert "Failed to start REST server" in log_path.read_text()

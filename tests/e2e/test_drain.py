"""A rolling replacement behind a real load balancer (REFERENCE.md §9.3, REFERENCE-2 §11.2): two
mserve instances behind haproxy, which health-checks /v2/health/ready on each; clients send
REST inferences without pause; a new instance starts, an old one gets SIGTERM and drains. Not a
single request may fail, and the old instance exits 0."""
import shutil
import signal
import socket
import subprocess
import threading
import time

import numpy as np
import pytest
import requests

from conftest import F32, Server, free_port, model_args

CHECK_INTERVAL_MS = 200
DRAIN_SECONDS = 2  # > haproxy's fall (2) × interval: it marks the server down well before
CLIENTS = 2
BODY = {"inputs": [{"name": "b", "shape": [1, 10], "datatype": "FP32",
                    "data": list(range(10))}]}


class Haproxy:
    """haproxy in the foreground on a free port, with a stats socket to read server states."""

    def __init__(self, servers, tmp_path):
        self.port = free_port()
        self.socket_path = tmp_path / "haproxy.sock"
        lines = [
            "global", f"  stats socket {self.socket_path} level admin",
            "defaults", "  mode http", "  timeout connect 1s", "  timeout client 10s",
            "  timeout server 10s", "  retries 2",
            "frontend front", f"  bind 127.0.0.1:{self.port}", "  default_backend mserve",
            "backend mserve", "  balance roundrobin",
            "  option httpchk GET /v2/health/ready", "  http-check expect status 200",
            f"  default-server check inter {CHECK_INTERVAL_MS}ms fall 2 rise 1",
        ]
        lines += [f"  server {name} 127.0.0.1:{port}" for name, port in servers]
        config = tmp_path / "haproxy.cfg"
        config.write_text("\n".join(lines) + "\n")
        self.log_path = tmp_path / "haproxy.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(["haproxy", "-db", "-f", str(config)],
                                            stdout=log, stderr=subprocess.STDOUT)

    def states(self):
        """Server name → 'UP' / 'DOWN' (…), from `show stat`."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.socket_path))
            sock.sendall(b"show stat\n")
            text = b""
            while chunk := sock.recv(65536):
                text += chunk
        rows = [line.split(",") for line in text.decode().splitlines() if line]
        header = rows[0]
        return {row[1]: row[header.index("status")] for row in rows[1:] if row[0] == "mserve"
                and row[1] not in ("BACKEND",)}

    def wait_for(self, name, status, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.states().get(name, "").startswith(status):
                    return
            except OSError:
                pass  # socket not there yet
            assert time.monotonic() < deadline, f"{name} not {status}: {self.states()}"
            time.sleep(0.05)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Traffic:
    """Closed-loop REST clients through the balancer, counting answers and failures."""

    def __init__(self, port):
        self.url = f"http://127.0.0.1:{port}/v2/models/dummy/infer"
        self.ok, self.failures = 0, []
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.run) for _ in range(CLIENTS)]
        for thread in self.threads:
            thread.start()

    def run(self):
        session = requests.Session()
        while not self.stopping.is_set():
            try:
                answer = session.post(self.url, json=BODY, timeout=10)
                good = answer.status_code == 200 and np.allclose(
                    answer.json()["outputs"][0]["data"], np.arange(10) + 1)
                failure = None if good else f"{answer.status_code} {answer.text[:200]}"
            except requests.RequestException as error:
                failure = repr(error)
            with self.lock:
                if failure is None:
                    self.ok += 1
                else:
                    self.failures.append(failure)

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def test_replacing_an_instance_behind_haproxy_fails_no_request(models_dir, log_dir, tmp_path):
    if shutil.which("haproxy") is None:
        pytest.fail("haproxy is missing; scripts/setup installs it")
    args = model_args("dummy", models_dir, F32, ["--drain_seconds", DRAIN_SECONDS])
    old, other = Server(args, log_dir).start(), Server(args, log_dir).start()
    new = Server(args, log_dir)  # its ports are reserved in the balancer, started later
    balancer = Haproxy([("old", old.rest_port), ("other", other.rest_port),
                        ("new", new.rest_port)], tmp_path)
    traffic = None
    try:
        balancer.wait_for("old", "UP")
        balancer.wait_for("other", "UP")
        balancer.wait_for("new", "DOWN")
        traffic = Traffic(balancer.port)
        time.sleep(1)
        new.start()  # the same ports the balancer knows, unless they were taken meanwhile
        balancer.wait_for("new", "UP")
        served_before = traffic.ok
        old.signal(signal.SIGTERM)
        balancer.wait_for("old", "DOWN", timeout=DRAIN_SECONDS)  # while it still serves
        assert old.wait(timeout=DRAIN_SECONDS + 10) == 0, old.log
        time.sleep(1)
        traffic.stop()
        assert traffic.failures == [], traffic.failures[:5]
        assert traffic.ok > served_before > 0
        assert "Shutdown complete" in old.log
    finally:
        if traffic is not None:
            traffic.stop()
        balancer.stop()
        for server in (old, other, new):
            if server.process is not None:
                server.stop()

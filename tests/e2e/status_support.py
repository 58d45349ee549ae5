"""Support for the status page tests (test_status_page.py, test_run_time_advice.py): reading
/status/data, client threads that keep a model busy, and headless Chromium."""
import json
import shutil
import subprocess
import tempfile
import threading
import time

import numpy as np
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

CHROMIUM = "chromium"


def status_data(server):
    answer = requests.get(f"http://{server.rest_url}/status/data", timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    return answer.json()


def model_entry(data, name, version=1):
    for entry in data["models"]:
        if entry["name"] == name and entry["version"] == version:
            return entry
    raise AssertionError(f"{name} version {version} not in {json.dumps(data)[:2000]}")


class BusyClients:
    """`count` threads, each with its own client, sending `inputs` to `model` until stopped,
    `pause` seconds apart; `answers` counts the successful ones. Over REST each thread has its
    own connection; gRPC channels of one process share a connection, on which the server allows
    as many concurrent calls as it has CPUs (the others wait in the client)."""

    def __init__(self, server, model, inputs, count, pause=0.0, protocol="grpc"):
        self.server, self.model, self.inputs = server, model, inputs
        self.count, self.pause = count, pause
        self.module = grpcclient if protocol == "grpc" else httpclient
        self.url = server.grpc_url if protocol == "grpc" else server.rest_url
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.answers = 0
        self.errors = []
        self.threads = []

    def __enter__(self):
        for _ in range(self.count):
            thread = threading.Thread(target=self._run, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _run(self):
        client = self.module.InferenceServerClient(self.url)
        tensors = []
        for name, value in self.inputs.items():
            tensor = self.module.InferInput(name, list(value.shape), "FP32")
            tensor.set_data_from_numpy(value)
            tensors.append(tensor)
        try:
            while not self.stop_event.is_set():
                try:
                    client.infer(self.model, tensors)
                    with self.lock:
                        self.answers += 1
                except Exception as error:  # recorded; the test asserts there are none
                    self.errors.append(str(error))
                    return
                if self.pause:
                    time.sleep(self.pause)
        finally:
            client.close()


def dummy_inputs():
    return {"b": np.arange(10, dtype=np.float32).reshape(1, 10)}


def chromium(url, *flags, timeout=90):
    """Runs headless Chromium on `url` with `flags`; returns its stdout."""
    assert shutil.which(CHROMIUM), "chromium is missing: scripts/setup installs it"
    with tempfile.TemporaryDirectory() as profile:
        command = [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox",
                   "--disable-dev-shm-usage", "--no-first-run", f"--user-data-dir={profile}",
                   "--virtual-time-budget=4000", *flags, url]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env={"HOME": profile, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, f"$ {' '.join(command)}\n{done.stderr[-3000:]}"
    return done.stdout

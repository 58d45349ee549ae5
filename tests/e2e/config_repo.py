"""Support for the config.json and reload end-to-end tests (test_config.py, test_reload.py): a
temporary model repository edited the way operators edit one, clients that send requests
continuously while it changes, and small waiting and measuring helpers."""
import json
import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

F32_PLUGIN = {"INFERENCE_PRECISION_HINT": "f32"}
RELOAD_TIMEOUT_S = 60


class ModelRepo:
    """A repository under `root` with a config.json. Version folders are copied beside the
    repository and renamed into place, and config.json is replaced atomically, so the server's
    watcher never sees half-written files (a half-copied version would only be retried)."""

    def __init__(self, root, models_dir):
        self.root = Path(root)
        self.models_dir = Path(models_dir)
        self.staging = self.root / ".staging"
        self.staging.mkdir(parents=True, exist_ok=True)
        self.config_path = self.root / "config.json"

    def add_version(self, model, version, source="versioned", source_version=None):
        """Copies generated model `source` (its version `source_version`, default `version`)
        as `model`/`version`."""
        source_dir = self.models_dir / source / str(source_version or version)
        staged = self.staging / f"{model}-{version}-{time.monotonic_ns()}"
        shutil.copytree(source_dir, staged)
        target = self.root / model / str(version)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staged, target)
        return target

    def add_broken_version(self, model, version):
        staged = self.staging / f"{model}-{version}-broken"
        staged.mkdir()
        (staged / "model.xml").write_text("<net>not a model")
        (staged / "model.bin").write_bytes(b"\0" * 16)
        target = self.root / model / str(version)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staged, target)

    def remove_version(self, model, version):
        # Renamed away first: the watcher sees the folder vanish at once, never half-deleted.
        gone = self.staging / f"gone-{model}-{version}-{time.monotonic_ns()}"
        os.rename(self.root / model / str(version), gone)
        shutil.rmtree(gone)

    def write_config(self, models, raw=None, **sections):
        """`models`: list of config dicts (plugin_config f32 added unless given); `raw`: exact
        file text instead."""
        if raw is None:
            entries = [{"config": {"plugin_config": F32_PLUGIN, **model}} for model in models]
            raw = json.dumps({"model_config_list": entries, **sections}, indent=1)
        staged = self.staging / f"config-{time.monotonic_ns()}.json"
        staged.write_text(raw)
        os.replace(staged, self.config_path)


def wait_until(predicate, timeout=RELOAD_TIMEOUT_S, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def config_statuses(server):
    """GET /v1/config as {model: {version: (state, error_code)}}."""
    answer = requests.get(f"http://{server.rest_url}/v1/config", timeout=30)
    assert answer.status_code == 200, answer.text
    return {name: {int(v["version"]): (v["state"], v["status"]["error_code"])
                   for v in status["model_version_status"]}
            for name, status in answer.json().items()}


def version_state(server, model, version):
    return config_statuses(server).get(model, {}).get(version, (None, None))[0]


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


class LoadClients:
    """Threads that send requests for `model` (default version) without pause, one over gRPC
    and one over REST, until stopped. Every answer must equal b + k where k is the version the
    response names (the `versioned` model); anything else is recorded as a failure."""

    def __init__(self, server, model="versioned", protocols=("grpc", "rest")):
        self.server = server
        self.model = model
        self.protocols = protocols
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.failures = []   # (protocol, description)
        self.versions = {}   # protocol -> versions answered, in order
        self.threads = []

    def __enter__(self):
        for protocol in self.protocols:
            self.versions[protocol] = []
            thread = threading.Thread(target=self._run, args=(protocol,), daemon=True)
            thread.start()
            self.threads.append(thread)
        self.wait_for_answers(10)
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _infer(self, client, protocol, b):
        module = grpcclient if protocol == "grpc" else httpclient
        infer_input = module.InferInput("b", [1, 10], "FP32")
        infer_input.set_data_from_numpy(b)
        result = client.infer(self.model, [infer_input])
        response = result.get_response()
        version = response.model_version if protocol == "grpc" else response["model_version"]
        return int(version), result.as_numpy("a")

    def _run(self, protocol):
        if protocol == "grpc":
            client = grpcclient.InferenceServerClient(self.server.grpc_url)
        else:
            client = httpclient.InferenceServerClient(self.server.rest_url)
        rng = np.random.default_rng(len(protocol))
        while not self.stop_event.is_set():
            b = rng.integers(-1000, 1000, size=(1, 10)).astype(np.float32)
            try:
                version, a = self._infer(client, protocol, b)
                if a is None or not np.array_equal(a, b + version):
                    self._fail(protocol, f"version {version} answered {a} for {b}")
                with self.lock:
                    self.versions[protocol].append(version)
            except Exception as error:  # noqa: BLE001 - every failure counts
                self._fail(protocol, repr(error))
        client.close()

    def _fail(self, protocol, description):
        with self.lock:
            self.failures.append((protocol, description))

    def count(self):
        with self.lock:
            return sum(len(v) for v in self.versions.values())

    def wait_for_answers(self, n, timeout=30):
        start = self.count()
        wait_until(lambda: self.count() >= start + n or self.failures, timeout,
                   what=f"{n} answers")

    def wait_for_version(self, version, timeout=RELOAD_TIMEOUT_S):
        """Until every protocol's latest answer comes from `version`."""
        def latest_is_version():
            with self.lock:
                return all(v and v[-1] == version for v in self.versions.values())
        wait_until(latest_is_version, timeout, what=f"answers from version {version}")
        self.wait_for_answers(4)

    def answered(self):
        with self.lock:
            return {protocol: list(v) for protocol, v in self.versions.items()}

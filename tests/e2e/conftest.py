"""Fixtures for the end-to-end tests: generated models, mserve processes, OpenVINO references.

Each server fixture starts one `build/release/mserve` process on free ports and reuses it for the
whole session (or module), so the suite stays fast on small machines. Environment:
  MSERVE_BINARY  server binary (default build/release/mserve)
  MSERVE_MODELS  folder with the generated models (default: generate into build/models)
  MSERVE_E2E_LOGS  folder for the server logs (default build/test-logs/servers)
"""
import contextlib
import json
import os
import signal
import socket
import shutil
import subprocess
import sys
import time
from pathlib import Path

import grpc
import numpy as np
import openvino as ov
import pytest
import tritonclient.grpc as grpcclient
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import np_to_triton_dtype

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("MSERVE_BINARY", REPO / "build" / "release" / "mserve"))
READY_LINE = "Started model manager thread"
START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 30
# The CPUs here run FP32 models in bf16 unless told otherwise: servers and references both
# compile with this so their numbers can be compared tightly.
F32 = {"INFERENCE_PRECISION_HINT": "f32"}
GRPC_MAX_MESSAGE = 2**31 - 1


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def free_ports():
    """Two distinct free ports: gRPC and REST."""
    while True:
        ports = free_port(), free_port()
        if ports[0] != ports[1]:
            return ports


def require_binary():
    if not BINARY.is_file():
        pytest.fail(f"server binary {BINARY} does not exist; run scripts/build first")


class Server:
    """One mserve process: started with `args` plus a free --port and --rest_port, stopped with
    SIGTERM. `prefix` runs it through another command (e.g. taskset) that execs it."""

    def __init__(self, args, log_dir, prefix=()):
        self.args = [str(arg) for arg in args]
        self.prefix = [str(part) for part in prefix]
        self.port, self.rest_port = free_ports()
        self.log_dir = Path(log_dir)
        self.log_path = self.log_dir / f"mserve-{self.port}.log"
        self.process = None
        self._channel = None
        self._client = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self, timeout=START_TIMEOUT_S, attempts=3):
        """Starts the process and waits for its readiness line. A free port can be taken by
        someone else before the server binds it, so a bind failure retries on another port."""
        require_binary()
        for _ in range(attempts):
            if self._launch(timeout):
                return self
            self.port, self.rest_port = free_ports()
        pytest.fail(f"mserve could not bind a port in {attempts} attempts:\n{self.log}")

    def _launch(self, timeout):
        command = [*self.prefix, str(BINARY), *self.args, "--port", str(self.port),
                   "--rest_port", str(self.rest_port)]
        self.log_path = self.log_dir / f"mserve-{self.port}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            cwd=REPO)
        deadline = time.monotonic() + timeout
        while READY_LINE not in self.log:
            if self.process.poll() is not None:
                if "Failed to start gRPC server" in self.log or \
                        "Failed to start REST server" in self.log:
                    return False
                pytest.fail(f"mserve exited with {self.process.returncode} before it was ready:"
                            f"\n$ {' '.join(command)}\n{self.log}")
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"mserve not ready after {timeout} s:\n{self.log}")
            time.sleep(0.05)
        return True

    def signal(self, signum=signal.SIGTERM):
        self.process.send_signal(signum)

    def wait(self, timeout=STOP_TIMEOUT_S):
        """Exit code of the process, or None if it is still running after `timeout`."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        """SIGTERM, then the exit code (killed and reported as None if it hangs)."""
        self.close_channel()
        if self.process.poll() is None:
            self.signal(signal.SIGTERM)
        code = self.wait()
        if code is None:
            self.kill()
        return code

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    # -- access ---------------------------------------------------------------------------

    @property
    def log(self):
        return self.log_path.read_text(errors="replace")

    @property
    def rest_url(self):
        """host:port, as tritonclient.http wants it."""
        return f"127.0.0.1:{self.rest_port}"

    @property
    def grpc_url(self):
        return f"localhost:{self.port}"

    def client(self):
        """A tritonclient gRPC client, shared by the tests that use this server."""
        if self._client is None:
            self._client = grpcclient.InferenceServerClient(self.grpc_url)
        return self._client

    def close_channel(self):
        """Drops the client connections; the next client() or stub() opens new ones."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def stub(self):
        """A raw KServe stub, for requests that tritonclient will not build."""
        if self._channel is None:
            options = [("grpc.max_send_message_length", GRPC_MAX_MESSAGE),
                       ("grpc.max_receive_message_length", GRPC_MAX_MESSAGE)]
            self._channel = grpc.insecure_channel(self.grpc_url, options=options)
        return service_pb2_grpc.GRPCInferenceServiceStub(self._channel)


def model_args(name, models_dir, plugin_config=None, extra=()):
    args = ["--model_name", name, "--model_path", Path(models_dir) / name]
    if plugin_config:
        args += ["--plugin_config", json.dumps(plugin_config)]
    return args + list(extra)


@contextlib.contextmanager
def running_server(args, log_dir, expect_exit_code=0, prefix=()):
    """Starts a server, yields it, and on exit stops it and checks its exit code."""
    server = Server(args, log_dir, prefix).start()
    try:
        yield server
    finally:
        code = server.stop()
    assert code == expect_exit_code, f"mserve exit code {code} on SIGTERM; log:\n{server.log}"


# ---------------------------------------------------------------------------------------------
# Models and references


@pytest.fixture(scope="session")
def models_dir():
    if os.environ.get("MSERVE_MODELS"):
        return Path(os.environ["MSERVE_MODELS"])
    target = REPO / "build" / "models"
    subprocess.run([sys.executable, str(REPO / "tools" / "make_models.py"), str(target)],
                   check=True, stdout=subprocess.DEVNULL)
    return target


@pytest.fixture(scope="session")
def log_dir():
    """Server logs of this session, kept after the run for post-mortems."""
    folder = Path(os.environ.get("MSERVE_E2E_LOGS", REPO / "build" / "test-logs" / "servers"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def model_file(version_dir):
    version_dir = Path(version_dir)
    for name in ("model.xml", "model.onnx"):
        if (version_dir / name).is_file():
            return version_dir / name
    raise FileNotFoundError(f"no model file in {version_dir}")


def effective_config(plugin_config):
    """The properties the server compiles with: OVMS adds PERFORMANCE_HINT=LATENCY when the
    user gives neither a hint nor NUM_STREAMS."""
    config = dict(plugin_config or {})
    if "PERFORMANCE_HINT" not in config and "NUM_STREAMS" not in config:
        config["PERFORMANCE_HINT"] = "LATENCY"
    return {key: str(value) for key, value in config.items()}


_compiled_references = {}


def as_ov_input(value):
    if value.dtype != object:
        return value
    # KServe BYTES arrive as Python bytes objects; OpenVINO takes strings.
    text = [item.decode() if isinstance(item, bytes) else item for item in value.ravel()]
    return ov.Tensor(np.array(text).reshape(value.shape))


def ov_reference(version_dir, inputs, plugin_config=None):
    """Outputs (name -> ndarray) of the model in `version_dir` run in-process by OpenVINO with
    the same compile properties as a server started with `plugin_config`."""
    path = model_file(version_dir)
    config = effective_config(plugin_config)
    key = (str(path), tuple(sorted(config.items())))
    if key not in _compiled_references:
        _compiled_references[key] = ov.Core().compile_model(str(path), "CPU", config)
    compiled = _compiled_references[key]
    results = compiled.create_infer_request().infer(
        {name: as_ov_input(value) for name, value in inputs.items()})
    return {output.get_any_name(): np.asarray(results[output]) for output in compiled.outputs}


# ---------------------------------------------------------------------------------------------
# Raw KServe requests (for typed contents, errors and anything tritonclient refuses to build)


def raw_request(model, inputs, version="", outputs=None, datatypes=None, shapes=None):
    """A ModelInferRequest with every input in raw_input_contents. `datatypes` and `shapes`
    override what the arrays say (to build invalid requests)."""
    request = service_pb2.ModelInferRequest(model_name=model, model_version=version)
    for name, value in inputs.items():
        value = np.ascontiguousarray(value)
        tensor = request.inputs.add(name=name)
        tensor.datatype = (datatypes or {}).get(name) or np_to_triton_dtype(value.dtype)
        tensor.shape.extend((shapes or {}).get(name, value.shape))
        request.raw_input_contents.append(value.tobytes())
    for name in outputs or []:
        request.outputs.add(name=name)
    return request


def response_arrays(response):
    """name -> ndarray for a ModelInferResponse (raw outputs, as tritonclient reads them)."""
    arrays = {}
    for index, output in enumerate(response.outputs):
        raw = response.raw_output_contents[index]
        if output.datatype == "BYTES":
            arrays[output.name] = decode_bytes(raw).reshape(output.shape)
        else:
            dtype = grpcclient.triton_to_np_dtype(output.datatype)
            arrays[output.name] = np.frombuffer(raw, dtype=dtype).reshape(output.shape)
    return arrays


def decode_bytes(raw):
    """KServe raw BYTES: each element is a 4-byte little-endian length and then the bytes."""
    items, offset = [], 0
    while offset < len(raw):
        length = int.from_bytes(raw[offset:offset + 4], "little")
        items.append(raw[offset + 4:offset + 4 + length])
        offset += 4 + length
    return np.array(items, dtype=object)


def grpc_error(call, *args, **kwargs):
    """Runs a stub call that must fail; returns the grpc.RpcError."""
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return caught.value


# ---------------------------------------------------------------------------------------------
# Shared servers: one process per model for the whole session


def serve(model, models_dir, log_dir, plugin_config=F32, extra=()):
    with running_server(model_args(model, models_dir, plugin_config, extra), log_dir) as server:
        yield server


@pytest.fixture(scope="session")
def dummy_server(models_dir, log_dir):
    yield from serve("dummy", models_dir, log_dir)


@pytest.fixture(scope="session")
def add_two_server(models_dir, log_dir):
    yield from serve("add_two", models_dir, log_dir)


@pytest.fixture(scope="session")
def dynamic_server(models_dir, log_dir):
    yield from serve("dynamic", models_dir, log_dir)


@pytest.fixture(scope="session")
def resnet_server(models_dir, log_dir):
    yield from serve("resnet", models_dir, log_dir)


@pytest.fixture(scope="session")
def onnx_server(models_dir, log_dir):
    yield from serve("dummy_onnx", models_dir, log_dir)


@pytest.fixture(scope="session")
def types_server(models_dir, log_dir):
    yield from serve("types", models_dir, log_dir)


@pytest.fixture(scope="session")
def strings_server(models_dir, log_dir):
    if not (models_dir / "strings" / "1" / "model.xml").is_file():
        pytest.skip("no strings model: OpenVINO CPU could not compile string tensors")
    yield from serve("strings", models_dir, log_dir, plugin_config=None)


@pytest.fixture(scope="session")
def versioned_all_server(models_dir, log_dir):
    yield from serve("versioned", models_dir, log_dir,
                     extra=["--model_version_policy", '{"all":{}}'])


@pytest.fixture(scope="session")
def versioned_latest_server(models_dir, log_dir):
    yield from serve("versioned", models_dir, log_dir)


@pytest.fixture(scope="session")
def typed_contents_server(models_dir, log_dir):
    yield from serve("typed_contents", models_dir, log_dir)

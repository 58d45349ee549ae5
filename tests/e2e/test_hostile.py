"""Hostile input end to end: what an attacker (or a bad day) sends, and what the server must do
instead of crashing, hanging or corrupting a connection. Each case ends in a few seconds; the
servers keep answering ordinary clients throughout.

Cases: deeply nested configuration JSON, HEAD requests on a pipelined connection, transfer
codings other than chunked, NUL bytes inside JSON strings, error texts echoing huge values,
file-descriptor exhaustion by half-sent headers, and SIGHUP."""
import json
import resource
import signal
import socket
import time

import grpc
import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
from ovmsclient.tfs_compat.protos.tensorflow.core.framework import tensor_pb2, types_pb2
from ovmsclient.tfs_compat.protos.tensorflow_serving.apis import (
    predict_pb2, prediction_service_pb2_grpc)

from config_repo import ModelRepo, wait_until
from conftest import F32, Server, grpc_error, model_args, raw_request, running_server

HEADER_TIMEOUT_S = 2
B = np.arange(10, dtype=np.float32).reshape(1, 10)


def dummy_json(datatype="FP32", shape=(1, 10), name="b"):
    return json.dumps({"inputs": [{"name": name, "shape": list(shape), "datatype": datatype,
                                   "data": list(range(10))}]})


def nested(levels):
    return "[" * levels + "]" * levels


class RawHttp:
    """A raw socket for the requests no HTTP client would send."""

    def __init__(self, server, timeout=5):
        self.sock = socket.create_connection(("127.0.0.1", server.rest_port), timeout=timeout)
        self.pending = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def read(self, head_only=False):
        """(status, head, body) of one Content-Length framed response; HEAD answers have no
        body whatever their Content-Length says."""
        while b"\r\n\r\n" not in self.pending:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"connection closed; got {self.pending!r}")
            self.pending += chunk
        head, _, rest = self.pending.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if head_only:
            length = 0
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("connection closed inside a body")
            rest += chunk
        self.pending = rest[length:]
        return int(head.split(b" ")[1]), head.decode(), rest[:length]


def infer_url(server, model="dummy"):
    return f"http://{server.rest_url}/v2/models/{model}/infer"


def assert_serving(server):
    answer = requests.post(infer_url(server), data=dummy_json(), timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["outputs"][0]["data"] == [float(x + 1) for x in range(10)]


@pytest.fixture(scope="module")
def repo(tmp_path_factory, models_dir):
    repo = ModelRepo(tmp_path_factory.mktemp("hostile"), models_dir)
    repo.add_version("dummy", 1, source="dummy")
    repo.write_config([{"name": "dummy", "base_path": str(repo.root / "dummy")}])
    return repo


@pytest.fixture(scope="module")
def server(repo, log_dir):
    # No polling: config.json changes only through the reload endpoint and SIGHUP.
    args = ["--config_path", repo.config_path, "--file_system_poll_wait_seconds", 0,
            "--rest_header_timeout_seconds", HEADER_TIMEOUT_S]
    with running_server(args, log_dir) as server:
        yield server


def reload(server):
    return requests.post(f"http://{server.rest_url}/v1/config/reload", timeout=10)


def restore_config(repo, server):
    repo.write_config([{"name": "dummy", "base_path": str(repo.root / "dummy")}])
    assert reload(server).status_code in (200, 201)


# -- 1. deeply nested configuration -----------------------------------------------------------


@pytest.mark.parametrize("key", ["layout", "shape", "model_version_policy"])
def test_deeply_nested_config_json_is_refused_at_once(repo, server, key):
    # 250,000 levels (500 KB of valid JSON) once recursed per level in schema validation:
    # minutes of CPU, then SIGSEGV.
    entry = json.dumps({"name": "dummy", "base_path": str(repo.root / "dummy")})
    text = '{"model_config_list": [{"config": ' + entry[:-1] + f', "{key}": ' + \
        nested(250000) + "}}]}"
    repo.write_config(None, raw=text)
    start = time.monotonic()
    answer = reload(server)
    assert time.monotonic() - start < 5
    assert answer.status_code == 412, answer.text
    assert "limit 32 levels for configuration JSON" in server.log
    assert server.process.poll() is None
    assert_serving(server)
    restore_config(repo, server)


def test_deeply_nested_mapping_config_is_refused(repo, server, tmp_path):
    repo.add_version("mapped", 1, source="dummy")
    (repo.root / "mapped" / "1" / "mapping_config.json").write_text(
        '{"inputs": ' + nested(200000) + "}")
    repo.write_config([{"name": "dummy", "base_path": str(repo.root / "dummy")},
                       {"name": "mapped", "base_path": str(repo.root / "mapped")}])
    start = time.monotonic()
    reload(server)
    assert time.monotonic() - start < 10
    assert "mapping_config.json" in server.log and "deeper than 32 levels" in server.log
    assert_serving(server)
    restore_config(repo, server)


def test_rest_body_nested_a_million_levels_is_400(server):
    start = time.monotonic()
    answer = requests.post(infer_url(server), data=nested(1_000_000), timeout=10)
    assert time.monotonic() - start < 5
    assert answer.status_code == 400
    assert "--rest_max_json_depth" in answer.json()["error"]


# -- 2. HEAD ------------------------------------------------------------------------------------


def test_head_on_health_is_200_without_body_and_pipelining_survives(server):
    with RawHttp(server) as http:
        http.send(b"HEAD /v2/health/ready HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"HEAD /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"HEAD /v2/models/dummy/infer HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /v2/health/ready HTTP/1.1\r\nHost: x\r\n\r\n")
        assert http.read(head_only=True)[0] == 200
        assert http.read(head_only=True)[0] == 200
        assert http.read(head_only=True)[0] == 406  # POST-only route: refused, still no body
        # The GET after three HEADs is read whole: its own JSON body, nothing of theirs.
        status, _, body = http.read()
        assert status == 200 and json.loads(body) == {"ready": True}
        # Nothing was left over: the connection is in step for the next request.
        http.send(b"GET /v2/models/dummy/ready HTTP/1.1\r\nHost: x\r\n\r\n")
        assert http.read()[0] == 200


def test_head_on_a_model_has_get_headers(server):
    get = requests.get(f"http://{server.rest_url}/v2/models/dummy", timeout=5)
    head = requests.head(f"http://{server.rest_url}/v2/models/dummy", timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


# -- 3. Transfer-Encoding ----------------------------------------------------------------------


@pytest.mark.parametrize("coding", [b"gzip, chunked", b"deflate", b"x-made-up", b"identity"])
def test_transfer_codings_other_than_chunked_are_501(server, coding):
    body = dummy_json().encode()
    with RawHttp(server) as http:
        http.send(b"POST /v2/models/dummy/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " +
                  coding + b"\r\n\r\n%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        status, head, answer = http.read()
    assert status == 501
    assert "Unsupported Transfer-Encoding" in json.loads(answer)["error"]
    assert coding.split(b",")[0].decode() in json.loads(answer)["error"]
    assert "Connection: close" in head


def test_chunked_body_is_served(server):
    body = dummy_json().encode()
    with RawHttp(server) as http:
        http.send(b"POST /v2/models/dummy/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
                  b"\r\n\r\n%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        assert http.read()[0] == 200


# -- 4. NUL bytes inside JSON strings ------------------------------------------------------------


def test_nul_in_rest_datatype_is_not_cut_off(server):
    answer = requests.post(infer_url(server), data=dummy_json("FP32\\u0000x"), timeout=5)
    assert answer.status_code == 400, answer.text
    assert "Unsupported datatype" in answer.json()["error"]


def test_nul_in_rest_input_name_is_not_cut_off(server):
    answer = requests.post(infer_url(server), data=dummy_json(name="b\\u0000x"), timeout=5)
    assert answer.status_code == 400, answer.text


def test_nul_in_tfs_rest_input_name_is_not_cut_off(server):
    body = json.dumps({"inputs": {"b\u0000x": B.tolist()}})
    answer = requests.post(f"http://{server.rest_url}/v1/models/dummy:predict", data=body,
                           timeout=5)
    assert answer.status_code == 400, answer.text


def test_nul_in_grpc_datatype_is_not_cut_off(server):
    request = raw_request("dummy", {"b": B}, datatypes={"b": "FP32\0x"})
    error = grpc_error(server.stub().ModelInfer, request, timeout=5)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_nul_in_config_strings_is_refused(repo, server):
    repo.write_config([{"name": "dummy", "base_path": str(repo.root / "dummy"),
                        "target_device": "CPU\u0000x"}])
    assert reload(server).status_code == 412
    assert "NUL character" in server.log
    assert_serving(server)
    restore_config(repo, server)


# -- 5. error texts echoing huge values -------------------------------------------------------


def test_grpc_error_with_a_100000_dim_shape_arrives(server):
    # The data fits (1 x ... x 1 x 10 holds 10 values), so the shape itself is refused and echoed.
    request = raw_request("dummy", {"b": B}, shapes={"b": [1] * 99999 + [10]})
    error = grpc_error(server.stub().ModelInfer, request, timeout=5)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    assert len(error.details()) < 2048 and "bytes cut" in error.details()


def test_grpc_error_with_a_20000_char_datatype_arrives(server):
    request = raw_request("dummy", {"b": B}, datatypes={"b": "X" * 20000})
    error = grpc_error(server.stub().ModelInfer, request, timeout=5)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    assert "Unsupported datatype" in error.details() and len(error.details()) < 2048


def test_tfs_grpc_error_with_a_100000_dim_shape_arrives(server):
    proto = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, tensor_content=B.tobytes())
    for _ in range(99999):
        proto.tensor_shape.dim.add(size=1)
    proto.tensor_shape.dim.add(size=10)
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "dummy"
    request.inputs["b"].CopyFrom(proto)
    with grpc.insecure_channel(server.grpc_url) as channel:
        stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
        error = grpc_error(stub.Predict, request, timeout=5)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    assert len(error.details()) < 2048


def test_rest_errors_with_huge_values_stay_short(server):
    answer = requests.post(infer_url(server), data=dummy_json(datatype="X" * 20000), timeout=5)
    assert answer.status_code == 400
    assert len(answer.text) < 2048 and "bytes cut" in answer.text
    answer = requests.post(infer_url(server), data=dummy_json(shape=[1] * 99999 + [10]),
                           timeout=10)
    assert answer.status_code == 400
    assert len(answer.text) < 2048


# -- 6. file-descriptor exhaustion ------------------------------------------------------------


def test_half_sent_header_is_closed_after_the_header_timeout(server):
    with RawHttp(server, timeout=HEADER_TIMEOUT_S + 5) as http:
        http.send(b"POST /v2/models/dummy/infer HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        assert http.sock.recv(1) == b""
        assert HEADER_TIMEOUT_S - 0.5 < time.monotonic() - start < HEADER_TIMEOUT_S + 3


def test_idle_keep_alive_outlives_the_header_timeout(server):
    with RawHttp(server, timeout=HEADER_TIMEOUT_S + 5) as http:
        http.send(b"GET /v2/health/ready HTTP/1.1\r\nHost: x\r\n\r\n")
        assert http.read()[0] == 200
        time.sleep(HEADER_TIMEOUT_S + 1)  # idle, not half a header: the idle timeout applies
        http.send(b"GET /v2/health/ready HTTP/1.1\r\nHost: x\r\n\r\n")
        assert http.read()[0] == 200


FD_SOFT, FD_HARD = 128, 256


@pytest.fixture(scope="module")
def fd_limited_server(models_dir, log_dir):
    # prlimit execs the server with the lowered limits (same pid, so /proc shows the server).
    server = Server(model_args("dummy", models_dir, F32), log_dir,
                    prefix=["prlimit", f"--nofile={FD_SOFT}:{FD_HARD}", "--"]).start()
    try:
        yield server
    finally:
        assert server.stop() == 0, server.log


def test_soft_fd_limit_is_raised_to_the_hard_one(fd_limited_server):
    limits = open(f"/proc/{fd_limited_server.process.pid}/limits").read()
    line = next(line for line in limits.splitlines() if line.startswith("Max open files"))
    assert line.split()[3:5] == [str(FD_HARD), str(FD_HARD)], line
    assert f"Open files limit: soft {FD_HARD} (started with {FD_SOFT}), hard {FD_HARD}; " \
           f"REST connections at most {FD_HARD // 2}" in fd_limited_server.log


def test_half_header_flood_leaves_rest_and_grpc_served(fd_limited_server):
    # Twice as many connections as the server has descriptors, each sending half a header.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4 * FD_HARD:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * FD_HARD), hard))
    attackers = []
    try:
        for _ in range(2 * FD_HARD):
            sock = socket.create_connection(("127.0.0.1", fd_limited_server.rest_port), timeout=5)
            sock.sendall(b"POST /v2/models/dummy/infer HTTP/1.1\r\nHost: x\r\n")
            attackers.append(sock)
        assert_serving(fd_limited_server)
        client = grpcclient.InferenceServerClient(fd_limited_server.grpc_url)
        try:
            assert client.is_server_ready(client_timeout=5)
        finally:
            client.close()
    finally:
        for sock in attackers:
            sock.close()
    assert "REST connections at the limit of 128 (--rest_max_connections)" in \
        fd_limited_server.log


# -- 7. SIGHUP --------------------------------------------------------------------------------


def test_sighup_reloads_config_json(repo, server):
    repo.add_version("second", 1, source="dummy")
    repo.write_config([{"name": "dummy", "base_path": str(repo.root / "dummy")},
                       {"name": "second", "base_path": str(repo.root / "second")}])
    server.signal(signal.SIGHUP)
    wait_until(lambda: requests.get(f"http://{server.rest_url}/v2/models/second/ready",
                                    timeout=5).status_code == 200, timeout=20,
               what="the model added before SIGHUP")
    assert server.process.poll() is None
    assert "Received SIGHUP: reloading the configuration" in server.log
    assert_serving(server)
    restore_config(repo, server)


def test_sighup_in_single_model_mode_keeps_serving(fd_limited_server):
    fd_limited_server.signal(signal.SIGHUP)
    wait_until(lambda: "SIGHUP reload:" in fd_limited_server.log, timeout=10, what="SIGHUP log")
    assert fd_limited_server.process.poll() is None
    assert_serving(fd_limited_server)

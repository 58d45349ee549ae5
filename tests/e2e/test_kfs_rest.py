"""KServe v2 over REST: tritonclient.http in binary and JSON modes on every generated model,
checked against OpenVINO in-process, plus raw HTTP for the error answers (REFERENCE.md §3)."""
import http.client
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import requests
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException, np_to_triton_dtype

from conftest import F32, ov_reference

_clients = {}


def client(server):
    """One tritonclient.http client per server (keep-alive connections)."""
    if server.rest_url not in _clients:
        _clients[server.rest_url] = httpclient.InferenceServerClient(server.rest_url)
    return _clients[server.rest_url]


def infer(server, model, inputs, binary=True, outputs=None, version="", request_id=""):
    """tritonclient.http inference; `outputs` maps names to their binary_data flag (without it
    tritonclient asks for every output in binary). Returns the InferResult."""
    infer_inputs = []
    for name, value in inputs.items():
        infer_input = httpclient.InferInput(name, list(value.shape),
                                            np_to_triton_dtype(value.dtype))
        # FP16 has no JSON form: always binary.
        infer_input.set_data_from_numpy(value, binary_data=binary or value.dtype == np.float16)
        infer_inputs.append(infer_input)
    requested = None
    if outputs is not None:
        requested = [httpclient.InferRequestedOutput(name, binary_data=flag)
                     for name, flag in outputs.items()]
    return client(server).infer(model, infer_inputs, model_version=version, outputs=requested,
                                request_id=request_id)


def url(server, path):
    return f"http://{server.rest_url}{path}"


def dummy_input(offset=0.0):
    return np.arange(10, dtype=np.float32).reshape(1, 10) * 0.25 - 1.0 + offset


# ---------------------------------------------------------------------------------------------
# Health, metadata, config (tritonclient's calls and what perf_analyzer reads)


def test_health_and_readiness(dummy_server):
    c = client(dummy_server)
    assert c.is_server_live()
    assert c.is_server_ready()
    assert c.is_model_ready("dummy")
    assert c.is_model_ready("dummy", "1")
    assert not c.is_model_ready("no_such_model")
    assert requests.get(url(dummy_server, "/v2/health/live")).json() == {"live": True}


def test_server_metadata_lists_extensions(dummy_server):
    metadata = client(dummy_server).get_server_metadata()
    assert metadata["name"] == "mserve"
    assert "binary_tensor_data" in metadata["extensions"]
    assert "model_configuration" in metadata["extensions"]
    assert "statistics" in metadata["extensions"]
    assert "model_repository" in metadata["extensions"]


def test_model_metadata_matches_grpc(add_two_server):
    rest = client(add_two_server).get_model_metadata("add_two")
    grpc = add_two_server.client().get_model_metadata("add_two", as_json=True)
    assert rest["name"] == grpc["name"] == "add_two"
    assert rest["versions"] == grpc["versions"] == ["1"]
    assert rest["platform"] == grpc["platform"]
    for kind in ("inputs", "outputs"):
        assert [(t["name"], t["datatype"], [int(d) for d in t["shape"]]) for t in rest[kind]] == \
            [(t["name"], t["datatype"], [int(d) for d in t["shape"]]) for t in grpc[kind]]


def test_model_config_matches_grpc(dynamic_server):
    rest = client(dynamic_server).get_model_config("dynamic")
    grpc = dynamic_server.client().get_model_config("dynamic", as_json=True)["config"]
    assert rest["name"] == "dynamic"
    assert rest["max_batch_size"] == 0
    assert rest["input"] == [{"name": "x", "data_type": "TYPE_FP32", "dims": [-1, -1]}]
    assert [i["name"] for i in grpc["input"]] == ["x"]
    assert [int(d) for d in grpc["input"][0]["dims"]] == rest["input"][0]["dims"]


def test_versioned_metadata_paths(versioned_all_server):
    c = client(versioned_all_server)
    assert c.get_model_metadata("versioned")["versions"] == ["1", "2", "3"]
    assert c.get_model_metadata("versioned", "2")["name"] == "versioned"
    with pytest.raises(InferenceServerException, match="requested version is not found"):
        c.get_model_metadata("versioned", "9")


# ---------------------------------------------------------------------------------------------
# Inference through tritonclient.http on every model, binary and JSON


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "json"])
def test_dummy(dummy_server, models_dir, binary):
    b = dummy_input()
    result = infer(dummy_server, "dummy", {"b": b}, binary=binary, outputs={"a": binary},
                   request_id="r-1")
    response = result.get_response()
    assert response["model_name"] == "dummy"
    assert response["model_version"] == "1"
    assert response["id"] == "r-1"
    np.testing.assert_array_equal(result.as_numpy("a"), b + 1)
    expected = ov_reference(models_dir / "dummy" / "1", {"b": b}, F32)["a"]
    np.testing.assert_allclose(result.as_numpy("a"), expected, rtol=1e-6)


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "json"])
def test_dummy_onnx(onnx_server, binary):
    b = dummy_input(offset=3.5)
    result = infer(onnx_server, "dummy_onnx", {"b": b}, binary=binary, outputs={"a": binary})
    np.testing.assert_array_equal(result.as_numpy("a"), b + 1)


def test_every_outputs_entry_keeps_its_binary_flag(add_two_server):
    """OVMS honours only the last entry's binary_data; every entry counts here."""
    x = {"input1": np.array([[1.5, -2.0, 3.0]], np.float32),
         "input2": np.array([[0.25, 4.0, -1.0]], np.float32)}
    result = infer(add_two_server, "add_two", x, outputs={"sum": True, "diff": False})
    outputs = {o["name"]: o for o in result.get_response()["outputs"]}
    assert "binary_data_size" in outputs["sum"]["parameters"]
    assert "data" in outputs["diff"]
    np.testing.assert_array_equal(result.as_numpy("sum"), x["input1"] + x["input2"])
    np.testing.assert_array_equal(result.as_numpy("diff"), x["input1"] - x["input2"])
    result = infer(add_two_server, "add_two", x, outputs={"diff": True})
    assert [o["name"] for o in result.get_response()["outputs"]] == ["diff"]


def test_resnet_binary(resnet_server, models_dir):
    image = np.random.default_rng(7).uniform(0, 255, (1, 224, 224, 3)).astype(np.float32)
    result = infer(resnet_server, "resnet", {"input_1:0": image})
    scores = result.as_numpy("softmax/Softmax:0")
    expected = ov_reference(models_dir / "resnet" / "1", {"input_1:0": image}, F32)
    np.testing.assert_allclose(scores, expected["softmax/Softmax:0"], rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("shape", [(2, 3), (1, 1)])
def test_dynamic_json(dynamic_server, shape):
    x = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
    result = infer(dynamic_server, "dynamic", {"x": x}, binary=False, outputs={"y": False})
    np.testing.assert_array_equal(result.as_numpy("y"), x * 2)


TYPE_INPUTS = {
    "fp16": np.array([[0.5, -1.25, 1000.0, 3.0e4]], np.float16),
    "fp64": np.array([[0.1, -2.5, 1.0e10, 3.0]], np.float64),
    "i8": np.array([[-128, -1, 0, 127]], np.int8),
    "i16": np.array([[-32768, -1, 0, 32767]], np.int16),
    "i32": np.array([[-2**31, -1, 0, 2**31 - 1]], np.int32),
    "i64": np.array([[-2**40, -1, 0, 2**40]], np.int64),
    "u8": np.array([[0, 1, 254, 255]], np.uint8),
    "u16": np.array([[0, 1, 65534, 65535]], np.uint16),
    "u32": np.array([[0, 1, 2**31, 2**32 - 1]], np.uint32),
    "u64": np.array([[0, 1, 2**33, 2**40]], np.uint64),
    "bool": np.array([[True, False, False, True]], np.bool_),
}


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "json"])
def test_every_datatype(types_server, models_dir, binary):
    served = {t["name"] for t in client(types_server).get_model_metadata("types")["inputs"]}
    inputs = {f"{p}_in": v for p, v in TYPE_INPUTS.items() if f"{p}_in" in served}
    outputs = {name.replace("_in", "_out"): binary for name in inputs}
    result = infer(types_server, "types", inputs, binary=binary, outputs=outputs)
    expected = ov_reference(models_dir / "types" / "1", inputs)
    for name, value in expected.items():
        actual = result.as_numpy(name)
        assert actual.dtype == value.dtype, name
        np.testing.assert_array_equal(actual, value, err_msg=name)


TEXTS = np.array([b"hello", b"", "zażółć".encode(), b"a:b/c"], dtype=object)


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "json"])
def test_bytes(strings_server, binary):
    result = infer(strings_server, "strings", {"text_in": TEXTS}, binary=binary,
                   outputs={"text_out": binary})
    got = [item if isinstance(item, bytes) else item.encode() for item in
           result.as_numpy("text_out")]
    assert got == list(TEXTS) * 2


@pytest.mark.parametrize("version", ["1", "3"])
def test_explicit_version(versioned_all_server, version):
    b = dummy_input()
    result = infer(versioned_all_server, "versioned", {"b": b}, version=version)
    assert result.get_response()["model_version"] == version
    np.testing.assert_array_equal(result.as_numpy("a"), b + int(version))


# ---------------------------------------------------------------------------------------------
# Raw HTTP: exact bodies and codes


def post_infer(server, body, headers=None, path="/v2/models/dummy/infer"):
    return requests.post(url(server, path), data=body, headers=headers or {})


DUMMY_JSON = {"inputs": [{"name": "b", "shape": [1, 10], "datatype": "FP32",
                          "data": list(range(10))}]}


def test_plain_json_response_layout(dummy_server):
    response = post_infer(dummy_server, json.dumps(DUMMY_JSON))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["model_name", "model_version", "outputs"]
    assert body["outputs"] == [{"name": "a", "datatype": "FP32", "shape": [1, 10],
                                "data": [float(i + 1) for i in range(10)]}]


def test_binary_response_is_octet_stream_with_header(dummy_server):
    b = dummy_input()
    header = json.dumps({"inputs": [{"name": "b", "shape": [1, 10], "datatype": "FP32",
                                     "parameters": {"binary_data_size": 40}}],
                         "parameters": {"binary_data_output": True}}).encode()
    # No Content-Type, as tritonclient sends it.
    response = post_infer(dummy_server, header + b.tobytes(),
                          {"Inference-Header-Content-Length": str(len(header))})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/octet-stream"
    json_length = int(response.headers["Inference-Header-Content-Length"])
    meta = json.loads(response.content[:json_length])
    assert meta["outputs"][0]["parameters"] == {"binary_data_size": 40}
    np.testing.assert_array_equal(np.frombuffer(response.content[json_length:], np.float32),
                                  (b + 1).ravel())


def test_perf_analyzer_call_sequence(dummy_server):
    """What perf_analyzer's HTTP client does (REFERENCE.md §5.1), for machines without it."""
    session = requests.Session()
    assert session.get(url(dummy_server, "/v2/models/dummy")).json()["inputs"][0]["name"] == "b"
    config = session.get(url(dummy_server, "/v2/models/dummy/config")).json()
    assert config["max_batch_size"] == 0 and config["input"][0]["name"] == "b"
    assert isinstance(session.get(url(dummy_server, "/v2")).json()["extensions"], list)
    header = json.dumps({"inputs": [{"name": "b", "shape": [1, 10], "datatype": "FP32",
                                     "parameters": {"binary_data_size": 40}}],
                         "outputs": [{"name": "a", "parameters": {"binary_data": True}}]})
    for _ in range(3):
        response = session.post(
            url(dummy_server, "/v2/models/dummy/infer"), data=header.encode() + bytes(40),
            headers={"Content-Type": "application/octet-stream", "Expect": "",
                     "Inference-Header-Content-Length": str(len(header))})
        assert response.status_code == 200
        assert int(response.headers["Inference-Header-Content-Length"]) + 40 == \
            len(response.content)


@pytest.mark.parametrize("method,path,status,error", [
    ("GET", "/v3", 400, "Invalid request URL"),
    ("GET", "/v2/models/dummy/versions/abc", 400, "Invalid request URL"),
    ("GET", "/v2/models/dummy/stats/x", 400, "Invalid request URL"),
    ("POST", "/v2/models/dummy/stats", 406, "Unsupported method"),
    ("PUT", "/v2/models/dummy/infer", 406, "Unsupported method"),
    ("DELETE", "/v2", 406, "Unsupported method"),
    ("GET", "/v2/models/dummy/infer", 406, "Unsupported method"),
    ("GET", "/v2/models/nope", 404, "Model with requested name is not found"),
    ("GET", "/v2/models/dummy/versions/5", 404, "Model with requested version is not found"),
    ("GET", "/v2/models/nope/ready", 404, "Model with requested name is not found"),
])
def test_routing_errors(dummy_server, method, path, status, error):
    response = requests.request(method, url(dummy_server, path))
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"error": error}


def test_options_preflight(dummy_server):
    response = requests.options(url(dummy_server, "/v2/models/dummy/infer"))
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("body,headers,status,fragment", [
    ("{bad", {}, 412, "The file is not valid json - Error: "),
    ("[1]", {}, 400, "Request body should be JSON object"),
    ("[" * 200 + "]" * 200, {}, 400, "--rest_max_json_depth"),
    ('{"inputs":[{"name":"c","shape":[1],"datatype":"FP32","data":[1]}]}', {}, 400,
     "Missing input with specific name"),
    ('{"inputs":[{"name":"b","shape":[1,10],"datatype":"FP32","data":[1]}]}', {}, 400,
     "Invalid number of values in tensor proto container"),
    ('{"inputs":[{"name":"b","shape":[1,10],"datatype":"INT32","data":[1,2,3,4,5,6,7,8,9,0]}]}',
     {}, 400, "Invalid input precision"),
    ('{"inputs":[{"name":"b","shape":[1,10],"datatype":"FP32","data":[1]}]}',
     {"Inference-Header-Content-Length": "-5"}, 400,
     "Inference-Header-Content-Length header is invalid"),
    ('{"inputs":[]}', {"Inference-Header-Content-Length": "500"}, 400,
     "Inference-Header-Content-Length header exceeds actual payload length"),
])
def test_request_errors(dummy_server, body, headers, status, fragment):
    response = post_infer(dummy_server, body, headers)
    assert response.status_code == status, response.text
    assert fragment in response.json()["error"]


def test_binary_sizes_that_do_not_add_up(dummy_server):
    header = json.dumps({"inputs": [{"name": "b", "shape": [1, 10], "datatype": "FP32",
                                     "parameters": {"binary_data_size": 40}}]}).encode()
    for tail, fragment in [(bytes(39), "smaller than binary_data_size"),
                           (bytes(41), "binary_data_size parameter is invalid")]:
        response = post_infer(dummy_server, header + tail,
                              {"Inference-Header-Content-Length": str(len(header))})
        assert response.status_code == 400
        assert fragment in response.json()["error"]


def test_truncated_and_abandoned_requests_do_not_disturb_others(dummy_server):
    host, port = "127.0.0.1", dummy_server.rest_port
    for partial in (b"POST /v2/models/dummy/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
                    b"GET /v2/health/li", b"\x00\xff garbage\r\n\r\n"):
        with socket.create_connection((host, port)) as sock:
            sock.sendall(partial)
    conn = http.client.HTTPConnection(host, port, timeout=5)
    conn.request("POST", "/v2/models/dummy/infer", body=json.dumps(DUMMY_JSON))
    assert conn.getresponse().status == 200
    conn.close()


def test_malformed_http_is_400(dummy_server):
    with socket.create_connection(("127.0.0.1", dummy_server.rest_port), timeout=5) as sock:
        sock.sendall(b"GET /v2 HTTP/1.1\r\nBad Header Line\r\n\r\n")
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400")


# ---------------------------------------------------------------------------------------------
# perf_analyzer (scripts/setup installs .venv/opt/perf_analyzer/perf_analyzer)


# The machine is shared: a window's latency may differ from the last ones by far more than the
# default 10 %. These tests check that perf_analyzer works against mserve, not the figures.
PERF_STEADY_ENOUGH = ["--stability-percentage", "1000", "--max-trials", "5"]


def perf_analyzer():
    """The perf_analyzer executable: the wrapper scripts/setup writes into the venv, else one on
    PATH; None when it is missing or cannot run on this system."""
    found = Path(sys.prefix) / "opt" / "perf_analyzer" / "perf_analyzer"
    if not found.is_file():
        found = shutil.which("perf_analyzer")
    if not found or not Path(found).is_file():
        return None
    probe = subprocess.run([str(found), "--version"], capture_output=True, timeout=60)
    broken = b"GLIBC" in probe.stderr or b"error while loading" in probe.stderr
    return None if broken else str(found)


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_perf_analyzer_measures(dummy_server, protocol):
    binary = perf_analyzer()
    if binary is None:
        pytest.skip("perf_analyzer is not installed or cannot run here")
    port = dummy_server.rest_port if protocol == "http" else dummy_server.port
    result = subprocess.run([binary, "-m", "dummy", "-u", f"127.0.0.1:{port}", "-i", protocol,
                             "--measurement-interval", "1000", "--concurrency-range", "1:2",
                             *PERF_STEADY_ENOUGH],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr

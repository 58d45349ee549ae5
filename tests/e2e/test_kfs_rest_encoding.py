"""What Triton's HTTP clients expect of the REST transport beyond the core protocol
(REFERENCE-2.md §8): gzip/deflate request bodies, compressed responses on Accept-Encoding,
NaN/Infinity literals in JSON inputs, and health endpoints with a JSON body."""
import gzip
import json
import math
import zlib

import numpy as np
import pytest
import requests
import tritonclient.http as httpclient

from conftest import F32, ov_reference


def url(server, path):
    return f"http://{server.rest_url}{path}"


def dynamic_input(rows=1, cols=4096):
    rng = np.random.default_rng(7)
    return rng.standard_normal((rows, cols)).astype(np.float32)


@pytest.mark.parametrize("request_coding", [None, "gzip", "deflate"])
@pytest.mark.parametrize("response_coding", [None, "gzip", "deflate"])
@pytest.mark.parametrize("binary", [True, False])
def test_tritonclient_compression_matches_openvino(dynamic_server, models_dir, request_coding,
                                                   response_coding, binary):
    x = dynamic_input()
    infer_input = httpclient.InferInput("x", list(x.shape), "FP32")
    infer_input.set_data_from_numpy(x, binary_data=binary)
    output = httpclient.InferRequestedOutput("y", binary_data=binary)
    client = httpclient.InferenceServerClient(dynamic_server.rest_url)
    result = client.infer("dynamic", [infer_input], outputs=[output],
                          request_compression_algorithm=request_coding,
                          response_compression_algorithm=response_coding)
    expected = ov_reference(models_dir / "dynamic" / "1", {"x": x}, F32)["y"]
    np.testing.assert_array_equal(result.as_numpy("y"), expected)


def test_response_compressed_only_when_asked_and_worth_it(dynamic_server):
    x = dynamic_input()
    body = json.dumps({"inputs": [{"name": "x", "shape": list(x.shape), "datatype": "FP32",
                                   "data": x.ravel().tolist()}]})
    infer = url(dynamic_server, "/v2/models/dynamic/infer")
    plain = requests.post(infer, data=body, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    for coding in ("gzip", "deflate"):
        packed = requests.post(infer, data=body, headers={"Accept-Encoding": coding}, stream=True)
        assert packed.headers["Content-Encoding"] == coding
        raw = packed.raw.read(decode_content=False)
        assert len(raw) == int(packed.headers["Content-Length"]) < len(plain.content)
        unpacked = gzip.decompress(raw) if coding == "gzip" else zlib.decompress(raw)
        assert json.loads(unpacked) == plain.json()
    # A small answer is not worth compressing.
    live = requests.get(url(dynamic_server, "/v2/health/live"), headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in live.headers


def test_header_length_counts_the_decompressed_json(dynamic_server):
    x = dynamic_input(cols=16)
    header = json.dumps({"inputs": [{"name": "x", "shape": list(x.shape), "datatype": "FP32",
                                     "parameters": {"binary_data_size": x.nbytes}}]}).encode()
    body = gzip.compress(header + x.tobytes())
    response = requests.post(url(dynamic_server, "/v2/models/dynamic/infer"), data=body,
                             headers={"Content-Encoding": "gzip",
                                      "Inference-Header-Content-Length": str(len(header))})
    assert response.status_code == 200, response.text
    np.testing.assert_array_equal(np.array(response.json()["outputs"][0]["data"], np.float32),
                                  (x * 2).ravel())


def test_unsupported_or_corrupt_coding(dynamic_server):
    infer = url(dynamic_server, "/v2/models/dynamic/infer")
    response = requests.post(infer, data=b"{}", headers={"Content-Encoding": "br"})
    assert response.status_code == 501
    assert response.json() == {"error": "Unsupported compression type - br"}
    assert response.headers["Accept-Encoding"] == "gzip, deflate"
    corrupt = requests.post(infer, data=b"not gzip", headers={"Content-Encoding": "gzip"})
    assert corrupt.status_code == 400
    assert corrupt.json()["error"].startswith("Request body could not be decompressed")


def test_json_nan_and_infinity_literals(dummy_server):
    body = ('{"inputs":[{"name":"b","shape":[1,10],"datatype":"FP32",'
            '"data":[NaN,Infinity,-Infinity,1,2,3,4,5,6,7]}]}')
    response = requests.post(url(dummy_server, "/v2/models/dummy/infer"), data=body)
    assert response.status_code == 200, response.text
    data = response.json()["outputs"][0]["data"]  # Python's json reads NaN/Infinity
    assert math.isnan(data[0])
    assert data[1:3] == [math.inf, -math.inf]
    assert data[3:] == [2, 3, 4, 5, 6, 7, 8]


def test_health_endpoints_answer_json(dummy_server):
    live = requests.get(url(dummy_server, "/v2/health/live"))
    assert (live.status_code, live.headers["Content-Type"]) == (200, "application/json")
    assert live.json() == {"live": True}
    ready = requests.get(url(dummy_server, "/v2/health/ready"))
    assert (ready.status_code, ready.json()) == (200, {"ready": True})
    model = requests.get(url(dummy_server, "/v2/models/dummy/ready"))
    assert (model.status_code, model.json()) == (200, {"ready": True})
    assert requests.get(url(dummy_server, "/v2/models/nope/ready")).status_code == 404

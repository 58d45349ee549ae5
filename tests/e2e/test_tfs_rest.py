"""TensorFlow Serving REST API (/v1/models/..., REFERENCE.md §3.1, §3.4) with ovmsclient's HTTP
client and with raw requests: status, metadata, predict in row (instances) and column (inputs)
format, named and unnamed, b64 images, and OVMS's error codes and texts (§3.7). Results are
checked against OpenVINO run in-process."""
import base64
import json

import numpy as np
import pytest
import requests
from ovmsclient import make_http_client
from ovmsclient.tfs_compat.base.errors import ModelNotFoundError

from conftest import F32, model_args, ov_reference, running_server
from test_images import decoded_for, encode, pattern, reference

B = np.arange(10, dtype=np.float32).reshape(1, 10) * 0.5 - 2.0
X = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
Y = np.array([[0.5, -1.0, 4.0]], dtype=np.float32)


@pytest.fixture(scope="module")
def nhwc_server(models_dir, log_dir):
    with running_server(model_args("image_nhwc", models_dir, F32), log_dir) as server:
        yield server


def url(server, path):
    return f"http://{server.rest_url}{path}"


def post(server, path, body):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return requests.post(url(server, path), data=data, timeout=30)


def assert_error(response, code, message):
    assert response.status_code == code, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"].startswith(message), response.text


# ---------------------------------------------------------------------------------------------
# Status and metadata


def test_status_with_ovmsclient(dummy_server):
    client = make_http_client(dummy_server.rest_url)
    assert client.get_model_status("dummy") == {
        1: {"state": "AVAILABLE", "error_code": 0, "error_message": "OK"}}
    assert list(client.get_model_status("dummy", 1)) == [1]


def test_status_raw_and_labels(dummy_server):
    response = requests.get(url(dummy_server, "/v1/models/dummy"), timeout=30)
    assert response.status_code == 200
    assert response.json() == {"model_version_status": [{
        "version": "1", "state": "AVAILABLE",
        "status": {"error_code": "OK", "error_message": "OK"}}]}
    for path in ("/v1/models/dummy/versions/1", "/v1/models/dummy/labels/stable"):
        assert requests.get(url(dummy_server, path), timeout=30).json() == response.json()


def test_status_errors(dummy_server):
    client = make_http_client(dummy_server.rest_url)
    with pytest.raises(ModelNotFoundError, match="Model with requested name is not found"):
        client.get_model_status("no_such_model")
    with pytest.raises(ModelNotFoundError, match="Model with requested version is not found"):
        client.get_model_status("dummy", 7)


def test_metadata_with_ovmsclient(dummy_server, add_two_server):
    assert make_http_client(dummy_server.rest_url).get_model_metadata("dummy") == {
        "model_version": 1,
        "inputs": {"b": {"shape": [1, 10], "dtype": "DT_FLOAT"}},
        "outputs": {"a": {"shape": [1, 10], "dtype": "DT_FLOAT"}}}
    metadata = make_http_client(add_two_server.rest_url).get_model_metadata("add_two", 1)
    assert sorted(metadata["inputs"]) == ["input1", "input2"]
    assert sorted(metadata["outputs"]) == ["diff", "sum"]


def test_metadata_raw(dummy_server):
    response = requests.get(url(dummy_server, "/v1/models/dummy/versions/1/metadata"), timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert body["modelSpec"] == {"name": "dummy", "signatureName": "", "version": "1"}
    signature = body["metadata"]["signature_def"]
    assert signature["@type"] == "type.googleapis.com/tensorflow.serving.SignatureDefMap"
    assert signature["signatureDef"]["serving_default"]["inputs"]["b"]["name"] == "b"
    assert_error(requests.get(url(dummy_server, "/v1/models/nope/metadata"), timeout=30), 404,
                 "Model with requested name is not found")


# ---------------------------------------------------------------------------------------------
# Predict


def test_predict_with_ovmsclient(dummy_server, add_two_server, models_dir):
    outputs = make_http_client(dummy_server.rest_url).predict({"b": B}, "dummy")
    expected = ov_reference(models_dir / "dummy" / "1", {"b": B}, F32)["a"]
    np.testing.assert_allclose(outputs, expected, rtol=1e-6)
    outputs = make_http_client(add_two_server.rest_url).predict({"input1": X, "input2": Y},
                                                                 "add_two", 1)
    np.testing.assert_allclose(outputs["sum"], X + Y)
    np.testing.assert_allclose(outputs["diff"], X - Y)


@pytest.mark.parametrize("body", [
    {"instances": B.tolist()},                      # row, unnamed
    {"instances": [{"b": B[0].tolist()}]},          # row, named
    {"signature_name": "serving_default", "instances": B.tolist()},
])
def test_predict_row_format(dummy_server, body):
    response = post(dummy_server, "/v1/models/dummy:predict", body)
    assert response.status_code == 200, response.text
    assert list(response.json()) == ["predictions"]
    np.testing.assert_allclose(response.json()["predictions"], B + 1, rtol=1e-6)


@pytest.mark.parametrize("body", [{"inputs": B.tolist()}, {"inputs": {"b": B.tolist()}}])
@pytest.mark.parametrize("path", ["/v1/models/dummy:predict",
                                  "/v1/models/dummy/versions/1:predict",
                                  "/v1/models/dummy/labels/any:predict"])
def test_predict_column_format(dummy_server, body, path):
    response = post(dummy_server, path, body)
    assert response.status_code == 200, response.text
    assert list(response.json()) == ["outputs"]
    np.testing.assert_allclose(response.json()["outputs"], B + 1, rtol=1e-6)


def test_predict_several_outputs_are_named(add_two_server):
    row = post(add_two_server, "/v1/models/add_two:predict",
               {"instances": [{"input1": X[0].tolist(), "input2": Y[0].tolist()}]})
    assert row.status_code == 200, row.text
    [prediction] = row.json()["predictions"]
    np.testing.assert_allclose(prediction["sum"], (X + Y)[0])
    np.testing.assert_allclose(prediction["diff"], (X - Y)[0])
    column = post(add_two_server, "/v1/models/add_two:predict",
                  {"inputs": {"input1": X.tolist(), "input2": Y.tolist()}})
    assert column.status_code == 200, column.text
    np.testing.assert_allclose(column.json()["outputs"]["sum"], X + Y)
    np.testing.assert_allclose(column.json()["outputs"]["diff"], X - Y)


@pytest.mark.parametrize("named", [False, True])
def test_predict_b64_image(nhwc_server, models_dir, named):
    data = encode(pattern(32, 32, 3), ".png")
    value = {"b64": base64.b64encode(data).decode()}
    body = {"instances": [{"image": value} if named else value]}
    response = post(nhwc_server, "/v1/models/image_nhwc:predict", body)
    assert response.status_code == 200, response.text
    [prediction] = response.json()["predictions"]
    batch = decoded_for(data, 32, 32)[None]
    expected = reference(models_dir, "image_nhwc", batch)
    np.testing.assert_allclose(prediction["copy"], batch[0], atol=1e-3)
    np.testing.assert_allclose(prediction["score"], expected["score"][0], rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------------------------------------
# Errors


def test_predict_without_instances_or_inputs(dummy_server):
    assert_error(post(dummy_server, "/v1/models/dummy:predict", {"signature_name": "x"}), 400,
                 "Invalid JSON structure. Could not detect row or column format")


def test_predict_invalid_json(dummy_server):
    assert_error(post(dummy_server, "/v1/models/dummy:predict", "{\"instances\": ["), 412,
                 "The file is not valid json")


def test_predict_unknown_model_and_version(dummy_server):
    assert_error(post(dummy_server, "/v1/models/nope:predict", {"instances": B.tolist()}), 404,
                 "Model with requested name is not found")
    assert_error(post(dummy_server, "/v1/models/dummy/versions/3:predict",
                      {"instances": B.tolist()}), 404, "Model with requested version is not found")


@pytest.mark.parametrize("path", ["/v1/models/dummy:classify",
                                  "/v1/models/dummy/versions/1:regress"])
def test_classify_and_regress_are_not_found(dummy_server, path):
    assert_error(post(dummy_server, path, {"instances": B.tolist()}), 404,
                 "Requested REST resource not found")


def test_predict_wrong_shape_is_refused(dummy_server):
    response = post(dummy_server, "/v1/models/dummy:predict", {"inputs": [[1.0, 2.0]]})
    assert response.status_code == 400, response.text


def test_wrong_method_and_url(dummy_server):
    assert requests.get(url(dummy_server, "/v1/models/dummy:predict"), timeout=30).status_code \
        == 406
    assert_error(post(dummy_server, "/v1/models/dummy:explain", {}), 400, "Invalid request URL")

"""Triton's model repository extension (issue 14 §2): the index in every mode; load (with or
without a config override) and unload only with --model_control_mode explicit, through
tritonclient over HTTP and gRPC; with the default mode a clear error naming the flag."""
import json

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from config_repo import F32_PLUGIN, ModelRepo
from conftest import ov_reference, running_server

EXPLICIT = ["--model_control_mode", "explicit"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory, models_dir):
    repo = ModelRepo(tmp_path_factory.mktemp("repository") / "repo", models_dir)
    repo.add_version("dummy", 1, source="dummy")
    repo.add_version("add_two", 1, source="add_two")
    repo.write_config([{"name": "dummy", "base_path": "dummy"}])
    return repo


@pytest.fixture(scope="module")
def explicit_server(repo, log_dir):
    with running_server(["--config_path", repo.root, *EXPLICIT], log_dir) as server:
        yield server


def post(server, path, body=None):
    data = None if body is None else json.dumps(body)
    return requests.post(f"http://{server.rest_url}{path}", data=data, timeout=120)


def index(server, ready=None):
    answer = post(server, "/v2/repository/index", None if ready is None else {"ready": ready})
    assert answer.status_code == 200, answer.text
    return answer.json()


def dummy_answer(client_module, client):
    values = np.arange(10, dtype=np.float32).reshape(1, 10)
    tensor = client_module.InferInput("b", [1, 10], "FP32")
    tensor.set_data_from_numpy(values)
    return client.infer("dummy", [tensor]).as_numpy("a")


def test_default_mode_lists_models_but_refuses_load_and_unload(dummy_server):
    assert index(dummy_server) == [{"name": "dummy", "version": "1", "state": "READY"}]
    for action in ("load", "unload"):
        answer = post(dummy_server, f"/v2/repository/models/dummy/{action}")
        assert answer.status_code == 503
        assert "explicit model load / unload is not allowed" in answer.json()["error"]
        assert "--model_control_mode explicit" in answer.json()["error"]
    with pytest.raises(InferenceServerException, match="not allowed") as caught:
        dummy_server.client().load_model("dummy")
    assert caught.value.status() == "StatusCode.UNAVAILABLE"
    assert "model_repository" in requests.get(f"http://{dummy_server.rest_url}/v2",
                                              timeout=30).json()["extensions"]


def test_unload_and_load_again_over_http(explicit_server, models_dir):
    client = httpclient.InferenceServerClient(explicit_server.rest_url)
    assert client.get_model_repository_index() == [
        {"name": "dummy", "version": "1", "state": "READY"}]
    client.unload_model("dummy")
    assert index(explicit_server) == [
        {"name": "dummy", "version": "1", "state": "UNAVAILABLE", "reason": "unloaded"}]
    assert index(explicit_server, ready=True) == []
    assert not client.is_model_ready("dummy")
    with pytest.raises(InferenceServerException):
        dummy_answer(httpclient, client)
    client.load_model("dummy")
    assert client.is_model_ready("dummy")
    expected = ov_reference(models_dir / "dummy" / "1",
                            {"b": np.arange(10, dtype=np.float32).reshape(1, 10)},
                            F32_PLUGIN)["a"]
    np.testing.assert_array_equal(dummy_answer(httpclient, client), expected)


def test_load_with_config_override_over_grpc(explicit_server, repo, models_dir):
    client = grpcclient.InferenceServerClient(explicit_server.grpc_url)
    config = json.dumps({"base_path": str(repo.root / "add_two"), "plugin_config": F32_PLUGIN})
    client.load_model("add_two", config=config)
    assert client.is_model_ready("add_two")
    names = {(m.name, m.state) for m in client.get_model_repository_index().models}
    assert ("add_two", "READY") in names and ("dummy", "READY") in names
    metadata = client.get_model_metadata("add_two")
    inputs = {}
    for i, tensor in enumerate(metadata.inputs):
        shape = [d if d > 0 else 1 for d in tensor.shape]
        inputs[tensor.name] = np.full(shape, i + 1.5, dtype=np.float32)
    request = []
    for name, value in inputs.items():
        tensor = grpcclient.InferInput(name, list(value.shape), "FP32")
        tensor.set_data_from_numpy(value)
        request.append(tensor)
    result = client.infer("add_two", request)
    expected = ov_reference(models_dir / "add_two" / "1", inputs, F32_PLUGIN)
    for name, value in expected.items():
        np.testing.assert_array_equal(result.as_numpy(name), value)
    client.unload_model("add_two")
    states = {m.name: (m.state, m.reason) for m in client.get_model_repository_index().models}
    assert states["add_two"] == ("UNAVAILABLE", "unloaded")


def test_load_errors(explicit_server, repo):
    answer = post(explicit_server, "/v2/repository/models/nothing/load")
    assert answer.status_code == 500
    assert answer.json()["error"].startswith(
        "failed to load 'nothing', failed to poll from model repository")
    answer = post(explicit_server, "/v2/repository/models/x/load",
                  {"parameters": {"config": json.dumps({"base_path": str(repo.root / "add_two"),
                                                        "bogus": 1})}})
    assert answer.status_code == 400
    assert "failed to load 'x', invalid 'config' parameter" in answer.json()["error"]
    assert "bogus" in answer.json()["error"]
    answer = post(explicit_server, "/v2/repository/models/broken/load",
                  {"parameters": {"config": json.dumps({"base_path": str(repo.root / "none")})}})
    assert answer.status_code == 500
    assert answer.json()["error"].startswith("failed to load 'broken', ")
    assert post(explicit_server, "/v2/repository/index", {"ready": 1}).json() == {
        "error": "Invalid value for 'ready': expected a boolean"}
    deep = "[" * 50 + "]" * 50
    answer = post(explicit_server, "/v2/repository/models/x/load",
                  {"parameters": {"config": deep}})
    assert answer.status_code == 400
    answer = post(explicit_server, "/v2/repository/models/ghost/unload")
    assert answer.status_code == 400
    assert answer.json() == {"error": "failed to unload 'ghost', no model with that name"}
    # The failed model is listed with its reason; the name-only entry has no version.
    listed = {entry["name"]: entry for entry in index(explicit_server)}
    assert listed["broken"].get("state", "UNAVAILABLE") == "UNAVAILABLE"

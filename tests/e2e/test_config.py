"""--config_path (issue 5): several models and version policies from one config.json, broken
models beside good ones, invalid files refused at start, mapping_config.json renames, the
config endpoints (GET /v1/config, POST /v1/config/reload) and the compiled-model cache."""
import json
import subprocess

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

from config_repo import ModelRepo, config_statuses
from conftest import BINARY, REPO, free_ports, require_binary, running_server

NO_POLL = ["--file_system_poll_wait_seconds", "0"]


@pytest.fixture
def repo(tmp_path, models_dir):
    return ModelRepo(tmp_path / "repo", models_dir)


def infer_grpc(server, model, b, version="", input_name="b"):
    infer_input = grpcclient.InferInput(input_name, list(b.shape), "FP32")
    infer_input.set_data_from_numpy(b)
    return server.client().infer(model, [infer_input], model_version=version)


def ones():
    return np.ones((1, 10), dtype=np.float32)


def test_several_models_and_policies(repo, log_dir):
    for version in (1, 2, 3):
        repo.add_version("versioned", version)
    repo.add_version("dummy", 1, source="dummy")
    repo.write_config([
        {"name": "dummy", "base_path": "dummy"},
        {"name": "all", "base_path": "versioned", "model_version_policy": {"all": {}}},
        {"name": "latest2", "base_path": "./versioned",
         "model_version_policy": {"latest": {"num_versions": 2}}},
        {"name": "specific", "base_path": str(repo.root / "versioned"),
         "model_version_policy": {"specific": {"versions": [1, 3, 9]}}, "nireq": 2},
    ], pipeline_config_list=[])
    with running_server(["--config_path", repo.root, *NO_POLL], log_dir) as server:
        client = server.client()
        assert client.is_server_ready()
        served = {name: [int(v) for v in client.get_model_metadata(name).versions]
                  for name in ("dummy", "all", "latest2", "specific")}
        assert served == {"dummy": [1], "all": [1, 2, 3], "latest2": [2, 3], "specific": [1, 3]}
        for name, versions in served.items():
            offset = 1 if name == "dummy" else None
            for version in versions:
                result = infer_grpc(server, name, ones(), version=str(version))
                np.testing.assert_array_equal(result.as_numpy("a"), ones() + (offset or version))
        # The default version is the highest served one.
        assert infer_grpc(server, "latest2", ones()).get_response().model_version == "3"
        statuses = config_statuses(server)
        assert statuses["specific"] == {1: ("AVAILABLE", "OK"), 3: ("AVAILABLE", "OK")}


def test_broken_models_do_not_stop_the_others(repo, log_dir):
    for version in (1, 2):
        repo.add_version("fallback", version)
    repo.add_broken_version("fallback", 3)
    repo.add_version("dummy", 1, source="dummy")
    repo.write_config([
        {"name": "dummy", "base_path": "dummy"},
        {"name": "fallback", "base_path": "fallback"},
        {"name": "nowhere", "base_path": "no/such/folder"},
        {"name": "badkey", "base_path": "dummy", "plugin_config": {"NOT_A_KEY": 1}},
        {"name": "../escape", "base_path": "dummy"},
    ])
    with running_server(["--config_path", repo.root, *NO_POLL], log_dir) as server:
        assert server.client().is_server_ready()
        result = infer_grpc(server, "fallback", ones())
        assert result.get_response().model_version == "2"
        statuses = config_statuses(server)
        assert statuses["fallback"] == {2: ("AVAILABLE", "OK"), 3: ("LOADING", "UNKNOWN")}
        assert statuses["nowhere"] == {}
        assert statuses["badkey"] == {1: ("LOADING", "UNKNOWN")}
        assert "../escape" not in statuses
        np.testing.assert_array_equal(infer_grpc(server, "dummy", ones()).as_numpy("a"), ones() + 1)
        log = server.log
        assert 'Invalid model name "../escape"' in log
        assert "Plugin config key: NOT_A_KEY not found in supported config keys" in log


def run_mserve(*args, timeout=60):
    require_binary()
    port, rest_port = free_ports()
    return subprocess.run([str(BINARY), *map(str, args), "--port", str(port), "--rest_port",
                           str(rest_port)], capture_output=True, text=True, timeout=timeout,
                          cwd=REPO)


@pytest.mark.parametrize("text, message", [
    ('{"model_config_list": [], "modles": []}', "Unknown key in config file: modles"),
    ('{"model_config_list": [{"config": {"name": "m", "base_path": "m", "nireq": "2"}}]}',
     "Invalid value in config file: model_config_list[0].config.nireq (type)"),
    ('{"model_config_list": [], "pipeline_config_list": [{"name": "p"}]}',
     "Not supported by mserve: pipeline_config_list (DAG pipelines)"),
    ('{"model_config_list": [{"config": {"name": "m", "base_path": "m", "stateful": true}}]}',
     "Not supported by mserve: model_config_list[0].config.stateful (stateful models)"),
    ('{"model_config_list": [', "The file is not valid json - Error: "),
    ('{}', "Missing key in config file: model_config_list"),
])
def test_invalid_config_refused_at_start(tmp_path, text, message):
    (tmp_path / "config.json").write_text(text)
    result = run_mserve("--config_path", tmp_path / "config.json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stdout, result.stdout
    assert "Couldn't start model manager" in result.stdout


def test_missing_config_file_refused_at_start(tmp_path):
    result = run_mserve("--config_path", tmp_path)
    assert result.returncode == 1
    assert "File not found or cannot open - " + str(tmp_path / "config.json") in result.stdout


def test_mapping_config_renames_tensors(repo, log_dir):
    version_dir = repo.add_version("mapped", 1, source="dummy")
    (version_dir / "mapping_config.json").write_text(
        json.dumps({"inputs": {"b": "input"}, "outputs": {"a": "output"}}))
    repo.write_config([{"name": "mapped", "base_path": "mapped", "shape": {"input": "(1,10)"}}])
    with running_server(["--config_path", repo.root, *NO_POLL], log_dir) as server:
        metadata = server.client().get_model_metadata("mapped")
        assert [t.name for t in metadata.inputs] == ["input"]
        assert [t.name for t in metadata.outputs] == ["output"]
        result = infer_grpc(server, "mapped", ones(), input_name="input")
        assert [o.name for o in result.get_response().outputs] == ["output"]
        np.testing.assert_array_equal(result.as_numpy("output"), ones() + 1)
        rest = httpclient.InferenceServerClient(server.rest_url)
        infer_input = httpclient.InferInput("input", [1, 10], "FP32")
        infer_input.set_data_from_numpy(ones(), binary_data=False)
        answer = rest.infer("mapped", [infer_input]).get_response()
        assert [o["name"] for o in answer["outputs"]] == ["output"]
        rest.close()


def test_config_endpoints(repo, log_dir):
    repo.add_version("dummy", 1, source="dummy")
    repo.write_config([{"name": "dummy", "base_path": "dummy"}])
    with running_server(["--config_path", repo.root, *NO_POLL], log_dir) as server:
        url = f"http://{server.rest_url}/v1/config"
        status = requests.get(url, timeout=30)
        assert status.status_code == 200
        assert status.text == ('{\n"dummy" : \n{\n "model_version_status": [\n  {\n   "version": '
                               '"1",\n   "state": "AVAILABLE",\n   "status": {\n    "error_code":'
                               ' "OK",\n    "error_message": "OK"\n   }\n  }\n ]\n}\n}')
        reload = requests.post(url + "/reload", timeout=60)
        assert reload.status_code == 200 and reload.text == status.text
        # With polling off, only the endpoint applies edits.
        repo.add_version("second", 1, source="dummy")
        repo.write_config([{"name": "dummy", "base_path": "dummy"},
                           {"name": "second", "base_path": "second"}])
        assert "second" not in config_statuses(server)
        reload = requests.post(url + "/reload", timeout=60)
        assert reload.status_code == 200
        assert reload.json()["second"]["model_version_status"][0]["state"] == "AVAILABLE"
        # An invalid file is refused and the previous configuration keeps serving.
        repo.write_config([], raw='{"model_config_list": [{"config": {"name": 1}}]}')
        reload = requests.post(url + "/reload", timeout=60)
        assert reload.status_code == 412
        assert reload.text == ('{\n\t"error": "Reloading config file failed. Check server logs '
                               'for more info."\n}')
        np.testing.assert_array_equal(infer_grpc(server, "second", ones()).as_numpy("a"),
                                      ones() + 1)
        repo.config_path.unlink()
        reload = requests.post(url + "/reload", timeout=60)
        assert reload.status_code == 500
        assert reload.json() == {"error": "Config file not found or cannot open."}
        assert requests.get(url, timeout=30).status_code == 200
        assert requests.delete(url, timeout=30).status_code == 406


def test_cache_dir_and_allow_cache(repo, tmp_path, log_dir):
    repo.add_version("dummy", 1, source="dummy")
    repo.add_version("auto", 1, source="dummy")
    repo.add_version("auto_cached", 1, source="dummy")
    cache = tmp_path / "cache"
    repo.write_config([
        {"name": "dummy", "base_path": "dummy"},
        # OVMS: `auto` shapes are not cached unless allow_cache says so.
        {"name": "auto", "base_path": "auto", "shape": "auto"},
        {"name": "auto_cached", "base_path": "auto_cached", "shape": "auto", "allow_cache": True},
    ])
    with running_server(["--config_path", repo.root, "--cache_dir", cache, *NO_POLL], log_dir):
        blobs = sorted(path.name for path in cache.glob("*.blob"))
    # dummy and auto_cached compile differently (static vs dynamic shape): two blobs.
    assert len(blobs) == 2, blobs
    with running_server(["--config_path", repo.root, "--cache_dir", cache, *NO_POLL], log_dir):
        assert sorted(path.name for path in cache.glob("*.blob")) == blobs

"""`batch_size: auto` and `shape: auto`: mserve keeps such a model dynamic (no reload per
request shape) but its metadata says what OVMS's says, on every API: the model's own dims until
a request of other dims, then the dims of the latest such request (inputs and outputs)."""
import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from ovmsclient import make_grpc_client, make_http_client

from config_repo import ModelRepo
from conftest import F32, model_args, ov_reference, running_server


def metadata_everywhere(server, model):
    """{api: ({input: dims}, {output: dims})} from KServe gRPC/REST and TFS gRPC/REST."""
    answers = {}
    kfs_grpc = server.client().get_model_metadata(model)
    answers["kfs_grpc"] = ({t.name: list(t.shape) for t in kfs_grpc.inputs},
                           {t.name: list(t.shape) for t in kfs_grpc.outputs})
    kfs_rest = httpclient.InferenceServerClient(server.rest_url).get_model_metadata(model)
    answers["kfs_rest"] = ({t["name"]: t["shape"] for t in kfs_rest["inputs"]},
                           {t["name"]: t["shape"] for t in kfs_rest["outputs"]})
    for api, make in (("tfs_grpc", make_grpc_client), ("tfs_rest", make_http_client)):
        url = server.grpc_url if api == "tfs_grpc" else server.rest_url
        tfs = make(url).get_model_metadata(model)
        answers[api] = ({name: t["shape"] for name, t in tfs["inputs"].items()},
                        {name: t["shape"] for name, t in tfs["outputs"].items()})
    return answers


def assert_metadata(server, model, inputs, outputs):
    for api, answer in metadata_everywhere(server, model).items():
        assert answer == (inputs, outputs), api


def infer(server, model, arrays):
    infer_inputs = []
    for name, array in arrays.items():
        infer_input = grpcclient.InferInput(name, list(array.shape), "FP32")
        infer_input.set_data_from_numpy(array)
        infer_inputs.append(infer_input)
    result = server.client().infer(model, infer_inputs)
    return {output.name: result.as_numpy(output.name) for output in result.get_response().outputs}


def test_batch_size_auto_reports_the_latest_batch(models_dir, log_dir):
    images = np.random.default_rng(7).uniform(0, 255, (3, 224, 224, 3)).astype(np.float32)
    args = model_args("resnet", models_dir, F32, ["--batch_size", "auto"])
    with running_server(args, log_dir) as server:
        image_dims, scores_dims = {"input_1:0": [1, 224, 224, 3]}, {"softmax/Softmax:0": [1, 1001]}
        assert_metadata(server, "resnet", image_dims, scores_dims)
        scores = infer(server, "resnet", {"input_1:0": images[:2]})["softmax/Softmax:0"]
        assert scores.shape == (2, 1001)
        assert_metadata(server, "resnet", {"input_1:0": [2, 224, 224, 3]},
                        {"softmax/Softmax:0": [2, 1001]})
        # Every batch is still served, without a reload, with OpenVINO's numbers.
        scores = infer(server, "resnet", {"input_1:0": images})["softmax/Softmax:0"]
        reference = ov_reference(models_dir / "resnet" / "1", {"input_1:0": images[:1]}, F32)
        np.testing.assert_allclose(scores[:1], reference["softmax/Softmax:0"], rtol=1e-4,
                                   atol=1e-6)
        assert_metadata(server, "resnet", {"input_1:0": [3, 224, 224, 3]},
                        {"softmax/Softmax:0": [3, 1001]})
        infer(server, "resnet", {"input_1:0": images[:1]})
        assert_metadata(server, "resnet", image_dims, scores_dims)
        assert server.log.count("Loading model: resnet") == 1


# A queue bound puts the scheduler between the version and its infer requests: metadata must
# follow the requests it runs just the same.
@pytest.mark.parametrize("scheduling", [None, {"max_queue_size": 8}], ids=["direct", "queued"])
def test_shape_auto_in_config_json_reports_the_latest_request(tmp_path, models_dir, log_dir,
                                                              scheduling):
    repo = ModelRepo(tmp_path / "repo", models_dir)
    repo.add_version("add_two", 1, source="add_two")
    entry = {"name": "add_two", "base_path": "add_two", "shape": "auto"}
    if scheduling:
        entry["scheduling"] = scheduling
    repo.write_config([entry])
    with running_server(["--config_path", repo.root], log_dir) as server:
        pair = {"input1": [1, 3], "input2": [1, 3]}
        assert_metadata(server, "add_two", pair, {"sum": [1, 3], "diff": [1, 3]})
        x = np.arange(10, dtype=np.float32).reshape(2, 5)
        outputs = infer(server, "add_two", {"input1": x, "input2": x * 3})
        np.testing.assert_array_equal(outputs["sum"], x * 4)
        assert_metadata(server, "add_two", {"input1": [2, 5], "input2": [2, 5]},
                        {"sum": [2, 5], "diff": [2, 5]})

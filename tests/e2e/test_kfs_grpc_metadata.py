"""KServe gRPC health, server metadata, model metadata, readiness and Triton's ModelConfig."""
import grpc
import pytest
from tritonclient.grpc import service_pb2

from conftest import grpc_error

# Extension names a KServe/Triton server may advertise (Triton's list).
KNOWN_EXTENSIONS = {
    "classification", "sequence", "model_repository", "model_repository(unload_dependents)",
    "schedule_policy", "model_configuration", "system_shared_memory", "cuda_shared_memory",
    "binary_tensor_data", "parameters", "statistics", "trace", "logging",
}


def tensor_summary(tensors):
    return [(tensor.name, tensor.datatype, list(tensor.shape)) for tensor in tensors]


def test_server_live_and_ready(dummy_server):
    client = dummy_server.client()
    assert client.is_server_live() is True
    assert client.is_server_ready() is True


def test_server_metadata(dummy_server):
    metadata = dummy_server.client().get_server_metadata()
    assert metadata.name == "mserve"
    assert metadata.version.strip() != ""
    assert len(metadata.extensions) > 0, "the server should list the extensions it implements"
    unknown = set(metadata.extensions) - KNOWN_EXTENSIONS
    assert not unknown, f"unknown extension names: {unknown}"
    assert "model_configuration" in metadata.extensions  # ModelConfig is implemented


def test_model_metadata_dummy(dummy_server):
    metadata = dummy_server.client().get_model_metadata("dummy")
    assert metadata.name == "dummy"
    assert list(metadata.versions) == ["1"]
    assert metadata.platform == "OpenVINO"
    assert tensor_summary(metadata.inputs) == [("b", "FP32", [1, 10])]
    assert tensor_summary(metadata.outputs) == [("a", "FP32", [1, 10])]


def test_model_metadata_several_outputs(add_two_server):
    metadata = add_two_server.client().get_model_metadata("add_two")
    assert sorted(tensor_summary(metadata.inputs)) == [
        ("input1", "FP32", [1, 3]), ("input2", "FP32", [1, 3])]
    assert sorted(tensor_summary(metadata.outputs)) == [
        ("diff", "FP32", [1, 3]), ("sum", "FP32", [1, 3])]


def test_model_metadata_dynamic_dims_are_minus_one(dynamic_server):
    metadata = dynamic_server.client().get_model_metadata("dynamic")
    assert tensor_summary(metadata.inputs) == [("x", "FP32", [-1, -1])]
    assert tensor_summary(metadata.outputs) == [("y", "FP32", [-1, -1])]


def test_model_metadata_names_with_colon_and_slash(resnet_server):
    metadata = resnet_server.client().get_model_metadata("resnet")
    assert tensor_summary(metadata.inputs) == [("input_1:0", "FP32", [1, 224, 224, 3])]
    assert tensor_summary(metadata.outputs) == [("softmax/Softmax:0", "FP32", [1, 1001])]


EXPECTED_TYPE_NAMES = {
    "fp16": "FP16", "fp64": "FP64", "i8": "INT8", "i16": "INT16", "i32": "INT32",
    "i64": "INT64", "u8": "UINT8", "u16": "UINT16", "u32": "UINT32", "u64": "UINT64",
    "bool": "BOOL",
}


def test_model_metadata_datatypes(types_server):
    metadata = types_server.client().get_model_metadata("types")
    inputs = {tensor.name: tensor.datatype for tensor in metadata.inputs}
    outputs = {tensor.name: tensor.datatype for tensor in metadata.outputs}
    assert inputs, "the types model has inputs"
    for name, datatype in inputs.items():
        prefix = name[:-len("_in")]
        assert datatype == EXPECTED_TYPE_NAMES[prefix], name
        assert outputs[f"{prefix}_out"] == datatype
    assert "FP16" in inputs.values()


def test_model_metadata_bytes(strings_server):
    metadata = strings_server.client().get_model_metadata("strings")
    assert tensor_summary(metadata.inputs) == [("text_in", "BYTES", [-1])]
    assert tensor_summary(metadata.outputs) == [("text_out", "BYTES", [-1])]


def test_model_metadata_specific_version(versioned_all_server):
    client = versioned_all_server.client()
    for version in ("1", "2", "3"):
        metadata = client.get_model_metadata("versioned", model_version=version)
        assert metadata.name == "versioned"
        assert version in metadata.versions


def test_model_metadata_unknown_model(dummy_server):
    error = grpc_error(dummy_server.stub().ModelMetadata,
                       service_pb2.ModelMetadataRequest(name="no_such_model"))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "Model with requested name is not found"


def test_model_ready(dummy_server):
    client = dummy_server.client()
    assert client.is_model_ready("dummy") is True
    assert client.is_model_ready("dummy", model_version="1") is True


def test_model_ready_unknown_model(dummy_server):
    error = grpc_error(dummy_server.stub().ModelReady,
                       service_pb2.ModelReadyRequest(name="no_such_model"))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "Model with requested name is not found"


@pytest.mark.parametrize("version", ["1", "2", "3"])
def test_model_ready_each_version(versioned_all_server, version):
    assert versioned_all_server.client().is_model_ready("versioned", version) is True


def test_model_ready_version_not_served(versioned_latest_server):
    request = service_pb2.ModelReadyRequest(name="versioned", version="1")
    error = grpc_error(versioned_latest_server.stub().ModelReady, request)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "Model with requested version is not found"


def test_model_config(dummy_server):
    config = dummy_server.client().get_model_config("dummy").config
    assert config.name == "dummy"
    assert [tensor.name for tensor in config.input] == ["b"]
    assert [tensor.name for tensor in config.output] == ["a"]
    # Static batch dimension: perf_analyzer must send the metadata shape unchanged.
    assert config.max_batch_size == 0


def test_model_config_several_outputs(add_two_server):
    config = add_two_server.client().get_model_config("add_two").config
    assert config.name == "add_two"
    assert sorted(tensor.name for tensor in config.input) == ["input1", "input2"]
    assert sorted(tensor.name for tensor in config.output) == ["diff", "sum"]

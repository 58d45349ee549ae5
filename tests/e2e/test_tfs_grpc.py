"""TensorFlow Serving gRPC API (PredictionService, ModelService) with ovmsclient, OVMS's official
TFS client, and with raw protos for what ovmsclient does not build (typed fields, errors).
Results are checked against OpenVINO run in-process (REFERENCE.md §4.4, §4.5)."""
import grpc
import numpy as np
import openvino as ov
import pytest
from ovmsclient import make_grpc_client
from ovmsclient.tfs_compat.base.errors import InvalidInputError, ModelNotFoundError
from ovmsclient.tfs_compat.grpc.tensors import make_ndarray
from ovmsclient.tfs_compat.protos.tensorflow.core.framework import tensor_pb2, types_pb2
from ovmsclient.tfs_compat.protos.tensorflow_serving.apis import (
    get_model_metadata_pb2, get_model_status_pb2, model_service_pb2_grpc, predict_pb2,
    prediction_service_pb2_grpc)

from conftest import F32, GRPC_MAX_MESSAGE, grpc_error, ov_reference

INVALID = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND
B = np.arange(10, dtype=np.float32).reshape(1, 10) * 0.5 - 2.0


class TfsStubs:
    """Raw TF Serving stubs on one channel to a server."""

    def __init__(self, server):
        options = [("grpc.max_send_message_length", GRPC_MAX_MESSAGE),
                   ("grpc.max_receive_message_length", GRPC_MAX_MESSAGE)]
        self.channel = grpc.insecure_channel(server.grpc_url, options=options)
        self.prediction = prediction_service_pb2_grpc.PredictionServiceStub(self.channel)
        self.model = model_service_pb2_grpc.ModelServiceStub(self.channel)


@pytest.fixture
def stubs(request):
    """TfsStubs for the server fixture the test uses (the first of `*_server`)."""
    server = request.getfixturevalue(next(f for f in request.fixturenames if f.endswith("_server")))
    stubs = TfsStubs(server)
    yield stubs
    stubs.channel.close()


def client(server):
    return make_grpc_client(server.grpc_url)


def predict_request(model, inputs, version=None, output_filter=()):
    """PredictRequest with every numpy input in tensor_content (TensorProto values as given)."""
    request = predict_pb2.PredictRequest()
    request.model_spec.name = model
    if version is not None:
        request.model_spec.version.value = version
    for name, value in inputs.items():
        if isinstance(value, tensor_pb2.TensorProto):
            request.inputs[name].CopyFrom(value)
        else:
            request.inputs[name].CopyFrom(tensor_proto(value))
    request.output_filter.extend(output_filter)
    return request


def tensor_proto(array, field=None):
    """`array` in tensor_content, or in the typed `field` (e.g. "float_val")."""
    array = np.ascontiguousarray(array)
    proto = tensor_pb2.TensorProto(dtype=TF_TYPES[array.dtype.type])
    for dim in array.shape:
        proto.tensor_shape.dim.add(size=dim)
    if field is None:
        proto.tensor_content = array.tobytes()
    elif field == "half_val":
        proto.half_val.extend(array.view(np.uint16).ravel().tolist())
    else:
        getattr(proto, field).extend(array.ravel().tolist())
    return proto


TF_TYPES = {np.float32: types_pb2.DT_FLOAT, np.float64: types_pb2.DT_DOUBLE,
            np.float16: types_pb2.DT_HALF, np.int8: types_pb2.DT_INT8,
            np.int16: types_pb2.DT_INT16, np.int32: types_pb2.DT_INT32,
            np.int64: types_pb2.DT_INT64, np.uint8: types_pb2.DT_UINT8,
            np.uint16: types_pb2.DT_UINT16, np.uint32: types_pb2.DT_UINT32,
            np.uint64: types_pb2.DT_UINT64, np.bool_: types_pb2.DT_BOOL}
TYPED_FIELDS = {np.float32: "float_val", np.float64: "double_val", np.float16: "half_val",
                np.int8: "int_val", np.int16: "int_val", np.int32: "int_val",
                np.int64: "int64_val", np.uint8: "int_val", np.uint16: "int_val",
                np.uint32: "uint32_val", np.uint64: "uint64_val", np.bool_: "bool_val"}


def outputs_of(response):
    return {name: make_ndarray(proto) for name, proto in response.outputs.items()}


def model_inputs(models_dir, model):
    """name -> (numpy dtype, shape) of a generated model's inputs, read with OpenVINO."""
    read = ov.Core().read_model(str(models_dir / model / "1" / "model.xml"))
    return {port.get_any_name(): (port.get_element_type().to_dtype(), tuple(port.get_shape()))
            for port in read.inputs}


def sample(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -100), min(info.max, 100), shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


# ---------------------------------------------------------------------------------------------
# GetModelStatus


def test_status_with_ovmsclient(dummy_server):
    assert client(dummy_server).get_model_status("dummy") == {
        1: {"state": "AVAILABLE", "error_code": 0, "error_message": "OK"}}


def test_status_lists_every_version(versioned_all_server):
    statuses = client(versioned_all_server).get_model_status("versioned")
    assert sorted(statuses) == [1, 2, 3]
    assert all(s["state"] == "AVAILABLE" for s in statuses.values())
    assert list(client(versioned_all_server).get_model_status("versioned", 2)) == [2]


def test_status_raw_proto(versioned_all_server, stubs):
    request = get_model_status_pb2.GetModelStatusRequest()
    request.model_spec.name = "versioned"
    response = stubs.model.GetModelStatus(request)
    assert [s.version for s in response.model_version_status] == [1, 2, 3]
    status = response.model_version_status[0]
    assert status.state == get_model_status_pb2.ModelVersionStatus.AVAILABLE
    assert status.status.error_code == 0 and status.status.error_message == "OK"


def test_status_errors(dummy_server, stubs):
    with pytest.raises(ModelNotFoundError, match="Model with requested name is not found"):
        client(dummy_server).get_model_status("no_such_model")
    with pytest.raises(ModelNotFoundError, match="Model with requested version is not found"):
        client(dummy_server).get_model_status("dummy", 7)
    error = grpc_error(stubs.model.GetModelStatus, get_model_status_pb2.GetModelStatusRequest())
    assert error.code() == INVALID and error.details() == "model_spec missing in request"


# ---------------------------------------------------------------------------------------------
# GetModelMetadata


def test_metadata_with_ovmsclient(dummy_server):
    assert client(dummy_server).get_model_metadata("dummy") == {
        "model_version": 1,
        "inputs": {"b": {"shape": [1, 10], "dtype": "DT_FLOAT"}},
        "outputs": {"a": {"shape": [1, 10], "dtype": "DT_FLOAT"}}}


def test_metadata_dynamic_dims_are_minus_one(dynamic_server):
    metadata = client(dynamic_server).get_model_metadata("dynamic")
    assert metadata["inputs"] == {"x": {"shape": [-1, -1], "dtype": "DT_FLOAT"}}


def test_metadata_datatypes(types_server, models_dir):
    inputs = client(types_server).get_model_metadata("types")["inputs"]
    expected = {name: types_pb2.DataType.Name(TF_TYPES[dtype.type])
                for name, (dtype, _) in model_inputs(models_dir, "types").items()}
    assert {name: value["dtype"] for name, value in inputs.items()} == expected


def test_metadata_of_a_version(versioned_all_server):
    assert client(versioned_all_server).get_model_metadata("versioned", 2)["model_version"] == 2
    assert client(versioned_all_server).get_model_metadata("versioned")["model_version"] == 3


def test_metadata_any_type_url_and_signature(dummy_server, stubs):
    request = get_model_metadata_pb2.GetModelMetadataRequest(metadata_field=["signature_def"])
    request.model_spec.name = "dummy"
    response = stubs.prediction.GetModelMetadata(request)
    assert response.model_spec.name == "dummy" and response.model_spec.version.value == 1
    packed = response.metadata["signature_def"]
    assert packed.type_url == "type.googleapis.com/tensorflow.serving.SignatureDefMap"
    # ovmsclient's copy of the protos lives in package ovmsclient.serving, so Any.Unpack would
    # refuse the (correct) TF Serving type URL: parse the value as ovmsclient itself does.
    signatures = get_model_metadata_pb2.SignatureDefMap()
    signatures.ParseFromString(packed.value)
    signature = signatures.signature_def["serving_default"]
    assert signature.inputs["b"].name == "b"
    assert [d.size for d in signature.outputs["a"].tensor_shape.dim] == [1, 10]


@pytest.mark.parametrize("fields", [[], ["other"], ["signature_def", "signature_def"]])
def test_metadata_field_must_be_signature_def(dummy_server, stubs, fields):
    request = get_model_metadata_pb2.GetModelMetadataRequest(metadata_field=fields)
    request.model_spec.name = "dummy"
    error = grpc_error(stubs.prediction.GetModelMetadata, request)
    assert error.code() == INVALID and error.details() == "Invalid signature name"


def test_metadata_errors(dummy_server, stubs):
    with pytest.raises(ModelNotFoundError, match="Model with requested name is not found"):
        client(dummy_server).get_model_metadata("no_such_model")
    request = get_model_metadata_pb2.GetModelMetadataRequest(metadata_field=["signature_def"])
    error = grpc_error(stubs.prediction.GetModelMetadata, request)
    assert error.code() == INVALID and error.details() == "model_spec missing in request"


# ---------------------------------------------------------------------------------------------
# Predict


def test_predict_with_ovmsclient(dummy_server, models_dir):
    outputs = client(dummy_server).predict({"b": B}, "dummy")
    np.testing.assert_array_equal(outputs, B + 1)
    reference = ov_reference(models_dir / "dummy" / "1", {"b": B}, F32)["a"]
    np.testing.assert_allclose(outputs, reference, rtol=1e-6)


def test_predict_onnx_and_two_outputs(onnx_server, add_two_server):
    np.testing.assert_array_equal(client(onnx_server).predict({"b": B}, "dummy_onnx"), B + 1)
    x, y = B[:, :3], B[:, 3:6]
    outputs = client(add_two_server).predict({"input1": x, "input2": y}, "add_two")
    np.testing.assert_array_equal(outputs["sum"], x + y)
    np.testing.assert_array_equal(outputs["diff"], x - y)


def test_predict_response_names_model_and_version(versioned_all_server, stubs):
    response = stubs.prediction.Predict(predict_request("versioned", {"b": B}, version=2))
    assert response.model_spec.name == "versioned"
    assert response.model_spec.version.value == 2
    np.testing.assert_array_equal(outputs_of(response)["a"], B + 2)
    default = stubs.prediction.Predict(predict_request("versioned", {"b": B}))
    assert default.model_spec.version.value == 3


def test_predict_outputs_are_tensor_content(dummy_server, stubs):
    response = stubs.prediction.Predict(predict_request("dummy", {"b": B}))
    proto = response.outputs["a"]
    assert proto.dtype == types_pb2.DT_FLOAT
    assert [d.size for d in proto.tensor_shape.dim] == [1, 10]
    assert np.frombuffer(proto.tensor_content, np.float32).tolist() == (B + 1).ravel().tolist()
    assert len(proto.float_val) == 0


@pytest.mark.parametrize("typed", [False, True], ids=["tensor_content", "typed_fields"])
def test_predict_every_datatype(types_server, models_dir, stubs, typed):
    inputs = {name: sample(dtype, shape, seed)
              for seed, (name, (dtype, shape)) in
              enumerate(sorted(model_inputs(models_dir, "types").items()))}
    protos = {name: tensor_proto(value, TYPED_FIELDS[value.dtype.type] if typed else None)
              for name, value in inputs.items()}
    response = stubs.prediction.Predict(predict_request("types", protos))
    outputs = outputs_of(response)
    expected = ov_reference(models_dir / "types" / "1", inputs, F32)
    assert sorted(outputs) == sorted(expected)
    for name, value in expected.items():
        assert outputs[name].dtype == value.dtype, name
        np.testing.assert_array_equal(outputs[name], value, err_msg=name)


def test_predict_strings(strings_server, stubs):
    proto = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[b"ab", b"cde"])
    proto.tensor_shape.dim.add(size=2)
    response = stubs.prediction.Predict(predict_request("strings", {"text_in": proto}))
    output = response.outputs["text_out"]
    assert output.dtype == types_pb2.DT_STRING
    assert list(output.string_val) == [b"ab", b"cde", b"ab", b"cde"]


@pytest.mark.parametrize("wanted", [["diff"], ["sum"], ["sum", "diff"]])
def test_predict_output_filter(add_two_server, stubs, wanted):
    x, y = B[:, :3], B[:, 3:6]
    request = predict_request("add_two", {"input1": x, "input2": y}, output_filter=wanted)
    assert sorted(stubs.prediction.Predict(request).outputs) == sorted(wanted)


def test_predict_dynamic_shape(dynamic_server):
    x = np.random.default_rng(5).standard_normal((3, 7)).astype(np.float32)
    np.testing.assert_array_equal(client(dynamic_server).predict({"x": x}, "dynamic"), x * 2)


# ---------------------------------------------------------------------------------------------
# Predict errors: OVMS's codes and texts; the server keeps serving afterwards


def assert_error(error, code, text):
    assert error.code() == code, error.details()
    assert error.details().startswith(text), error.details()


@pytest.mark.parametrize("make, code, text", [
    (lambda: predict_request("no_such_model", {"b": B}), NOT_FOUND,
     "Model with requested name is not found"),
    (lambda: predict_request("dummy", {"b": B}, version=7), NOT_FOUND,
     "Model with requested version is not found"),
    (lambda: predict_pb2.PredictRequest(), INVALID, "model_spec missing in request"),
    (lambda: predict_request("dummy", {"b": B.astype(np.float64)}), INVALID,
     "Invalid input precision"),
    (lambda: predict_request("dummy", {"b": B[:, :5]}), INVALID, "Invalid input shape"),
    (lambda: predict_request("dummy", {"x": B}), INVALID, "Missing input with specific name"),
    (lambda: predict_request("dummy", {"b": B, "c": B}), INVALID, "Invalid number of inputs"),
    (lambda: predict_request("dummy", {"b": B}, output_filter=["nope"]), INVALID,
     "Missing output with specific name"),
    (lambda: predict_request("dummy", {"b": tensor_proto(B.astype(np.float64), "double_val")}),
     INVALID,
     "Invalid input precision"),
])
def test_predict_errors(dummy_server, stubs, make, code, text):
    assert_error(grpc_error(stubs.prediction.Predict, make()), code, text)
    np.testing.assert_array_equal(client(dummy_server).predict({"b": B}, "dummy"), B + 1)


def test_predict_content_size_text(dummy_server, stubs):
    proto = tensor_proto(B)
    proto.tensor_content = proto.tensor_content[:12]
    error = grpc_error(stubs.prediction.Predict, predict_request("dummy", {"b": proto}))
    assert error.code() == INVALID
    assert error.details() == ("Invalid content size of tensor proto - Expected: 40 bytes; "
                               "Actual: 12 bytes; input name: b")


def test_predict_single_typed_value_is_not_broadcast(dummy_server, stubs):
    proto = tensor_proto(B[:, :1], "float_val")
    del proto.tensor_shape.dim[:]
    proto.tensor_shape.dim.add(size=1)
    proto.tensor_shape.dim.add(size=10)
    error = grpc_error(stubs.prediction.Predict, predict_request("dummy", {"b": proto}))
    assert_error(error, INVALID, "Invalid number of values in tensor proto container")


def test_predict_with_ovmsclient_error_class(dummy_server):
    with pytest.raises(InvalidInputError, match="Invalid input shape"):
        client(dummy_server).predict({"b": B[:, :3]}, "dummy")

"""KServe gRPC ModelInfer on every generated model, checked against OpenVINO run in-process."""
import grpc
import numpy as np
import pytest
import tritonclient.grpc as grpcclient
from tritonclient.grpc import service_pb2
from tritonclient.utils import np_to_triton_dtype

from conftest import F32, decode_bytes, grpc_error, ov_reference, raw_request, response_arrays

RNG_SEED = 20240601


def infer(server, model, inputs, outputs=None, version=""):
    """tritonclient request (raw contents); returns (response proto, name -> ndarray)."""
    infer_inputs = []
    for name, value in inputs.items():
        datatype = np_to_triton_dtype(value.dtype)
        infer_input = grpcclient.InferInput(name, list(value.shape), datatype)
        infer_input.set_data_from_numpy(value)
        infer_inputs.append(infer_input)
    requested = [grpcclient.InferRequestedOutput(name) for name in outputs] if outputs else None
    result = server.client().infer(model, infer_inputs, model_version=version, outputs=requested)
    response = result.get_response()
    return response, {output.name: result.as_numpy(output.name) for output in response.outputs}


def dummy_input(offset=0.0):
    return (np.arange(10, dtype=np.float32).reshape(1, 10) * 0.5 - 2.0 + offset)


def assert_matches_reference(actual, expected, rtol=1e-6, atol=0.0):
    assert sorted(actual) == sorted(expected)
    for name, value in expected.items():
        assert actual[name].dtype == value.dtype, name
        assert actual[name].shape == value.shape, name
        np.testing.assert_allclose(actual[name], value, rtol=rtol, atol=atol, err_msg=name)


# ---------------------------------------------------------------------------------------------
# Raw contents (tritonclient) on each model


def test_dummy(dummy_server, models_dir):
    b = dummy_input()
    response, outputs = infer(dummy_server, "dummy", {"b": b})
    assert response.model_name == "dummy"
    assert response.model_version == "1"
    described = [(o.name, o.datatype, list(o.shape)) for o in response.outputs]
    assert described == [("a", "FP32", [1, 10])]
    np.testing.assert_array_equal(outputs["a"], b + 1)
    assert_matches_reference(outputs, ov_reference(models_dir / "dummy" / "1", {"b": b}, F32))


def test_dummy_onnx(onnx_server, models_dir):
    b = dummy_input(offset=3.25)
    _, outputs = infer(onnx_server, "dummy_onnx", {"b": b})
    np.testing.assert_array_equal(outputs["a"], b + 1)
    assert_matches_reference(outputs, ov_reference(models_dir / "dummy_onnx" / "1", {"b": b}, F32))


def test_request_id_is_echoed(dummy_server):
    request = raw_request("dummy", {"b": dummy_input()})
    request.id = "request-42"
    response = dummy_server.stub().ModelInfer(request)
    assert response.id == "request-42"


def test_add_two_returns_every_output(add_two_server, models_dir):
    inputs = {"input1": np.array([[1.5, -2.0, 3.0]], np.float32),
              "input2": np.array([[0.25, 4.0, -1.0]], np.float32)}
    _, outputs = infer(add_two_server, "add_two", inputs)
    np.testing.assert_array_equal(outputs["sum"], inputs["input1"] + inputs["input2"])
    np.testing.assert_array_equal(outputs["diff"], inputs["input1"] - inputs["input2"])
    assert_matches_reference(outputs, ov_reference(models_dir / "add_two" / "1", inputs, F32))


@pytest.mark.parametrize("wanted", [["diff"], ["sum"], ["sum", "diff"]])
def test_outputs_filter(add_two_server, wanted):
    inputs = {"input1": np.array([[1.0, 2.0, 3.0]], np.float32),
              "input2": np.array([[3.0, 2.0, 1.0]], np.float32)}
    response, outputs = infer(add_two_server, "add_two", inputs, outputs=wanted)
    assert sorted(o.name for o in response.outputs) == sorted(wanted)
    assert len(response.raw_output_contents) == len(wanted)
    if "diff" in wanted:
        np.testing.assert_array_equal(outputs["diff"], [[-2.0, 0.0, 2.0]])
    if "sum" in wanted:
        np.testing.assert_array_equal(outputs["sum"], [[4.0, 4.0, 4.0]])


def resnet_image(seed):
    return np.random.default_rng(seed).uniform(0, 255, (1, 224, 224, 3)).astype(np.float32)


def test_resnet_names_with_colon_and_slash(resnet_server, models_dir):
    image = resnet_image(RNG_SEED)
    response, outputs = infer(resnet_server, "resnet", {"input_1:0": image})
    assert [o.name for o in response.outputs] == ["softmax/Softmax:0"]
    scores = outputs["softmax/Softmax:0"]
    assert scores.shape == (1, 1001)
    assert abs(float(scores.sum()) - 1.0) < 1e-4
    expected = ov_reference(models_dir / "resnet" / "1", {"input_1:0": image}, F32)
    assert_matches_reference(outputs, expected, rtol=1e-4, atol=1e-7)


def test_resnet_requested_output_with_slash(resnet_server):
    image = resnet_image(RNG_SEED + 1)
    response, outputs = infer(resnet_server, "resnet", {"input_1:0": image},
                              outputs=["softmax/Softmax:0"])
    assert [o.name for o in response.outputs] == ["softmax/Softmax:0"]
    assert outputs["softmax/Softmax:0"].shape == (1, 1001)


@pytest.mark.parametrize("shape", [(2, 3), (4, 5), (1, 1)])
def test_dynamic_shapes(dynamic_server, models_dir, shape):
    x = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
    response, outputs = infer(dynamic_server, "dynamic", {"x": x})
    assert list(response.outputs[0].shape) == list(shape)
    np.testing.assert_array_equal(outputs["y"], x * 2)
    assert_matches_reference(outputs, ov_reference(models_dir / "dynamic" / "1", {"x": x}, F32))


# ---------------------------------------------------------------------------------------------
# Datatypes (raw contents): one request with every input of the `types` model


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


def served_type_inputs(server, model):
    """TYPE_INPUTS restricted to the pairs the model kept (make_models drops what CPU lacks)."""
    metadata = server.client().get_model_metadata(model)
    names = {tensor.name for tensor in metadata.inputs}
    return {f"{prefix}_in": value for prefix, value in TYPE_INPUTS.items()
            if f"{prefix}_in" in names}


@pytest.fixture(scope="module")
def types_exchange(types_server, models_dir):
    inputs = served_type_inputs(types_server, "types")
    response, outputs = infer(types_server, "types", inputs)
    expected = ov_reference(models_dir / "types" / "1", inputs)
    return response, outputs, expected


@pytest.mark.parametrize("prefix", list(TYPE_INPUTS))
def test_datatype_raw(types_exchange, prefix):
    response, outputs, expected = types_exchange
    name = f"{prefix}_out"
    if name not in expected:
        pytest.skip(f"the types model has no {prefix} pair on this CPU")
    datatype = {o.name: o.datatype for o in response.outputs}[name]
    assert datatype == np_to_triton_dtype(expected[name].dtype)
    assert outputs[name].dtype == expected[name].dtype
    np.testing.assert_array_equal(outputs[name], expected[name])


def test_fp16_values(types_exchange):
    _, outputs, _ = types_exchange
    np.testing.assert_array_equal(outputs["fp16_out"], TYPE_INPUTS["fp16"] * np.float16(2))


# ---------------------------------------------------------------------------------------------
# Typed contents (InferTensorContents), built by hand: tritonclient always sends raw


TYPED_FIELDS = {
    "BOOL": "bool_contents", "INT8": "int_contents", "INT16": "int_contents",
    "INT32": "int_contents", "INT64": "int64_contents", "UINT8": "uint_contents",
    "UINT16": "uint_contents", "UINT32": "uint_contents", "UINT64": "uint64_contents",
    "FP32": "fp32_contents", "FP64": "fp64_contents", "BYTES": "bytes_contents",
}


def typed_request(model, inputs, version=""):
    request = service_pb2.ModelInferRequest(model_name=model, model_version=version)
    for name, value in inputs.items():
        datatype = "BYTES" if value.dtype == object else np_to_triton_dtype(value.dtype)
        tensor = request.inputs.add(name=name, datatype=datatype, shape=value.shape)
        getattr(tensor.contents, TYPED_FIELDS[datatype]).extend(value.ravel().tolist())
    return request


def test_typed_contents_fp32(dummy_server):
    b = dummy_input(offset=7.0)
    response = dummy_server.stub().ModelInfer(typed_request("dummy", {"b": b}))
    assert len(response.raw_output_contents) == 1, "responses always use raw_output_contents"
    np.testing.assert_array_equal(response_arrays(response)["a"], b + 1)


def test_typed_contents_dynamic(dynamic_server):
    x = np.array([[1.0, -2.0], [3.5, 0.0], [4.0, 8.0]], np.float32)
    response = dynamic_server.stub().ModelInfer(typed_request("dynamic", {"x": x}))
    np.testing.assert_array_equal(response_arrays(response)["y"], x * 2)


@pytest.fixture(scope="module")
def typed_exchange(typed_contents_server, models_dir):
    inputs = served_type_inputs(typed_contents_server, "typed_contents")
    response = typed_contents_server.stub().ModelInfer(typed_request("typed_contents", inputs))
    expected = ov_reference(models_dir / "typed_contents" / "1", inputs)
    return response_arrays(response), expected


@pytest.mark.parametrize("prefix", [p for p in TYPE_INPUTS if p != "fp16"])
def test_datatype_typed_contents(typed_exchange, prefix):
    outputs, expected = typed_exchange
    name = f"{prefix}_out"
    if name not in expected:
        pytest.skip(f"the typed_contents model has no {prefix} pair on this CPU")
    assert outputs[name].dtype == expected[name].dtype
    np.testing.assert_array_equal(outputs[name], expected[name])


# ---------------------------------------------------------------------------------------------
# BYTES (string tensors)


TEXTS = np.array([b"hello", b"", "zażółć".encode(), b"a:b/c"], dtype=object)


def test_bytes_raw(strings_server, models_dir):
    _, outputs = infer(strings_server, "strings", {"text_in": TEXTS})
    assert list(outputs["text_out"]) == list(TEXTS) * 2
    expected = ov_reference(models_dir / "strings" / "1", {"text_in": TEXTS})["text_out"]
    assert [item.decode() for item in outputs["text_out"]] == list(expected)


def test_bytes_typed_contents(strings_server):
    response = strings_server.stub().ModelInfer(typed_request("strings", {"text_in": TEXTS}))
    assert response.outputs[0].datatype == "BYTES"
    assert list(response.outputs[0].shape) == [2 * len(TEXTS)]
    assert list(decode_bytes(response.raw_output_contents[0])) == list(TEXTS) * 2


# ---------------------------------------------------------------------------------------------
# Versions


@pytest.mark.parametrize("version", ["1", "2", "3"])
def test_explicit_version(versioned_all_server, version):
    b = dummy_input()
    response, outputs = infer(versioned_all_server, "versioned", {"b": b}, version=version)
    assert response.model_version == version
    np.testing.assert_array_equal(outputs["a"], b + int(version))


def test_default_version_is_highest(versioned_all_server):
    b = dummy_input()
    response, outputs = infer(versioned_all_server, "versioned", {"b": b})
    assert response.model_version == "3"
    np.testing.assert_array_equal(outputs["a"], b + 3)


def test_latest_policy_serves_only_highest(versioned_latest_server):
    b = dummy_input()
    response, outputs = infer(versioned_latest_server, "versioned", {"b": b})
    assert response.model_version == "3"
    np.testing.assert_array_equal(outputs["a"], b + 3)
    _, outputs = infer(versioned_latest_server, "versioned", {"b": b}, version="3")
    np.testing.assert_array_equal(outputs["a"], b + 3)


@pytest.mark.parametrize("version", ["1", "2"])
def test_latest_policy_rejects_older_versions(versioned_latest_server, version):
    request = raw_request("versioned", {"b": dummy_input()}, version=version)
    error = grpc_error(versioned_latest_server.stub().ModelInfer, request)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "Model with requested version is not found"

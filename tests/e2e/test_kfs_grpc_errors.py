"""Bad KServe gRPC requests get OVMS's status codes and texts (REFERENCE.md §3.5, §3.7), and the
server keeps answering good requests after each of them."""
import grpc
import numpy as np
import pytest
from tritonclient.grpc import service_pb2

from conftest import grpc_error, raw_request, response_arrays

INVALID = grpc.StatusCode.INVALID_ARGUMENT
B = np.arange(10, dtype=np.float32).reshape(1, 10)


@pytest.fixture(autouse=True)
def servers_still_answer(request):
    """After every test, each server the test used must still serve a good request."""
    yield
    for fixture, model, inputs, output, expected in (
        ("dummy_server", "dummy", {"b": B}, "a", B + 1),
        ("dynamic_server", "dynamic", {"x": B}, "y", B * 2),
        ("add_two_server", "add_two", {"input1": B[:, :3], "input2": B[:, 3:6]}, "sum",
         B[:, :3] + B[:, 3:6]),
    ):
        if fixture in request.fixturenames:
            server = request.getfixturevalue(fixture)
            response = server.stub().ModelInfer(raw_request(model, inputs))
            np.testing.assert_array_equal(response_arrays(response)[output], expected)


def infer_error(server, request):
    return grpc_error(server.stub().ModelInfer, request)


def assert_error(error, code, prefix):
    assert error.code() == code, error.details()
    assert error.details().startswith(prefix), error.details()


# ---------------------------------------------------------------------------------------------
# Model and version lookup


def test_unknown_model(dummy_server):
    error = infer_error(dummy_server, raw_request("no_such_model", {"b": B}))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "Model with requested name is not found"


def test_unknown_version(dummy_server):
    error = infer_error(dummy_server, raw_request("dummy", {"b": B}, version="7"))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "Model with requested version is not found"


def test_version_not_a_number(dummy_server):
    error = infer_error(dummy_server, raw_request("dummy", {"b": B}, version="one"))
    assert_error(error, INVALID, "invalid model version format in request")


# ---------------------------------------------------------------------------------------------
# Input names and counts


def test_missing_input(dummy_server):
    # OVMS looks up each model input by name: the right count with a wrong name is reported
    # as the model input it misses.
    error = infer_error(dummy_server, raw_request("dummy", {"c": B}))
    assert error.code() == INVALID
    assert error.details() == "Missing input with specific name - Required input: b"


def test_no_inputs(dummy_server):
    error = infer_error(dummy_server, raw_request("dummy", {}))
    assert_error(error, INVALID, "Invalid number of inputs")


def test_too_many_inputs(dummy_server):
    error = infer_error(dummy_server, raw_request("dummy", {"b": B, "c": B}))
    assert_error(error, INVALID, "Invalid number of inputs")


def test_unexpected_input(add_two_server):
    # Right count, one name the model does not have. OVMS reports the input it misses
    # ("Missing input with specific name - Required input: input2", as test_missing_input
    # checks); naming the unexpected one instead is accepted here.
    request = raw_request("add_two", {"input1": B[:, :3], "input3": B[:, :3]})
    error = infer_error(add_two_server, request)
    assert error.code() == INVALID
    assert error.details() in ("Missing input with specific name - Required input: input2",
                               "Unexpected input - input name: input3"), error.details()


def test_duplicate_input(add_two_server):
    request = raw_request("add_two", {"input1": B[:, :3]})
    request.inputs.add().CopyFrom(request.inputs[0])
    request.raw_input_contents.append(request.raw_input_contents[0])
    error = infer_error(add_two_server, request)
    assert error.code() == INVALID
    assert error.details().startswith(
        ("Duplicate input name", "Missing input with specific name", "Invalid number of inputs"))


def test_duplicate_input_beyond_count(dummy_server):
    request = raw_request("dummy", {"b": B})
    request.inputs.add().CopyFrom(request.inputs[0])
    request.raw_input_contents.append(request.raw_input_contents[0])
    error = infer_error(dummy_server, request)
    assert error.code() == INVALID
    assert error.details().startswith(("Duplicate input name", "Invalid number of inputs"))


# ---------------------------------------------------------------------------------------------
# Shapes


def test_wrong_shape(dummy_server):
    b = np.zeros((1, 11), np.float32)
    error = infer_error(dummy_server, raw_request("dummy", {"b": b}))
    assert error.code() == INVALID
    assert error.details() == (
        "Invalid input shape - Expected: (1,10); Actual: (1,11); input name: b")


def test_wrong_batch(dummy_server):
    b = np.zeros((2, 10), np.float32)
    error = infer_error(dummy_server, raw_request("dummy", {"b": b}))
    assert error.code() == INVALID
    assert error.details().startswith(("Invalid input batch size", "Invalid input shape"))
    assert error.details().endswith("input name: b")


def test_wrong_number_of_dimensions(dummy_server):
    b = np.zeros((10,), np.float32)
    error = infer_error(dummy_server, raw_request("dummy", {"b": b}))
    assert_error(error, INVALID, "Invalid number of shape dimensions")
    assert error.details().endswith("input name: b")


@pytest.mark.parametrize("shape", [[-2, 2], [0, 2]])
def test_negative_or_zero_dimension(dynamic_server, shape):
    # OVMS: "Invalid input shape - Negative or zero dimension size is not acceptable: ..."
    # The contents match the element count (none for [0, 2]), so only the dimension is wrong.
    contents = np.zeros((2 if shape[0] < 0 else 0, 2), np.float32)
    request = raw_request("dynamic", {"x": contents}, shapes={"x": shape})
    error = infer_error(dynamic_server, request)
    assert_error(error, INVALID, "Invalid input shape")
    assert error.details().endswith("input name: x")


@pytest.mark.parametrize("shape", [[2**40, 2**40], [2**32, 2**32], [2**62, 4], [2**63 - 1, 2]])
def test_shape_whose_byte_size_overflows(dynamic_server, shape):
    # [2**32, 2**32] and [2**62, 4] wrap to 0 elements or 0 bytes in 64-bit arithmetic, which an
    # unchecked size computation would accept with empty contents.
    request = raw_request("dynamic", {"x": np.zeros((0,), np.float32)}, shapes={"x": shape})
    error = infer_error(dynamic_server, request)
    assert error.code() == INVALID, error.details()


# ---------------------------------------------------------------------------------------------
# Datatypes and contents


def test_wrong_datatype(dummy_server):
    b = np.zeros((1, 10), np.int32)
    error = infer_error(dummy_server, raw_request("dummy", {"b": b}))
    assert error.code() == INVALID
    assert error.details() == (
        "Invalid input precision - Expected: FP32; Actual: INT32; input name: b")


def test_unknown_datatype(dummy_server):
    error = infer_error(dummy_server, raw_request("dummy", {"b": B}, datatypes={"b": "FLOAT"}))
    assert_error(error, INVALID, "Invalid input precision")


def test_raw_size_does_not_match_shape(dummy_server):
    request = raw_request("dummy", {"b": B})
    request.raw_input_contents[0] = request.raw_input_contents[0][:36]
    error = infer_error(dummy_server, request)
    assert_error(error, INVALID, "Invalid content size of tensor proto")


def test_raw_larger_than_shape(dummy_server):
    request = raw_request("dummy", {"b": B})
    request.raw_input_contents[0] += b"\0\0\0\0"
    error = infer_error(dummy_server, request)
    assert_error(error, INVALID, "Invalid content size of tensor proto")


def test_typed_value_count_does_not_match_shape(dummy_server):
    request = service_pb2.ModelInferRequest(model_name="dummy")
    tensor = request.inputs.add(name="b", datatype="FP32", shape=[1, 10])
    tensor.contents.fp32_contents.extend([1.0] * 9)
    error = infer_error(dummy_server, request)
    assert_error(error, INVALID, "Invalid number of values in tensor proto container")


def test_typed_and_raw_mixed(add_two_server):
    request = raw_request("add_two", {"input2": B[:, :3]})
    typed = request.inputs.add(name="input1", datatype="FP32", shape=[1, 3])
    typed.contents.fp32_contents.extend([1.0, 2.0, 3.0])
    error = infer_error(add_two_server, request)
    # OVMS checks this right after the input count, before any per-input check.
    assert_error(error, INVALID,
                 "Passing buffers both in ModelInferRequest::InferInputTensor::contents and in "
                 "ModelInferRequest::raw_input_contents is not allowed")


def test_raw_buffers_without_matching_inputs(dummy_server):
    request = raw_request("dummy", {"b": B})
    request.raw_input_contents.append(request.raw_input_contents[0])
    error = infer_error(dummy_server, request)
    assert error.code() == INVALID


def test_unknown_requested_output(dummy_server):
    error = infer_error(dummy_server, raw_request("dummy", {"b": B}, outputs=["nope"]))
    assert_error(error, INVALID, "Missing output with specific name")

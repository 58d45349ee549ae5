"""Triton's system shared memory extension (REFERENCE-2.md §3) with tritonclient's own
shared-memory utilities over HTTP and gRPC: tensors read from and written to POSIX shared
memory match OpenVINO's results; registration, status and unregistration; every attempt to
address memory outside what was registered is refused; off (with a clear error) unless
--allow_system_shared_memory is given."""
import json
import subprocess
import sys
import uuid
from pathlib import Path

import grpc
import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
import tritonclient.utils.shared_memory as shm
from tritonclient.grpc import service_pb2
from tritonclient.utils import InferenceServerException

from conftest import F32, grpc_error, ov_reference, running_server

MODELS = ("add_two", "dynamic", "strings")


@pytest.fixture(scope="module")
def shm_server(models_dir, log_dir, tmp_path_factory):
    config = {"model_config_list": [
        {"config": {"name": name, "base_path": str(models_dir / name), "plugin_config": F32}}
        for name in MODELS]}
    path = tmp_path_factory.mktemp("shm") / "config.json"
    path.write_text(json.dumps(config))
    with running_server(["--config_path", path, "--file_system_poll_wait_seconds", "0",
                         "--allow_system_shared_memory"], log_dir) as server:
        yield server


@pytest.fixture(params=["http", "grpc"])
def protocol(request):
    return request.param


def make_client(server, protocol):
    if protocol == "http":
        return httpclient.InferenceServerClient(server.rest_url)
    return grpcclient.InferenceServerClient(server.grpc_url)


def module_for(protocol):
    return httpclient if protocol == "http" else grpcclient


class Region:
    """A tritonclient shared memory region registered with the server; unregistered and
    destroyed on exit."""

    def __init__(self, client, byte_size, register=True):
        self.client = client
        self.name = "r_" + uuid.uuid4().hex[:12]
        self.key = "/mserve_e2e_" + self.name
        self.byte_size = byte_size
        self.handle = shm.create_shared_memory_region(self.name, self.key, byte_size)
        self.registered = register
        if register:
            client.register_system_shared_memory(self.name, self.key, byte_size)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.registered:
            self.client.unregister_system_shared_memory(self.name)
        shm.destroy_shared_memory_region(self.handle)


def shm_input(module, name, value, region, offset):
    tensor = module.InferInput(name, list(value.shape), "FP32")
    tensor.set_shared_memory(region.name, value.nbytes, offset)
    return tensor


def shm_output(module, name, region, byte_size, offset):
    output = module.InferRequestedOutput(name)
    output.set_shared_memory(region.name, byte_size, offset)
    return output


def test_add_two_inputs_and_outputs_in_shared_memory(shm_server, models_dir, protocol):
    client, module = make_client(shm_server, protocol), module_for(protocol)
    a = np.array([[1.5, -2.0, 3.25]], np.float32)
    b = np.array([[0.5, 4.0, -1.0]], np.float32)
    with Region(client, 64) as inputs, Region(client, 4096) as outputs:
        shm.set_shared_memory_region(inputs.handle, [a, b])  # back to back: offsets 0 and 12
        result = client.infer("add_two", [shm_input(module, "input1", a, inputs, 0),
                                          shm_input(module, "input2", b, inputs, a.nbytes)],
                              outputs=[shm_output(module, "sum", outputs, 12, 0),
                                       shm_output(module, "diff", outputs, 12, 1000)])
        expected = ov_reference(models_dir / "add_two" / "1", {"input1": a, "input2": b}, F32)
        total = shm.get_contents_as_numpy(outputs.handle, np.float32, [1, 3], 0)
        diff = shm.get_contents_as_numpy(outputs.handle, np.float32, [1, 3], 1000)
        np.testing.assert_array_equal(total, expected["sum"])
        np.testing.assert_array_equal(diff, expected["diff"])
        # The response still describes the outputs, without their data.
        described = result.get_output("sum")
        shape = described["shape"] if protocol == "http" else list(described.shape)
        assert [int(d) for d in shape] == [1, 3]


def test_mixed_shared_memory_and_inline_inputs(shm_server, models_dir, protocol):
    client, module = make_client(shm_server, protocol), module_for(protocol)
    a = np.array([[1, 2, 3]], np.float32)
    b = np.array([[10, 20, 30]], np.float32)
    with Region(client, 12) as inputs:
        shm.set_shared_memory_region(inputs.handle, [b])
        first = module.InferInput("input1", [1, 3], "FP32")
        first.set_data_from_numpy(a)
        result = client.infer("add_two", [first, shm_input(module, "input2", b, inputs, 0)])
        np.testing.assert_array_equal(result.as_numpy("sum"), a + b)
        np.testing.assert_array_equal(result.as_numpy("diff"), a - b)


def test_resnet_sized_tensor_round_trip(shm_server, models_dir, protocol):
    client, module = make_client(shm_server, protocol), module_for(protocol)
    x = np.random.default_rng(3).standard_normal((1, 150528)).astype(np.float32)
    with Region(client, x.nbytes) as inputs, Region(client, x.nbytes) as outputs:
        shm.set_shared_memory_region(inputs.handle, [x])
        client.infer("dynamic", [shm_input(module, "x", x, inputs, 0)],
                     outputs=[shm_output(module, "y", outputs, x.nbytes, 0)])
        expected = ov_reference(models_dir / "dynamic" / "1", {"x": x}, F32)["y"]
        np.testing.assert_array_equal(
            shm.get_contents_as_numpy(outputs.handle, np.float32, [1, 150528]), expected)


def test_bytes_tensors_in_shared_memory(shm_server, protocol):
    client, module = make_client(shm_server, protocol), module_for(protocol)
    text = np.array([b"ab", b"", b"shared memory"], dtype=object)
    serialized = np.array([len(t).to_bytes(4, "little") + t for t in text], dtype=object)
    payload = b"".join(serialized)
    with Region(client, 256) as region:
        shm.set_shared_memory_region(region.handle, [np.frombuffer(payload, np.uint8)])
        tensor = module.InferInput("text_in", [3], "BYTES")
        tensor.set_shared_memory(region.name, len(payload), 0)
        result = client.infer("strings", [tensor],
                              outputs=[shm_output(module, "text_out", region, 128, 128)])
        shape = result.get_output("text_out")["shape"] if protocol == "http" else \
            list(result.get_output("text_out").shape)
        assert [int(d) for d in shape] == [6]  # the model concatenates text_in with itself
        out = shm.get_contents_as_numpy(region.handle, np.object_, [6], 128)
        assert list(out) == list(text) * 2


def test_status_register_and_unregister(shm_server, protocol):
    client = make_client(shm_server, protocol)
    with Region(client, 4096) as region:
        if protocol == "http":
            status = client.get_system_shared_memory_status(region.name)
            assert status == [{"name": region.name, "key": region.key, "offset": 0,
                               "byte_size": 4096}]
            assert region.name in [r["name"] for r in client.get_system_shared_memory_status()]
        else:
            status = client.get_system_shared_memory_status(region.name, as_json=True)
            assert status["regions"][region.name]["key"] == region.key
            assert status["regions"][region.name]["byte_size"] == "4096"
        with pytest.raises(InferenceServerException, match="already in manager"):
            client.register_system_shared_memory(region.name, region.key, 16)
    with pytest.raises(InferenceServerException, match="Unable to find"):
        client.get_system_shared_memory_status(region.name)
    client.unregister_system_shared_memory("never_registered")  # fine, as Triton
    client.unregister_system_shared_memory()  # all


def registration_error(client, name, key, byte_size, offset=0):
    with pytest.raises(InferenceServerException) as caught:
        client.register_system_shared_memory(name, key, byte_size, offset)
    return caught.value


def test_registration_cannot_reach_outside_the_object(shm_server, protocol):
    client = make_client(shm_server, protocol)
    with Region(client, 4096, register=False) as region:
        for byte_size, offset in [(4097, 0), (1, 4096), (4096, 1), (2, 2**63 - 1)]:
            error = registration_error(client, region.name, region.key, byte_size, offset)
            assert "outside the object's 4096 bytes" in error.message(), error.message()
        for key in ["/mserve_no_such_object", "/", "/..", "/../dev/zero", ""]:
            error = registration_error(client, region.name, key, 16)
            assert "Failed to register" in error.message(), (key, error.message())
        assert region.name not in str(client.get_system_shared_memory_status())


def infer_error(client, module, inputs, outputs=None, model="add_two"):
    with pytest.raises(InferenceServerException) as caught:
        client.infer(model, inputs, outputs=outputs)
    return caught.value.message()


def test_tensors_cannot_reach_outside_the_region(shm_server, protocol):
    client, module = make_client(shm_server, protocol), module_for(protocol)
    a = np.ones((1, 3), np.float32)
    inline = module.InferInput("input2", [1, 3], "FP32")
    inline.set_data_from_numpy(a)
    with Region(client, 16) as region:
        for offset, size in [(8, 12), (16, 12), (2**62, 12)]:
            tensor = module.InferInput("input1", [1, 3], "FP32")
            tensor.set_shared_memory(region.name, size, offset)
            message = infer_error(client, module, [tensor, inline])
            assert "is outside region" in message, message
        # A size that does not match the tensor is refused, never read past.
        tensor = module.InferInput("input1", [1, 3], "FP32")
        tensor.set_shared_memory(region.name, 8, 0)
        assert "Invalid content size" in infer_error(client, module, [tensor, inline])
        tensor.set_shared_memory("no_such_region", 12, 0)
        assert "Unable to find" in infer_error(client, module, [tensor, inline])
        # An output slot too small for the result: nothing is written past it.
        shm.set_shared_memory_region(region.handle, [np.full(4, 7, np.float32)])
        message = infer_error(client, module, [shm_input(module, "input1", a, region, 0), inline],
                              outputs=[shm_output(module, "sum", region, 8, 8)])
        assert "should be at least 12 bytes" in message, message
        untouched = shm.get_contents_as_numpy(region.handle, np.float32, [4])
        assert list(untouched) == [7, 7, 7, 7]


def test_an_object_shrunk_after_registration_is_an_error_not_a_crash(shm_server, protocol):
    """A client that ftruncates its object after registering it would make the server's next
    read or write of the lost pages die with SIGBUS: the server refuses the region instead."""
    client, module = make_client(shm_server, protocol), module_for(protocol)
    a = np.array([[1, 2, 3]], np.float32)
    inline = module.InferInput("input2", [1, 3], "FP32")
    inline.set_data_from_numpy(a)
    with Region(client, 3 * 4096) as region:
        shm.set_shared_memory_region(region.handle, [a], offset=8192)
        tensor = shm_input(module, "input1", a, region, 8192)
        result = client.infer("add_two", [tensor, inline])
        np.testing.assert_array_equal(result.as_numpy("sum"), a + a)
        with open(Path("/dev/shm") / region.key.lstrip("/"), "r+b") as object_file:
            object_file.truncate(4096)
        message = infer_error(client, module, [tensor, inline])
        assert "shrunk to 4096 bytes" in message, message
        first = module.InferInput("input1", [1, 3], "FP32").set_data_from_numpy(a)
        message = infer_error(client, module, [first, inline],
                              outputs=[shm_output(module, "sum", region, 12, 8192)])
        assert "shrunk to 4096 bytes" in message, message
        assert client.is_server_live()
        result = client.infer("add_two", [first, inline])
        np.testing.assert_array_equal(result.as_numpy("diff"), a - a)


def test_rest_input_with_two_data_sources_is_refused(shm_server):
    body = {"inputs": [{"name": "input1", "shape": [1, 3], "datatype": "FP32",
                        "data": [1, 2, 3],
                        "parameters": {"shared_memory_region": "r", "shared_memory_byte_size": 12}},
                       {"name": "input2", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}
    response = requests.post(f"http://{shm_server.rest_url}/v2/models/add_two/infer", json=body)
    assert response.status_code == 400
    assert "Input must set only one of the following fields" in response.json()["error"]
    body["inputs"][0].pop("data")
    body["inputs"][0]["parameters"] = {"shared_memory_offset": 0}
    response = requests.post(f"http://{shm_server.rest_url}/v2/models/add_two/infer", json=body)
    assert response.status_code == 400
    assert "can not be specified without 'shared_memory_region'" in response.json()["error"]


def test_grpc_parameter_types_are_checked(shm_server):
    stub = shm_server.stub()
    request = service_pb2.ModelInferRequest(model_name="add_two")
    for name in ("input1", "input2"):
        tensor = request.inputs.add(name=name, datatype="FP32", shape=[1, 3])
        tensor.parameters["shared_memory_region"].int64_param = 5
        tensor.parameters["shared_memory_byte_size"].int64_param = 12
    error = grpc_error(stub.ModelInfer, request)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "expected string_param" in error.details()


def test_cuda_cleanup_calls_are_quiet(shm_server):
    base = f"http://{shm_server.rest_url}/v2/cudasharedmemory"
    assert requests.post(f"{base}/unregister").status_code == 200
    assert requests.get(f"{base}/status").json() == []
    assert requests.post(f"{base}/region/x/register", json={}).status_code == 501
    client = grpcclient.InferenceServerClient(shm_server.grpc_url)
    client.unregister_cuda_shared_memory()


def test_disabled_by_default_with_an_error_naming_the_flag(dummy_server, protocol):
    client = make_client(dummy_server, protocol)
    with Region(client, 64, register=False) as region:
        with pytest.raises(InferenceServerException) as caught:
            client.register_system_shared_memory(region.name, region.key, 64)
        assert "--allow_system_shared_memory" in caught.value.message()
        if protocol == "grpc":
            assert caught.value.status() == "StatusCode.UNIMPLEMENTED"
        module = module_for(protocol)
        tensor = module.InferInput("b", [1, 10], "FP32")
        tensor.set_shared_memory(region.name, 40, 0)
        with pytest.raises(InferenceServerException, match="--allow_system_shared_memory"):
            client.infer("dummy", [tensor])
    response = requests.post(f"http://{dummy_server.rest_url}/v2/systemsharedmemory/unregister")
    assert response.status_code == 501
    assert requests.get(f"http://{dummy_server.rest_url}/v2/systemsharedmemory/status").json() == []
    metadata = requests.get(f"http://{dummy_server.rest_url}/v2").json()
    assert "system_shared_memory" in metadata["extensions"]


def test_regions_are_unregistered_on_shutdown(models_dir, log_dir):
    args = ["--model_name", "dummy", "--model_path", models_dir / "dummy",
            "--allow_system_shared_memory"]
    with running_server(args, log_dir) as server:
        client = httpclient.InferenceServerClient(server.rest_url)
        handle = shm.create_shared_memory_region("shutdown_test", "/mserve_e2e_shutdown", 64)
        client.register_system_shared_memory("shutdown_test", "/mserve_e2e_shutdown", 64)
    shm.destroy_shared_memory_region(handle)
    assert "Unregistered 1 system shared memory regions" in server.log


def perf_analyzer_binary():
    """perf_analyzer as scripts/setup installs it beside the virtualenv's Python, else the one
    test_kfs_rest finds; None when neither runs here."""
    beside = Path(sys.executable).parent / "perf_analyzer"
    if beside.exists():
        return str(beside)
    from test_kfs_rest import perf_analyzer
    return perf_analyzer()


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_perf_analyzer_with_system_shared_memory(shm_server, protocol):
    binary = perf_analyzer_binary()
    if binary is None:
        pytest.skip("perf_analyzer is not installed (scripts/setup provides it)")
    port = shm_server.rest_port if protocol == "http" else shm_server.port
    result = subprocess.run(
        [binary, "-m", "dynamic", "-u", f"127.0.0.1:{port}", "-i", protocol,
         "--shape", "x:1,1000", "--shared-memory", "system", "--output-shared-memory-size", "8000",
         "--measurement-interval", "1000", "--concurrency-range", "1",
         # Correctness, not speed, is checked here: any three windows count as stable (a shared
         # CI machine's latency varies more than the default 10 %).
         "--stability-percentage", "1000", "--max-trials", "5"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Throughput:" in result.stdout
    # perf_analyzer unregistered what it registered on exit.
    assert requests.get(f"http://{shm_server.rest_url}/v2/systemsharedmemory/status").json() == []

"""Binary image inputs (REFERENCE.md §7) over TF Serving gRPC (string_val) and KServe gRPC (BYTES
in raw contents): JPEG, PNG and BMP, gray, color and alpha, at the model's size and resized,
single and batched. Each result equals OpenVINO's on the array OpenCV decodes (and converts,
then resizes) in the test; every bad image is a 400-class INVALID_ARGUMENT."""
import json
import struct
import subprocess
import threading
import time

import cv2
import grpc
import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
from ovmsclient.tfs_compat.grpc.tensors import make_ndarray
from ovmsclient.tfs_compat.protos.tensorflow.core.framework import tensor_pb2, types_pb2
from ovmsclient.tfs_compat.protos.tensorflow_serving.apis import (predict_pb2,
                                                                  prediction_service_pb2_grpc)

from conftest import (BINARY, F32, GRPC_MAX_MESSAGE, free_port, grpc_error, model_args,
                      ov_reference, running_server)

INVALID = grpc.StatusCode.INVALID_ARGUMENT


# ---------------------------------------------------------------------------------------------
# Servers: the generated image models, plus image_nhwc with a dynamic batch


def image_server(models_dir, log_dir, model, extra=()):
    with running_server(model_args(model, models_dir, F32, extra), log_dir) as server:
        yield server


@pytest.fixture(scope="module")
def nhwc_server(models_dir, log_dir):
    yield from image_server(models_dir, log_dir, "image_nhwc")


@pytest.fixture(scope="module")
def batch_server(models_dir, log_dir):
    yield from image_server(models_dir, log_dir, "image_nhwc", ["--shape", "(-1,32,32,3)"])


@pytest.fixture(scope="module")
def dynamic_image_server(models_dir, log_dir):
    yield from image_server(models_dir, log_dir, "image_dynamic")


@pytest.fixture(scope="module")
def range_server(models_dir, log_dir):
    yield from image_server(models_dir, log_dir, "image_range")


@pytest.fixture(scope="module")
def nchw_server(models_dir, log_dir):
    yield from image_server(models_dir, log_dir, "image_nchw", ["--layout", "NHWC:NCHW"])


@pytest.fixture(scope="module")
def nchw_declared_server(models_dir, log_dir):
    yield from image_server(models_dir, log_dir, "image_nchw", ["--layout", "NCHW"])


@pytest.fixture(scope="module")
def small_limit_server(models_dir, log_dir):
    yield from image_server(models_dir, log_dir, "image_dynamic", ["--max_image_pixels", "1000"])


# ---------------------------------------------------------------------------------------------
# Images, references and the two ways of sending them


def pattern(height, width, channels, seed=0):
    """Smooth gradients plus noise: survives JPEG and shows any misplaced pixel."""
    rng = np.random.default_rng(seed + height * 1000 + width * 10 + channels)
    y, x = np.mgrid[0:height, 0:width]
    planes = [(x * (7 + 5 * c) + y * (3 + 11 * c) + 40 * c) % 256 for c in range(channels)]
    image = np.stack(planes, axis=-1).astype(np.int32) + rng.integers(-8, 9, (height, width, 1))
    image = np.clip(image, 0, 255).astype(np.uint8)
    return image[:, :, 0] if channels == 1 else image


def encode(image, extension, params=()):
    ok, data = cv2.imencode(extension, image, list(params))
    assert ok
    return data.tobytes()


def decoded_for(data, height, width, dtype=np.float32):
    """What the server feeds the model: OpenCV decode (BGR, channels kept), conversion without
    scaling, then bilinear resize when the size differs (OVMS's order)."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if image.ndim == 2:
        image = image[:, :, None]
    image = image.astype(dtype)
    if image.shape[:2] != (height, width):
        channels = image.shape[2]
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)
        image = image.reshape(height, width, channels)
    return image


def reference(models_dir, model, batch):
    return ov_reference(models_dir / model / "1", {"image": batch}, F32)


def tfs_predict(server, model, images, input_name="image"):
    """TF Serving Predict with the images in string_val; name -> ndarray."""
    proto = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=images)
    proto.tensor_shape.dim.add(size=len(images))
    request = predict_pb2.PredictRequest()
    request.model_spec.name = model
    request.inputs[input_name].CopyFrom(proto)
    options = [("grpc.max_send_message_length", GRPC_MAX_MESSAGE),
               ("grpc.max_receive_message_length", GRPC_MAX_MESSAGE)]
    with grpc.insecure_channel(server.grpc_url, options=options) as channel:
        stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
        response = stub.Predict(request)
    return {name: make_ndarray(value) for name, value in response.outputs.items()}


def kfs_infer(server, model, images, input_name="image"):
    """KServe ModelInfer with the images as one BYTES input [N] (raw contents, tritonclient)."""
    infer_input = grpcclient.InferInput(input_name, [len(images)], "BYTES")
    infer_input.set_data_from_numpy(np.array(images, dtype=np.object_))
    result = server.client().infer(model, [infer_input])
    return {output.name: result.as_numpy(output.name) for output in result.get_response().outputs}


SENDERS = {"tfs": tfs_predict, "kfs": kfs_infer}


def assert_matches(outputs, expected_copy, expected):
    np.testing.assert_allclose(outputs["copy"], expected_copy, atol=1e-3)
    for name, value in expected.items():
        assert outputs[name].shape == value.shape, name
        np.testing.assert_allclose(outputs[name], value, rtol=1e-4, atol=1e-4, err_msg=name)


# ---------------------------------------------------------------------------------------------
# Results


@pytest.mark.parametrize("api", SENDERS)
@pytest.mark.parametrize("extension, size", [
    (".jpg", (32, 32)), (".png", (32, 32)), (".bmp", (32, 32)),  # model resolution
    (".jpg", (60, 45)), (".png", (20, 17)),                        # resized
])
def test_color_image(nhwc_server, models_dir, api, extension, size):
    data = encode(pattern(*size, 3), extension)
    batch = decoded_for(data, 32, 32)[None]
    outputs = SENDERS[api](nhwc_server, "image_nhwc", [data])
    assert outputs["copy"].shape == (1, 32, 32, 3)
    assert_matches(outputs, batch, reference(models_dir, "image_nhwc", batch))


def test_progressive_jpeg(nhwc_server, models_dir):
    data = encode(pattern(40, 40, 3), ".jpg", [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    batch = decoded_for(data, 32, 32)[None]
    assert_matches(tfs_predict(nhwc_server, "image_nhwc", [data]), batch,
                   reference(models_dir, "image_nhwc", batch))


@pytest.mark.parametrize("api", SENDERS)
def test_batch_of_differently_sized_images(batch_server, models_dir, api):
    images = [encode(pattern(32, 32, 3), ".png"), encode(pattern(64, 48, 3, seed=1), ".jpg"),
              encode(pattern(16, 20, 3, seed=2), ".png")]
    batch = np.stack([decoded_for(data, 32, 32) for data in images])
    outputs = SENDERS[api](batch_server, "image_nhwc", images)
    assert outputs["copy"].shape == (3, 32, 32, 3)
    # The generated model has batch 1 (the server reshaped it): one reference per image.
    per_image = [reference(models_dir, "image_nhwc", batch[i:i + 1]) for i in range(3)]
    expected = {name: np.concatenate([r[name] for r in per_image]) for name in per_image[0]}
    assert_matches(outputs, batch, expected)


@pytest.mark.parametrize("api", SENDERS)
@pytest.mark.parametrize("channels", [1, 3, 4], ids=["gray", "color", "alpha"])
def test_dynamic_model_takes_the_image_as_it_is(dynamic_image_server, models_dir, api, channels):
    images = [encode(pattern(9, 13, channels, seed=s), ".png") for s in range(2)]
    batch = np.stack([decoded_for(data, 9, 13) for data in images])
    outputs = SENDERS[api](dynamic_image_server, "image_dynamic", images)
    assert outputs["copy"].shape == (2, 9, 13, channels)
    np.testing.assert_array_equal(outputs["copy"], batch)
    assert_matches(outputs, batch, reference(models_dir, "image_dynamic", batch))


@pytest.mark.parametrize("size, expected", [((8, 8), (16, 16)), ((100, 10), (64, 16)),
                                            ((20, 30), (20, 30))])
def test_bounded_dims_clamp_the_size(range_server, models_dir, size, expected):
    data = encode(pattern(*size, 3), ".png")
    batch = decoded_for(data, *expected, dtype=np.uint8)[None]
    outputs = kfs_infer(range_server, "image_range", [data])
    assert outputs["copy"].dtype == np.uint8
    np.testing.assert_array_equal(outputs["copy"], batch)
    assert_matches(outputs, batch, reference(models_dir, "image_range", batch))


def test_u8_model_at_its_size_is_exact(range_server):
    image = pattern(24, 40, 3)
    outputs = tfs_predict(range_server, "image_range", [encode(image, ".png")])
    np.testing.assert_array_equal(outputs["copy"][0], image)


# ---------------------------------------------------------------------------------------------
# Bad images: 400-class INVALID_ARGUMENT (OVMS: 500 / UNKNOWN), and the server carries on


def png_header_only(width, height):
    """A PNG that declares width × height pixels and holds none (a decode bomb's header)."""
    def chunk(kind, payload):
        return len(payload).to_bytes(4, "big") + kind + payload + b"\0\0\0\0"
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def bad_cases():
    jpeg = encode(pattern(32, 32, 3), ".jpg")
    png = encode(pattern(32, 32, 3), ".png")
    return {
        "undecodable": ([b"definitely not an image"], "Image parsing failed"),
        "truncated_jpeg": ([jpeg[:len(jpeg) // 2]], "Image parsing failed"),
        "truncated_png": ([png[:-30]], "Image parsing failed"),
        "empty": ([b""], "String val is empty"),
        "gray_into_color": ([encode(pattern(32, 32, 1), ".png")],
                            "Invalid number of channels in binary input"),
        "alpha_into_color": ([encode(pattern(32, 32, 4), ".png")],
                             "Invalid number of channels in binary input"),
        "too_many_images": ([png, png], "Invalid input batch size"),
        "decode_bomb": ([png_header_only(65535, 65535)], "Image parsing failed"),
    }


@pytest.mark.parametrize("api", SENDERS)
@pytest.mark.parametrize("case", list(bad_cases()))
def test_bad_images_are_client_errors(nhwc_server, api, case):
    images, text = bad_cases()[case]
    if api == "tfs":
        error = grpc_error(tfs_predict, nhwc_server, "image_nhwc", images)
        details = error.details()
        assert error.code() == INVALID, details
    else:
        with pytest.raises(grpcclient.InferenceServerException) as caught:
            kfs_infer(nhwc_server, "image_nhwc", images)
        assert caught.value.status() == "StatusCode.INVALID_ARGUMENT", caught.value
        details = caught.value.message()
    assert details.startswith(text), details
    if case == "decode_bomb":
        assert "65535x65535" in details and "--max_image_pixels" in details
    good = encode(pattern(32, 32, 3), ".png")
    assert tfs_predict(nhwc_server, "image_nhwc", [good])["copy"].shape == (1, 32, 32, 3)


@pytest.mark.parametrize("api", SENDERS)
def test_mismatched_resolutions_on_a_dynamic_model(dynamic_image_server, api):
    images = [encode(pattern(9, 13, 3), ".png"), encode(pattern(13, 9, 3), ".png")]
    if api == "tfs":
        error = grpc_error(tfs_predict, dynamic_image_server, "image_dynamic", images)
        code, details = error.code(), error.details()
    else:
        with pytest.raises(grpcclient.InferenceServerException) as caught:
            kfs_infer(dynamic_image_server, "image_dynamic", images)
        code, details = INVALID, caught.value.message()
        assert caught.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert code == INVALID
    assert details.startswith(
        "Binary input images for this endpoint are required to have the same resolution"), details


def test_max_image_pixels_flag(small_limit_server):
    small = encode(pattern(20, 40, 3), ".png")  # 800 pixels
    assert tfs_predict(small_limit_server, "image_dynamic", [small])["copy"].shape == (1, 20, 40, 3)
    error = grpc_error(tfs_predict, small_limit_server, "image_dynamic",
                       [encode(pattern(40, 40, 3), ".png")])
    assert error.code() == INVALID
    assert "exceeds the limit of 1000 pixels" in error.details(), error.details()


# ---------------------------------------------------------------------------------------------
# --layout: NHWC:NCHW lets an NCHW model take images (OpenVINO adds the transpose); a model
# declared NCHW refuses them


@pytest.mark.parametrize("api", SENDERS)
def test_layout_nhwc_to_nchw_takes_images(nchw_server, models_dir, api):
    data = encode(pattern(40, 50, 3), ".jpg")
    batch = decoded_for(data, 32, 32)[None]
    outputs = SENDERS[api](nchw_server, "image_nchw", [data])
    nchw = np.ascontiguousarray(batch.transpose(0, 3, 1, 2))
    assert outputs["copy"].shape == (1, 3, 32, 32)
    assert_matches(outputs, nchw, reference(models_dir, "image_nchw", nchw))


def test_layout_changes_the_input_clients_see(nchw_server):
    metadata = nchw_server.client().get_model_metadata("image_nchw")
    assert [(i.name, list(i.shape)) for i in metadata.inputs] == [("image", [1, 32, 32, 3])]
    x = np.random.default_rng(3).uniform(0, 255, (1, 32, 32, 3)).astype(np.float32)
    infer_input = grpcclient.InferInput("image", [1, 32, 32, 3], "FP32")
    infer_input.set_data_from_numpy(x)
    copy = nchw_server.client().infer("image_nchw", [infer_input]).as_numpy("copy")
    np.testing.assert_array_equal(copy, x.transpose(0, 3, 1, 2))


@pytest.mark.parametrize("api", SENDERS)
def test_declared_nchw_refuses_images(nchw_declared_server, api):
    images = [encode(pattern(32, 32, 3), ".png")]
    if api == "tfs":
        error = grpc_error(tfs_predict, nchw_declared_server, "image_nchw", images)
        code, details = error.code(), error.details()
    else:
        with pytest.raises(grpcclient.InferenceServerException) as caught:
            kfs_infer(nchw_declared_server, "image_nchw", images)
        code = INVALID if caught.value.status() == "StatusCode.INVALID_ARGUMENT" else None
        details = caught.value.message()
    assert code == INVALID
    assert details.startswith("Received binary image input but resource not configured to "
                              "accept NHWC layout"), details


@pytest.mark.parametrize("layout", ["nhwc", "NHWC:NCH", '{"nope": "NHWC:NCHW"}'])
def test_bad_layout_stops_the_start(models_dir, layout):
    result = subprocess.run([str(BINARY), "--model_name", "image_nchw", "--model_path",
                             str(models_dir / "image_nchw"), "--port", str(free_port()),
                             "--layout", layout],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Model config is invalid" in result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------
# Decoding runs off the network threads: a slow image does not stall health checks

HEALTH_BOUND_S = 0.5
SLOW_IMAGE_SIDE = 8000  # a 16-bit PNG of zeros: 1.7 MB on the wire, 384 MB to inflate (> 1 s)


@pytest.fixture(scope="module")
def slow_png():
    image = np.zeros((SLOW_IMAGE_SIDE, SLOW_IMAGE_SIDE, 3), np.uint16)
    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    assert ok
    return data.tobytes()


@pytest.fixture(scope="module")
def two_worker_server(models_dir, log_dir):
    yield from image_server(models_dir, log_dir, "image_nhwc", ["--rest_workers", "2"])


def rest_image_request(server, image):
    header = json.dumps({"inputs": [{"name": "image", "shape": [1], "datatype": "BYTES",
                                     "parameters": {"binary_data_size": 4 + len(image)}}],
                         "parameters": {"binary_data_output": True}}).encode()
    started = time.monotonic()
    response = requests.post(f"http://{server.rest_url}/v2/models/image_nhwc/infer",
                             data=header + struct.pack("<I", len(image)) + image,
                             headers={"Inference-Header-Content-Length": str(len(header))},
                             timeout=120)
    return response.status_code, time.monotonic() - started


def test_health_stays_fast_while_images_decode(two_worker_server, slow_png):
    """Two clients keep both REST workers' worth of large PNGs in flight; meanwhile health
    checks must keep answering fast. Before decoding left the event loop, each waited for a
    whole decode (over a second here)."""
    server = two_worker_server
    rest_image_request(server, slow_png)  # warm-up: first inference, allocations
    image_times = []
    stop = threading.Event()

    def client():
        while not stop.is_set():
            status, elapsed = rest_image_request(server, slow_png)
            assert status == 200
            image_times.append(elapsed)

    clients = [threading.Thread(target=client) for _ in range(2)]
    for thread in clients:
        thread.start()
    health = []
    try:
        time.sleep(0.2)  # both image requests are decoding now
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            started = time.monotonic()
            assert requests.get(f"http://{server.rest_url}/v2/health/ready", timeout=30).status_code == 200
            health.append(time.monotonic() - started)
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in clients:
            thread.join()
    # The images really were slower than the health bound, or this test would prove nothing
    # (each decode took 1-2 s here: twice the bound was too close on an idle machine).
    assert image_times and min(image_times) > HEALTH_BOUND_S, image_times
    assert max(health) < HEALTH_BOUND_S, (max(health), image_times)

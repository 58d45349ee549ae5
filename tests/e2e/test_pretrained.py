"""Real pretrained models (tools/pretrained_models.py: PaddleOCR's NCHW models from a PyPI
wheel) taking JPEGs: `layout` together with `shape`, where the shape is in the layout clients
send (OVMS's order: layout first, then reshape), in single-model mode and config.json, with
named and unnamed shapes; and the text recogniser reading a text the test draws."""
import json
import subprocess
import sys

import numpy as np
import pytest

from config_repo import ModelRepo
from conftest import F32, REPO, model_args, ov_reference, running_server
from test_images import SENDERS, decoded_for

sys.path.insert(0, str(REPO / "tools"))
from sample_request import jpeg, text_image  # noqa: E402  (the demo's own drawing)

LAYOUT = ["--layout", "NHWC:NCHW"]
# The classifier's own input size (its config: [3, 48, 192]), in the client's NHWC layout.
DIRECTION_SHAPE = "(1,48,192,3)"


def check_direction_server(server, models_dir, api):
    metadata = server.client().get_model_metadata("ocr_direction")
    assert [(i.name, list(i.shape)) for i in metadata.inputs] == [("x", [1, 48, 192, 3])]
    upright = text_image("Layout 42", 60, 260)  # resized by the server to 192x48
    for image, label in ((upright, 0), (np.ascontiguousarray(upright[::-1, ::-1]), 1)):
        data = jpeg(image)
        (answer,) = SENDERS[api](server, "ocr_direction", [data], "x").values()
        nchw = np.ascontiguousarray(decoded_for(data, 48, 192)[None].transpose(0, 3, 1, 2))
        (reference,) = ov_reference(models_dir / "ocr_direction" / "1", {"x": nchw}, F32).values()
        assert answer.shape == (1, 2)
        np.testing.assert_allclose(answer, reference, rtol=1e-4, atol=1e-5)
        assert answer[0, label] > 0.9, answer  # 0 degrees, then 180 degrees


SHAPES = {"unnamed": DIRECTION_SHAPE, "named": json.dumps({"x": DIRECTION_SHAPE})}


@pytest.mark.parametrize("shape", SHAPES)
def test_layout_with_shape_in_single_model_mode(models_dir, log_dir, shape):
    args = model_args("ocr_direction", models_dir, F32, LAYOUT + ["--shape", SHAPES[shape]])
    with running_server(args, log_dir) as server:
        for api in SENDERS:
            check_direction_server(server, models_dir, api)


@pytest.mark.parametrize("shape", SHAPES)
def test_layout_with_shape_in_config_json(tmp_path, models_dir, log_dir, shape):
    repo = ModelRepo(tmp_path / "repo", models_dir)
    repo.add_version("ocr_direction", 1, source="ocr_direction")
    shape_value = DIRECTION_SHAPE if shape == "unnamed" else {"x": DIRECTION_SHAPE}
    repo.write_config([{"name": "ocr_direction", "base_path": "ocr_direction",
                        "layout": "NHWC:NCHW", "shape": shape_value}])
    with running_server(["--config_path", repo.root], log_dir) as server:
        for api in SENDERS:
            check_direction_server(server, models_dir, api)


def test_demo_request_reads_the_text_it_drew(models_dir, log_dir):
    args = model_args("ocr_text", models_dir, F32, LAYOUT + ["--shape", "(1,48,320,3)"])
    with running_server(args, log_dir) as server:
        for text in ("mserve 2026", "Drop-in 2026"):
            result = subprocess.run(
                [sys.executable, str(REPO / "tools" / "sample_request.py"), "--url",
                 server.grpc_url, "--labels", str(models_dir / "ocr_text" / "labels.txt"),
                 "--text", text], capture_output=True, text=True, timeout=60)
            assert result.returncode == 0, result.stdout + result.stderr
            assert f"read:  {text!r}" in result.stdout, result.stdout

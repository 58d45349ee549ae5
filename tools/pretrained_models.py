"""Real pretrained models for the demo and the layout tests, taken out of a PyPI wheel.

The wheel of rapidocr-onnxruntime ships PaddleOCR's models as ONNX files. Only the files are
used: the wheel is downloaded with `pip download --no-deps` (a pinned version, checked against
its SHA-256), opened as a zip archive, and neither the package nor its runtime is installed.

  ocr_direction  IR  PP-OCR text direction classifier: x f32 [?,3,?,?] NCHW, BGR 0..255 ->
                     [?,2] probabilities of the labels in labels.txt (0 and 180 degrees)
  ocr_text       IR  PP-OCRv4 text recogniser: x f32 [?,3,?,?] NCHW, BGR 0..255 -> [?,T,6625]
                     per-column character probabilities (CTC); the characters are in
                     labels.txt beside the version folder (index 0 is the CTC blank)

Both keep PaddleOCR's weights; their pixel scaling is built in (OpenVINO's pre-processing,
saved as IR), so they take raw pixels, e.g. a JPEG as the server decodes it.

Called by tools/make_models.py (models `ocr_direction`, `ocr_text`). The wheel is kept in
<outdir>/.wheels, so only the first run needs the network.
"""
import hashlib
import os
import subprocess
import sys
import zipfile

import onnx
import openvino as ov

WHEEL_PACKAGE = "rapidocr-onnxruntime"
WHEEL_VERSION = "1.4.4"
WHEEL_FILE = "rapidocr_onnxruntime-1.4.4-py3-none-any.whl"
WHEEL_SHA256 = "971d7d5f223a7a808662229df1ef69893809d8457d834e6373d3854bc1782cbf"
DIRECTION_MEMBER = "rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx"
TEXT_MEMBER = "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx"
DIRECTION_LABELS = ["0", "180"]  # the wheel's config.yaml, Cls.label_list


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def wheel_path(outdir):
    """The pinned wheel in <outdir>/.wheels, downloaded by pip the first time."""
    cache = os.path.join(outdir, ".wheels")
    path = os.path.join(cache, WHEEL_FILE)
    if not os.path.isfile(path) or sha256_of(path) != WHEEL_SHA256:
        os.makedirs(cache, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary=:all:", "--disable-pip-version-check", "-d", cache,
                        f"{WHEEL_PACKAGE}=={WHEEL_VERSION}"], check=True)
    found = sha256_of(path)
    if found != WHEEL_SHA256:
        raise RuntimeError(f"{path}: SHA-256 {found}, expected {WHEEL_SHA256}")
    return path


def extract(outdir, member, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with zipfile.ZipFile(wheel_path(outdir)) as wheel, wheel.open(member) as source:
        with open(target, "wb") as sink:
            sink.write(source.read())


def write_labels(model_dir, labels):
    with open(os.path.join(model_dir, "labels.txt"), "w", encoding="utf-8") as sink:
        sink.write("\n".join(labels) + "\n")


def text_characters(onnx_file):
    """PaddleOCR's CTC labels: blank, the dictionary kept in the model's metadata, space."""
    metadata = {prop.key: prop.value for prop in onnx.load(onnx_file).metadata_props}
    return ["<blank>"] + metadata["character"].splitlines() + [" "]


def write_taking_raw_pixels(onnx_file, version_dir):
    """Saves the model as IR with PaddleOCR's pixel scaling, (pixel / 255 - 0.5) / 0.5, built
    in as (pixel - 127.5) / 127.5: clients (and the server's JPEG decoding) send raw pixels."""
    preprocessor = ov.preprocess.PrePostProcessor(ov.Core().read_model(onnx_file))
    preprocessor.input().preprocess().mean(127.5).scale(127.5)
    model = preprocessor.build()
    ov.save_model(model, os.path.join(version_dir, "model.xml"), compress_to_fp16=False)
    return model


def write_ocr_direction(model_dir):
    outdir = os.path.dirname(os.path.abspath(model_dir))
    onnx_file = os.path.join(model_dir, "source.onnx")
    extract(outdir, DIRECTION_MEMBER, onnx_file)
    write_taking_raw_pixels(onnx_file, os.path.join(model_dir, "1"))
    os.remove(onnx_file)
    write_labels(model_dir, DIRECTION_LABELS)


def write_ocr_text(model_dir):
    outdir = os.path.dirname(os.path.abspath(model_dir))
    onnx_file = os.path.join(model_dir, "source.onnx")
    extract(outdir, TEXT_MEMBER, onnx_file)
    labels = text_characters(onnx_file)
    model = write_taking_raw_pixels(onnx_file, os.path.join(model_dir, "1"))
    classes = model.outputs[0].get_partial_shape()[-1]
    if classes.get_length() != len(labels):
        raise RuntimeError(f"{len(labels)} labels for {classes} classes")
    os.remove(onnx_file)
    write_labels(model_dir, labels)

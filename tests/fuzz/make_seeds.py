#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/ (run from tests/fuzz with the project venv).
Seeds are committed; rerun only to add or change one. Crash regressions are added by hand."""
import json, os, struct, sys, zlib
import numpy as np

from tritonclient.grpc import service_pb2
from ovmsclient.tfs_compat.protos.tensorflow_serving.apis import predict_pb2
from ovmsclient.tfs_compat.protos.tensorflow.core.framework import tensor_pb2, types_pb2, tensor_shape_pb2
import cv2

def put(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    if isinstance(data, str): data = data.encode()
    open(f"corpus/{target}/{name}", "wb").write(data)

# KServe JSON
put("kfs_json_request", "fp32", '{"id":"r1","inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1.5,2,-3]}],"outputs":[{"name":"x"}]}')
put("kfs_json_request", "nested_int", '{"inputs":[{"name":"i","shape":[1,2],"datatype":"INT32","data":[[1,2]]}],"parameters":{"binary_data_output":false}}')
put("kfs_json_request", "bytes", '{"inputs":[{"name":"s","shape":[2],"datatype":"BYTES","data":["ab","c\\u0000d"]}]}')
put("kfs_json_request", "types", '{"inputs":[{"name":"a","shape":[2],"datatype":"BOOL","data":[true,false]},{"name":"b","shape":[1],"datatype":"UINT64","data":[18446744073709551615]},{"name":"c","shape":[1],"datatype":"INT8","data":[-128]},{"name":"d","shape":[1],"datatype":"FP16","data":[1]}]}')
put("kfs_json_request", "bad_shape", '{"inputs":[{"name":"x","shape":[-1,99999999999],"datatype":"FP32","data":[]}]}')
put("kfs_json_request", "outputs_binary", '{"inputs":[{"name":"x","shape":[1,1],"datatype":"FP64","data":[1e308]}],"outputs":[{"name":"x","parameters":{"binary_data":true}}]}')
# binary split: header line, then body
hdr = json.dumps({"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","parameters":{"binary_data_size":8}},
                            {"name":"s","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":11}}]})
raw = struct.pack("<2f", 1, 2) + struct.pack("<I", 3) + b"abc" + struct.pack("<I", 0)
put("kfs_binary_split", "two_inputs", f"{len(hdr)}\n".encode() + hdr.encode() + raw)
hdr = json.dumps({"inputs":[{"name":"s","shape":[1],"datatype":"BYTES"}]})
put("kfs_binary_split", "bytes_rest", f"{len(hdr)}\n".encode() + hdr.encode() + struct.pack("<I", 2) + b"hi")
hdr = json.dumps({"inputs":[{"name":"x","shape":[1,1],"datatype":"FP32"}]})
put("kfs_binary_split", "implicit_size", f" {len(hdr)} \n".encode() + hdr.encode() + struct.pack("<f", 7))
put("kfs_binary_split", "bad_length", b"12abc\n{}")
# TFS REST (first byte: even = one-input model)
put("tfs_rest_request", "row_unnamed", b"\x00" + b'{"instances":[[1,2],[3,4]]}')
put("tfs_rest_request", "row_named", b"\x01" + b'{"signature_name":"serving_default","instances":[{"x":[1,2],"i":[3],"s":"a","img":{"b64":"AAEC"}}]}')
put("tfs_rest_request", "column_named", b"\x01" + b'{"inputs":{"x":[[1.5]],"i":[[1,2]],"s":["a","b"]}}')
put("tfs_rest_request", "column_unnamed", b"\x00" + b'{"inputs":[[true,false]]}')
put("tfs_rest_request", "b64", b"\x00" + b'{"instances":[{"b64":"aGVsbG8="},{"b64":"d29ybGQ="}]}')
# base64
for name, text in [("plain", "aGVsbG8gd29ybGQ="), ("pad2", "YQ=="), ("bad", "a$b="), ("empty", "")]:
    put("base64", name, text)
# KFS gRPC
r = service_pb2.ModelInferRequest(model_name="m", model_version="1", id="q")
t = r.inputs.add(name="x", datatype="FP32", shape=[1, 2])
r.raw_input_contents.append(np.array([1, 2], np.float32).tobytes())
t = r.inputs.add(name="s", datatype="BYTES", shape=[1])
r.raw_input_contents.append(struct.pack("<I", 2) + b"hi")
r.outputs.add(name="x")
put("kfs_grpc_request", "raw", r.SerializeToString())
r = service_pb2.ModelInferRequest(model_name="m")
t = r.inputs.add(name="i", datatype="INT16", shape=[2]); t.contents.int_contents.extend([1, -2])
t = r.inputs.add(name="f", datatype="FP64", shape=[1]); t.contents.fp64_contents.extend([0.5])
t = r.inputs.add(name="b", datatype="BOOL", shape=[1]); t.contents.bool_contents.extend([True])
t = r.inputs.add(name="s", datatype="BYTES", shape=[1]); t.contents.bytes_contents.extend([b"x"])
put("kfs_grpc_request", "typed", r.SerializeToString())
# TFS gRPC
p = predict_pb2.PredictRequest()
p.model_spec.name = "m"
tp = p.inputs["x"]; tp.dtype = types_pb2.DT_FLOAT
tp.tensor_shape.dim.add(size=1); tp.tensor_shape.dim.add(size=2)
tp.tensor_content = np.array([1, 2], np.float32).tobytes()
ts = p.inputs["s"]; ts.dtype = types_pb2.DT_STRING; ts.tensor_shape.dim.add(size=1); ts.string_val.append(b"abc")
p.output_filter.append("x")
put("tfs_grpc_request", "content", p.SerializeToString())
p = predict_pb2.PredictRequest(); p.model_spec.name = "m"
tp = p.inputs["i"]; tp.dtype = types_pb2.DT_INT8; tp.tensor_shape.dim.add(size=2); tp.int_val.extend([1, -1])
th = p.inputs["h"]; th.dtype = types_pb2.DT_HALF; th.tensor_shape.dim.add(size=1); th.half_val.extend([15360])
put("tfs_grpc_request", "typed", p.SerializeToString())
# config.json
put("config_json", "full", json.dumps({"model_config_list": [{"config": {"name": "a", "base_path": "a", "batch_size": "auto", "shape": {"x": "(1,3,-1,100:200)"}, "layout": "NHWC:NCHW", "model_version_policy": {"specific": {"versions": [1, 2]}}, "plugin_config": {"NUM_STREAMS": 2, "PERFORMANCE_HINT": "LATENCY"}, "nireq": 2, "target_device": "CPU"}}], "monitoring": {"metrics": {"enable": True, "metrics_list": ["ovms_requests_success"]}}}))
put("config_json", "two", json.dumps({"model_config_list": [{"config": {"name": "a", "base_path": "/m/a", "shape": "auto"}}, {"config": {"name": "b", "base_path": "b", "model_version_policy": {"latest": {"num_versions": 2}}, "layout": {"x": "NCHW"}}}]}))
put("config_json", "deep", '{"model_config_list":[{"config":{"name":"a","base_path":"a","layout":' + "[" * 50 + "]" * 50 + "}}]}")
put("config_json", "bad", '{"model_config_list": [{"config": {"name": 1}}]}')
# mapping
put("mapping_config", "both", json.dumps({"inputs": {"x": "input"}, "outputs": {"y": "output"}}))
put("mapping_config", "clash", json.dumps({"inputs": {"x": "a", "z": "a"}}))
put("mapping_config", "bad", '{"inputs": [1]}')
# param strings: first byte picks parser (0 shape, 1 batch, 2 layout, 3 checkLayout, 4 policy, 5 plugin, 6 version)
for i, (name, text) in enumerate([
        ("shape", b"\x00(1,3,-1,100:200)"), ("shape_json", b'\x00{"x":"(1,2)","y":"auto"}'),
        ("batch", b"\x011:8"), ("layout", b"\x02NHWC:NCHW"), ("layout_json", b'\x02{"x":"N...C"}'),
        ("check_layout", b"\x03N?HW"), ("policy", b'\x04{"latest":{"num_versions":3}}'),
        ("policy_all", b'\x04{"all":{}}'), ("plugin", b'\x05"NUM_STREAMS":"2","AFFINITY":"NONE","DEVICE_PROPERTIES":{"CPU":{"A":1}}}'),
        ("version", b"\x0612"), ("version_big", b"\x0699999999999999999999")]):
    put("param_strings", name, text)
# image headers
img = np.zeros((4, 4, 3), np.uint8); img[1, 2] = 200
for ext in (".png", ".jpg", ".bmp"):
    ok, data = cv2.imencode(ext, img); put("image_header", "tiny" + ext, data.tobytes())
ok, data = cv2.imencode(".png", img); put("image_header", "truncated.png", data.tobytes()[:40])
# HTTP
def http(method, target, body=b"", headers=()):
    lines = [f"{method} {target} HTTP/1.1", "Host: x"] + list(headers)
    if body: lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
kbody = json.dumps({"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[1,2]}]}).encode()
put("http_request", "kfs_infer", http("POST", "/v2/models/m/versions/1/infer", kbody))
hdr = json.dumps({"inputs":[{"name":"x","shape":[1,1],"datatype":"FP32","parameters":{"binary_data_size":4}}],"parameters":{"binary_data_output":True}}).encode()
put("http_request", "kfs_binary", http("POST", "/v2/models/m/infer", hdr + struct.pack("<f", 1), [f"Inference-Header-Content-Length: {len(hdr)}"]))
put("http_request", "pipelined", http("GET", "/v2/health/ready") + http("GET", "/v2/models/m") + http("GET", "/v2/models/m/ready") + http("GET", "/v1/models/m/metadata"))
put("http_request", "tfs_predict", http("POST", "/v1/models/m/versions/1:predict", b'{"instances":[{"x":[1,2]}]}'))
put("http_request", "chunked", b"POST /v1/models/m:predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"ins\r\n16\r\ntances\":[[1.0, 2.0]]}\r\n0\r\n\r\n")
put("http_request", "percent", http("GET", "/v2/models/%6D/versions/1/ready?x=1"))
put("http_request", "status", http("GET", "/v1/models/m/labels/l") + http("OPTIONS", "/v2") + http("DELETE", "/v2/models/m"))
gz = zlib.compressobj(wbits=31); gzbody = gz.compress(kbody) + gz.flush()
put("http_request", "gzip_body", http("POST", "/v2/models/m/infer", gzbody, ["Content-Encoding: gzip", "Accept-Encoding: deflate;q=0.5, gzip"]))
shm_reg = json.dumps({"key": "/k", "offset": 0, "byte_size": 8}).encode()
put("http_request", "shm", http("POST", "/v2/systemsharedmemory/region/r/register", shm_reg) + http("GET", "/v2/systemsharedmemory/status") + http("POST", "/v2/systemsharedmemory/unregister"))

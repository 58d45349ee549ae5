#!/usr/bin/env python3
"""Peak memory (VmHWM) that one large REST request costs the server (docs/hardening.md).

Starts build/release/mserve on the generated `dynamic` model (x f32 [-1,-1] -> y = x * 2), sends
one request of each kind below once, and prints the server's peak RSS before and after each, so
the difference is what that request cost at its worst moment. Each case gets a fresh server.

  .venv/bin/python tools/request_memory.py build/models [--mib 64] [-- extra mserve flags]

Cases (the input is a square FP32 tensor of about --mib MiB):
  binary_in_json_out  KServe binary input, outputs answered as JSON
  json_in_binary_out  KServe JSON input (the body is ~1.9x the tensor), binary output
  tfs_row_json        TF Serving row format in and out (JSON both ways)
  json_zeros          KServe JSON input of zeros ("0," = 2 bytes per value, the most values per
                      byte: the document's worst case), body of about --mib MiB, binary output
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
READY_LINE = "Started model manager thread"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def peak_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def start_server(binary, models, extra):
    port = free_port()
    args = [str(binary), "--model_name", "dynamic", "--model_path", str(Path(models) / "dynamic"),
            "--rest_port", str(port), "--port", "0", "--file_system_poll_wait_seconds", "0",
            *extra]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        if READY_LINE in line:
            return process, port
    raise RuntimeError("server did not start: " + " ".join(args))


def post(port, path, body, headers):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:200]


def cases(side):
    tensor = np.random.default_rng(7).random((side, side), dtype=np.float32)
    header = {"inputs": [{"name": "x", "shape": [side, side], "datatype": "FP32",
                          "parameters": {"binary_data_size": tensor.nbytes}}]}
    header_bytes = json.dumps(header).encode()
    yield ("binary_in_json_out", "/v2/models/dynamic/infer", header_bytes + tensor.tobytes(),
           {"Inference-Header-Content-Length": str(len(header_bytes)),
            "Content-Type": "application/octet-stream"})
    body = json.dumps({"inputs": [{"name": "x", "shape": [side, side], "datatype": "FP32",
                                   "data": tensor.ravel().tolist()}],
                       "parameters": {"binary_data_output": True}}).encode()
    yield ("json_in_binary_out", "/v2/models/dynamic/infer", body,
           {"Content-Type": "application/json"})
    body = json.dumps({"instances": tensor.tolist()}).encode()
    yield "tfs_row_json", "/v1/models/dynamic:predict", body, {"Content-Type": "application/json"}
    # Zeros, 2 bytes per value: a body of about --mib MiB holds twice the tensor's values.
    zeros = "[" + ",".join(["0"] * (2 * side * side)) + "]"
    body = json.dumps({"inputs": [{"name": "x", "shape": [side, 2 * side], "datatype": "FP32",
                                   "data": "DATA"}], "parameters": {"binary_data_output": True}})
    body = body.replace('"DATA"', zeros).encode()
    yield "json_zeros", "/v2/models/dynamic/infer", body, {"Content-Type": "application/json"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("models")
    parser.add_argument("--mib", type=float, default=64)
    parser.add_argument("--binary", default=str(REPO / "build" / "release" / "mserve"))
    parser.add_argument("--only", help="run only this case")
    parser.add_argument("extra", nargs="*", help="extra mserve flags (after --)")
    options = parser.parse_args()
    side = int((options.mib * 2**20 / 4) ** 0.5)
    print(f"input FP32 [{side},{side}] = {side * side * 4 / 2**20:.1f} MiB; "
          f"server flags: {' '.join(options.extra) or '(defaults)'}")
    print(f"{'case':20} {'body MiB':>9} {'status':>6} {'peak before':>12} {'peak after':>11} "
          f"{'added MiB':>10} {'added/body':>10}")
    for name, path, body, headers in cases(side):
        if options.only and name != options.only:
            continue
        process, port = start_server(options.binary, options.models, options.extra)
        try:
            # A small request first, so first-use allocations are not counted as the case's.
            small = json.dumps({"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32",
                                            "data": [1, 2, 3, 4]}]}).encode()
            post(port, "/v2/models/dynamic/infer", small, {"Content-Type": "application/json"})
            before = peak_rss_mib(process.pid)
            started = time.monotonic()
            status, _ = post(port, path, body, headers)
            elapsed = time.monotonic() - started
            after = peak_rss_mib(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
        body_mib = len(body) / 2**20
        print(f"{name:20} {body_mib:9.1f} {status:6} {before:12.0f} {after:11.0f} "
              f"{after - before:10.0f} {(after - before) / body_mib:10.2f}  ({elapsed:.1f} s)",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

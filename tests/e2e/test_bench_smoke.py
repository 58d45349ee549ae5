"""Smoke runs of the benchmark client (tools/bench, issue 6): about a second each against the
dummy server over every protocol, in-process through mserve's engine, and against the two
transport floors. Checks exit codes and that the JSON report is complete and consistent; the
numbers themselves are not judged here (performance is measured by tools/bench/compare.sh).

Environment: MSERVE_BENCH_DIR (default build/release) holds mserve-bench and the echo floors.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import F32, REPO

BENCH_DIR = Path(os.environ.get("MSERVE_BENCH_DIR", REPO / "build" / "release"))
BENCH = BENCH_DIR / "mserve-bench"
RUN_TIMEOUT_S = 120
SHORT = ["--warmup", "0.2", "--duration", "1", "--no_progress"]


def run_bench(*args, expect_exit=0):
    if not BENCH.is_file():
        pytest.fail(f"{BENCH} does not exist; run scripts/build first")
    command = [str(BENCH), *SHORT, *[str(arg) for arg in args]]
    result = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    assert result.returncode == expect_exit, \
        f"$ {' '.join(command)}\nexit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def bench_json(*args):
    return json.loads(run_bench("--json", "-", *args).stdout)


def check_run(run, concurrency):
    assert run["concurrency"] == concurrency
    assert run["errors"] == 0, run["first_error"]
    assert run["requests"] > 0
    assert 0.5 < run["duration_s"] < 10
    assert run["throughput_rps"] == pytest.approx(run["requests"] / run["duration_s"], rel=1e-6)
    latency = run["latency_ms"]
    assert 0 < latency["p50"] <= latency["p90"] <= latency["p95"] <= latency["p99"] <= latency["max"]
    assert latency["mean"] <= latency["max"]


def check_report(report, protocol, concurrency=(1,)):
    assert report["tool"] == "mserve-bench"
    assert report["protocol"] == protocol
    assert [run["concurrency"] for run in report["runs"]] == list(concurrency)
    for run, level in zip(report["runs"], concurrency):
        check_run(run, level)


@pytest.mark.parametrize("protocol", ["kfs-grpc", "kfs-rest-binary", "kfs-rest-json", "tfs-grpc",
                                      "tfs-rest"])
def test_server_protocols(dummy_server, protocol):
    port = dummy_server.port if protocol.endswith("grpc") else dummy_server.rest_port
    report = bench_json("--protocol", protocol, "--address", f"localhost:{port}", "-m", "dummy",
                        "-c", 2, "--server_pid", dummy_server.process.pid)
    check_report(report, protocol, (2,))
    assert report["runs"][0]["server_cpu_s_per_request"] > 0
    assert report["runs"][0]["client_cpu_s_per_request"] > 0


def test_in_process(models_dir):
    report = bench_json("--in-process", models_dir / "dummy", "--plugin_config", json.dumps(F32),
                        "-c", 2)
    check_report(report, "in-process", (2,))
    assert report["properties"]["INFERENCE_PRECISION_HINT"] == "f32"
    assert int(report["properties"]["nireq"]) >= 1
    assert report["runs"][0]["server_cpu_s_per_request"] is None


def test_in_process_reads_benchmark_app_config(models_dir, tmp_path):
    # The layout `benchmark_app -dump_config` writes: properties keyed by device.
    config = tmp_path / "benchmark_app_config.json"
    config.write_text(json.dumps({"CPU": {"NUM_STREAMS": "2", "INFERENCE_PRECISION_HINT": "f32",
                                          "PERF_COUNT": "NO"}}))
    report = bench_json("--in-process", models_dir / "dummy", "--plugin_config", config, "-c", 2)
    check_report(report, "in-process", (2,))
    assert report["properties"]["NUM_STREAMS"] == "2"


def test_sweep_writes_csv(dummy_server, tmp_path):
    csv = tmp_path / "sweep.csv"
    report = bench_json("--address", dummy_server.grpc_url, "-m", "dummy", "-c", "1,3",
                        "--csv", csv, "--label", "smoke")
    check_report(report, "kfs-grpc", (1, 3))
    lines = csv.read_text().splitlines()
    assert lines[0].startswith("label,protocol,model,concurrency,")
    assert [line.split(",")[:4] for line in lines[1:]] == [
        ["smoke", "kfs-grpc", "dummy", "1"], ["smoke", "kfs-grpc", "dummy", "3"]]


def test_open_loop_keeps_the_rate(dummy_server):
    report = bench_json("--address", dummy_server.grpc_url, "-m", "dummy", "-c", 2,
                        "--rate", 100)
    run = report["runs"][0]
    check_run(run, 2)
    assert run["rate"] == 100
    assert 50 < run["throughput_rps"] < 150


def test_request_count_mode(dummy_server):
    report = bench_json("--address", dummy_server.grpc_url, "-m", "dummy", "-n", 50)
    assert report["runs"][0]["requests"] == 50


def test_errors_give_exit_3(dummy_server):
    # A shape the model refuses: every request fails, the run reports it and exits 3.
    result = run_bench("--address", dummy_server.grpc_url, "-m", "dummy", "--shape", "b=1,11",
                       "--json", "-", expect_exit=3)
    run = json.loads(result.stdout)["runs"][0]
    assert run["requests"] == 0 and run["errors"] > 0
    assert "INVALID_ARGUMENT" in run["first_error"] or "gRPC 3" in run["first_error"]
    # Failures have their own latencies (how fast a rejection came back).
    assert run["error_latency_ms"]["p99"] > 0 and run["latency_ms"]["p99"] == 0


def test_usage_errors_exit_64():
    run_bench("--protocol", "carrier-pigeon", "-m", "dummy", expect_exit=64)
    run_bench("-c", 2, expect_exit=64)  # neither --model nor --in-process


@pytest.mark.parametrize("floor, protocol", [("mserve-bench-grpc-echo", "kfs-grpc"),
                                             ("mserve-bench-http-echo", "kfs-rest-binary")])
def test_transport_floors(floor, protocol):
    process = subprocess.Popen([str(BENCH_DIR / floor), "0"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(re.match(r"listening on (\d+)", process.stdout.readline()).group(1))
        report = bench_json("--protocol", protocol, "--address", f"localhost:{port}",
                            "-m", "dummy", "-c", 2, "--server_pid", process.pid)
        check_report(report, protocol, (2,))
        assert report["runs"][0]["server_cpu_s_per_request"] >= 0
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


# A KServe REST server that sends each response's headers and body in two writes with a pause
# between them, as uvicorn-based servers may: a benchmark client must read any server's answers.
SPLIT_SERVER = r'''
import json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

METADATA = {"name": "dummy", "versions": ["1"], "platform": "split",
            "inputs": [{"name": "b", "datatype": "FP32", "shape": [1, 10]}],
            "outputs": [{"name": "a", "datatype": "FP32", "shape": [1, 10]}]}
ANSWER = {"model_name": "dummy", "outputs": [{"name": "a", "datatype": "FP32", "shape": [1, 10],
                                              "data": [1.0] * 10}]}

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()  # the first write: status line and headers
        time.sleep(0.002)
        self.wfile.write(data)  # the second write: the body

    def do_GET(self):
        self.answer(METADATA)

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.answer(ANSWER)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on {server.server_address[1]}", flush=True)
server.serve_forever()
'''


@pytest.mark.parametrize("protocol", ["kfs-rest-json", "kfs-rest-binary"])
def test_rest_client_reads_headers_and_body_sent_apart(protocol):
    process = subprocess.Popen([sys.executable, "-c", SPLIT_SERVER], stdout=subprocess.PIPE,
                               text=True)
    try:
        port = int(re.match(r"listening on (\d+)", process.stdout.readline()).group(1))
        report = bench_json("--protocol", protocol, "--address", f"127.0.0.1:{port}",
                            "-m", "dummy", "-c", 2)
        check_report(report, protocol, (2,))
    finally:
        process.terminate()
        process.wait(timeout=30)

#!/usr/bin/env python3
"""Scheduler measurements (issue 13, DESIGN.md §3b/§5): dynamic batching off vs on for the tiny
model (closed loop, 8/32/64 clients, gRPC and REST binary) beside the bare gRPC echo, ResNet-
shaped at 8 clients, overload at 2x capacity with a queue bound, and four models with fair
sharing vs each taking the machine. Runs everything side by side and prints a Markdown
section for docs/performance.md. Not a test: run it under `flock /work/notes/bench.lock` (or
any lock) on a quiet machine, and read the figures as ratios measured in one run.

  .venv/bin/python tools/bench/scheduling.py [--duration S] [--rounds N] [--only tiny,resnet,overload,four]
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
BUILD = TOP / "build" / "release"
MODELS = TOP / "build" / "models"
PRECISION = {"INFERENCE_PRECISION_HINT": "f32"}
LATENCY = {"PERFORMANCE_HINT": "LATENCY", **PRECISION}
THROUGHPUT = {"PERFORMANCE_HINT": "THROUGHPUT", **PRECISION}
BASE_PORT = int(os.environ.get("BENCH_PORT_BASE", "29300"))


class Server:
    """One server process (mserve or an echo floor), stopped with SIGTERM."""

    def __init__(self, label, args, ready, results):
        self.label = label
        self.log = results / f"server-{label}.log"
        self.args = [str(a) for a in args]
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while ready not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server {label} did not start:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    @property
    def pid(self):
        return self.process.pid

    def rss_kib(self):
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def mserve(label, results, port, model_args, extra=()):
    args = [BUILD / "mserve", "--port", port, "--rest_port", port + 1,
            "--file_system_poll_wait_seconds", "0", *model_args, *extra]
    return Server(label, args, "Started model manager thread", results)


def single(model, plugin):
    return ["--model_name", model, "--model_path", MODELS / model,
            "--plugin_config", json.dumps(plugin)]


class Bench:
    def __init__(self, results, duration, warmup):
        self.results, self.duration, self.warmup = results, duration, warmup
        self.commands = []

    def run(self, label, *args, server=None):
        """One mserve-bench run; its JSON result's first run (or None if it failed outright)."""
        out = self.results / f"{label}.json"
        cmd = [str(BUILD / "mserve-bench"), "--warmup", str(self.warmup), "--duration",
               str(self.duration), "--no_progress", "--label", label, "--json", str(out),
               *[str(a) for a in args]]
        if server is not None:
            cmd.append(f"--server_pid={server.pid}")
        self.commands.append(" ".join(cmd))
        print(f"scheduling.py: {label}", file=sys.stderr)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if not out.exists():
            return None
        return json.loads(out.read_text())["runs"][0]


def tiny(bench, results, rounds):
    """dummy closed loop: batching off vs on vs the bare gRPC echo, gRPC and REST binary;
    `rounds` alternating rounds, since one run on a shared machine says little."""
    off = mserve("dummy-off", results, BASE_PORT, single("dummy", LATENCY))
    on = mserve("dummy-on", results, BASE_PORT + 2, single("dummy", LATENCY),
                ["--dynamic_batching_max_batch_size", "64"])
    echo = Server("echo-grpc", [BUILD / "mserve-bench-grpc-echo", BASE_PORT + 4], "listening on",
                  results)
    rows = []
    try:
        for round_index in range(1, rounds + 1):
            for clients in (8, 32, 64):
                row = {"clients": clients, "round": round_index}
                tag = f"c{clients}.r{round_index}"
                row["echo"] = bench.run(f"tiny-echo.{tag}", "-m", "dummy", "-c", clients,
                                        "--address", f"localhost:{BASE_PORT + 4}", server=echo)
                for name, server, port in (("off", off, BASE_PORT), ("on", on, BASE_PORT + 2)):
                    row[f"grpc-{name}"] = bench.run(f"tiny-grpc-{name}.{tag}", "-m", "dummy",
                                                    "-c", clients, "--address",
                                                    f"localhost:{port}", server=server)
                    row[f"rest-{name}"] = bench.run(f"tiny-rest-{name}.{tag}", "-m", "dummy",
                                                    "-c", clients, "--protocol",
                                                    "kfs-rest-binary", "--address",
                                                    f"localhost:{port + 1}", server=server)
                rows.append(row)
        batches = metric_line(BASE_PORT + 3, "ovms_batch_size", "dummy")
    finally:
        for server in (off, on, echo):
            server.stop()
    return rows, batches


def metric_line(rest_port, family, model):
    """(count, sum) of a histogram family for version 1 of `model`, from /metrics."""
    try:
        text = urllib.request.urlopen(f"http://localhost:{rest_port}/metrics", timeout=10).read()
    except OSError:
        return None
    values = []
    for suffix in ("count", "sum"):
        match = re.search(rf'^{family}_{suffix}{{name="{model}",version="1"}} (\S+)$',
                          text.decode(), re.MULTILINE)
        values.append(float(match.group(1)) if match else 0.0)
    return tuple(values)


def resnet(bench, results):
    """ResNet-shaped, 8 clients, THROUGHPUT hint: batching off vs on."""
    off = mserve("resnet-off", results, BASE_PORT, single("resnet", THROUGHPUT))
    on = mserve("resnet-on", results, BASE_PORT + 2, single("resnet", THROUGHPUT),
                ["--dynamic_batching_max_batch_size", "8"])
    try:
        return {name: bench.run(f"resnet-{name}", "-m", "resnet", "-c", 8, "--address",
                                f"localhost:{port}", server=server)
                for name, server, port in (("off", off, BASE_PORT), ("on", on, BASE_PORT + 2))}
    finally:
        off.stop()
        on.stop()


def overload(bench, results, seconds):
    """ResNet-shaped with a queue bound: capacity measured closed loop, then 2x that rate open
    loop for `seconds`; RSS sampled before and after."""
    bound = 4
    server = mserve("overload", results, BASE_PORT, single("resnet", THROUGHPUT),
                    ["--max_queue_size", bound, "--metrics_enable"])
    try:
        capacity = bench.run("overload-capacity", "-m", "resnet", "-c", 4, "--address",
                             f"localhost:{BASE_PORT}", server=server)
        rate = 2 * capacity["throughput_rps"]
        rss_before = server.rss_kib()
        saved = bench.duration
        bench.duration = seconds
        samples = []  # RSS every 2 s during the run: flat once the in-flight requests are held
        sampler = threading.Thread(target=sample_rss, args=(server, samples, seconds + 2))
        sampler.start()
        run = bench.run("overload-2x", "-m", "resnet", "-c", 64, "--rate", f"{rate:.1f}",
                        "--address", f"localhost:{BASE_PORT}", server=server)
        sampler.join()
        bench.duration = saved
        rss_after = server.rss_kib()
        alive = server.process.poll() is None
        text = urllib.request.urlopen(f"http://localhost:{BASE_PORT + 1}/metrics",
                                      timeout=10).read().decode()
        match = re.search(r'^ovms_requests_rejected\{name="resnet",version="1",'
                          r'reason="queue_full"\} (\S+)$', text, re.MULTILINE)
        rejected = float(match.group(1)) if match else 0.0
    finally:
        code = server.stop()
    return {"capacity": capacity, "rate": rate, "run": run, "bound": bound,
            "rss_before_kib": rss_before, "rss_after_kib": rss_after, "rss_samples": samples,
            "alive": alive, "exit": code, "rejected": rejected}


def sample_rss(server, samples, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end and server.process.poll() is None:
        samples.append(server.rss_kib())
        time.sleep(2)


def four(bench, results):
    """Two dummy and two ResNet-shaped models, THROUGHPUT hint, mixed traffic: fair sharing
    (the server splits its CPU budget) vs each model given the machine's streams explicitly
    (what OVMS does: every model compiles for the whole machine)."""
    outcomes = {}
    cores = os.cpu_count() or 1
    for mode in ("fair", "whole-machine"):
        plugin = dict(THROUGHPUT)
        if mode == "whole-machine":
            plugin["INFERENCE_NUM_THREADS"] = cores  # explicit: kept, as OVMS would compile
        entries = []
        repo = Path(tempfile.mkdtemp(prefix="four-", dir=results))
        for name, source in (("dummy_a", "dummy"), ("dummy_b", "dummy"),
                             ("resnet_a", "resnet"), ("resnet_b", "resnet")):
            entries.append({"config": {"name": name, "base_path": str(MODELS / source),
                                       "plugin_config": plugin}})
        config = repo / "config.json"
        config.write_text(json.dumps({"model_config_list": entries}))
        server = mserve(f"four-{mode}", results, BASE_PORT, ["--config_path", config])
        try:
            procs = []
            for name in ("dummy_a", "dummy_b", "resnet_a", "resnet_b"):
                out = results / f"four-{mode}-{name}.json"
                cmd = [str(BUILD / "mserve-bench"), "--warmup", str(bench.warmup), "--duration",
                       str(bench.duration), "--no_progress", "-m", name, "-c", "4", "--json",
                       str(out), "--address", f"localhost:{BASE_PORT}"]
                bench.commands.append(" ".join(cmd) + " &")
                procs.append((name, out, subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                                          stderr=subprocess.DEVNULL)))
            runs = {}
            for name, out, proc in procs:
                proc.wait()
                runs[name] = json.loads(out.read_text())["runs"][0] if out.exists() else None
            outcomes[mode] = runs
        finally:
            server.stop()
    return outcomes


def fmt(value, digits=0):
    return "n/a" if value is None else f"{value:.{digits}f}"


def cpu_us(run):
    if not run or run.get("server_cpu_s_per_request") is None:
        return None
    return run["server_cpu_s_per_request"] * 1e6


def report(data, duration, rounds):
    lines = [f"Measured with `flock /work/notes/bench.lock .venv/bin/python "
             f"tools/bench/scheduling.py --duration {duration} --rounds {rounds}` "
             "on a machine shared with other jobs (2 cores): figures are ratios measured side by "
             "side in one run.", ""]
    if "tiny" in data:
        rows, batches = data["tiny"]
        lines += ["**Tiny model (`dummy`), closed loop, batching off vs on "
                  "(`--dynamic_batching_max_batch_size 64`)**", "",
                  "| clients | protocol | round | off req/s | on req/s | on/off | off CPU µs/req | "
                  "on CPU µs/req | echo CPU µs/req | on CPU / echo |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        rows = sorted(rows, key=lambda row: (row["clients"], row["round"]))
        for row in rows:
            echo_cpu = cpu_us(row["echo"])
            for protocol in ("grpc", "rest"):
                off, on = row[f"{protocol}-off"], row[f"{protocol}-on"]
                ratio = on["throughput_rps"] / off["throughput_rps"] if off and on else None
                on_cpu = cpu_us(on)
                vs_echo = on_cpu / echo_cpu if on_cpu and echo_cpu else None
                lines.append(
                    f"| {row['clients']} | {protocol} | {row['round']} | "
                    f"{fmt(off and off['throughput_rps'])} | "
                    f"{fmt(on and on['throughput_rps'])} | {fmt(ratio, 2)} | "
                    f"{fmt(cpu_us(off), 1)} | {fmt(on_cpu, 1)} | {fmt(echo_cpu, 1)} | "
                    f"{fmt(vs_echo, 2)} |")
        if batches:
            lines += ["", f"Batches run by the batching server: {batches[0]:.0f} for "
                          f"{batches[1]:.0f} requests (mean {batches[1] / max(batches[0], 1):.1f})."]
        lines.append("")
    if "resnet" in data:
        runs = data["resnet"]
        lines += ["**ResNet-shaped, THROUGHPUT hint, 8 clients (gRPC)**", "",
                  "| batching | req/s | p50 ms | p99 ms | CPU ms/req |", "|---|---|---|---|---|"]
        for name in ("off", "on"):
            run = runs[name]
            lines.append(f"| {name} | {fmt(run and run['throughput_rps'], 1)} | "
                         f"{fmt(run and run['latency_ms']['p50'], 1)} | "
                         f"{fmt(run and run['latency_ms']['p99'], 1)} | "
                         f"{fmt(cpu_us(run) and cpu_us(run) / 1000, 2)} |")
        lines.append("")
    if "overload" in data:
        o = data["overload"]
        run = o["run"] or {}
        capacity_rps = o["capacity"] and o["capacity"]["throughput_rps"]
        lines += [f"**Overload**: ResNet-shaped with `--max_queue_size {o['bound']}`, open loop at "
                  f"2x the measured capacity ({fmt(o['capacity'] and o['capacity']['throughput_rps'], 1)}"
                  f" req/s → {o['rate']:.1f} req/s) for the run:", "",
                  f"- answered: {run.get('requests', 0)} ok, {run.get('errors', 0)} errors "
                  f"(rejections counted by the server: {o['rejected']:.0f})",
                  f"- rejections answered in p50 "
                  f"{fmt(run.get('error_latency_ms', {}).get('p50'), 2)} ms, p99 "
                  f"{fmt(run.get('error_latency_ms', {}).get('p99'), 2)} ms",
                  f"- accepted requests' latency p50 {fmt(run.get('latency_ms', {}).get('p50'), 1)} "
                  f"ms, p99 {fmt(run.get('latency_ms', {}).get('p99'), 1)} ms; queue bound x "
                  f"service time = {o['bound']} / {fmt(capacity_rps, 1)} req/s = "
                  f"{fmt(capacity_rps and 1000 * o['bound'] / capacity_rps, 1)} ms (plus the "
                  f"request's own inference, p50 {fmt(o['capacity'] and o['capacity']['latency_ms']['p50'], 1)} ms)",
                  f"- server alive after the run: {o['alive']}, exit code on SIGTERM {o['exit']}",
                  f"- RSS before / after: {o['rss_before_kib'] / 1024:.1f} / "
                  f"{o['rss_after_kib'] / 1024:.1f} MiB; every 2 s during the run: "
                  + ", ".join(f"{kib / 1024:.0f}" for kib in o.get("rss_samples", [])) + " MiB",
                  ""]
    if "four" in data:
        lines += ["**Four models** (two `dummy`, two ResNet-shaped, THROUGHPUT hint, 4 clients "
                  "each, all at once)", "",
                  "| sharing | aggregate req/s | dummy req/s | resnet req/s | worst p99 ms |",
                  "|---|---|---|---|---|"]
        for mode, runs in data["four"].items():
            ok = {k: v for k, v in runs.items() if v}
            total = sum(v["throughput_rps"] for v in ok.values())
            dummy = sum(v["throughput_rps"] for k, v in ok.items() if k.startswith("dummy"))
            resnet_rps = sum(v["throughput_rps"] for k, v in ok.items() if k.startswith("resnet"))
            worst = max((v["latency_ms"]["p99"] for v in ok.values()), default=None)
            lines.append(f"| {mode} | {total:.1f} | {dummy:.1f} | {resnet_rps:.1f} | "
                         f"{fmt(worst, 1)} |")
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=4)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--overload_seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the tiny-model runs")
    parser.add_argument("--only", default="tiny,resnet,overload,four")
    parser.add_argument("--results", default=str(TOP / "build" / "bench-scheduling"))
    args = parser.parse_args()
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(TOP / "tools" / "make_models.py"), str(MODELS)],
                   check=True, stdout=subprocess.DEVNULL)
    bench = Bench(results, args.duration, args.warmup)
    parts = args.only.split(",")
    data = {}
    if "tiny" in parts:
        data["tiny"] = tiny(bench, results, args.rounds)
    if "resnet" in parts:
        data["resnet"] = resnet(bench, results)
    if "overload" in parts:
        data["overload"] = overload(bench, results, args.overload_seconds)
    if "four" in parts:
        data["four"] = four(bench, results)
    (results / "commands.txt").write_text("\n".join(bench.commands) + "\n")
    (results / "data.json").write_text(json.dumps(data, indent=1, default=str))
    print(report(data, args.duration, args.rounds))


if __name__ == "__main__":
    main()

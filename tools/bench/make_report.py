#!/usr/bin/env python3
"""Writes docs/performance.md and docs/performance_concurrency.png from the results directory
that tools/bench/compare.sh fills (one mserve-bench JSON per label, server logs, uptime,
benchmark_app output, commands.txt). Hand-written analysis (profiles, optimisations) comes from
tools/bench/performance_notes.md and is appended verbatim."""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
CHART = "performance_concurrency.png"


def load_results(results):
    runs = {}
    for name in sorted(os.listdir(results)):
        if name.endswith(".json") and name != "benchmark_app_config.json":
            with open(os.path.join(results, name)) as f:
                runs[name[:-5]] = json.load(f)
    return runs


def run_at(runs, label, concurrency=None):
    """The run of `label` at `concurrency` (the only/first run if None), or None."""
    report = runs.get(label)
    if not report:
        return None
    for run in report["runs"]:
        if concurrency is None or run["concurrency"] == concurrency:
            return run
    return None


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def command_output(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine(results):
    cpu = ""
    for line in read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    flags = read("/proc/cpuinfo")
    isa = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f" {f}" in flags]
    mem = read("/proc/meminfo").splitlines()[0].split()[1] if read("/proc/meminfo") else "0"
    openvino = ""
    log = read(os.path.join(results, "server-thr.log"))
    found = re.search(r"with OpenVINO (\S+)", log)
    if found:
        openvino = found.group(1)
    return [
        ("CPU", f"{cpu} ({', '.join(isa) or 'no AVX2'}), {os.cpu_count()} logical CPUs visible"),
        ("Memory", f"{int(mem) // 1024 // 1024} GiB"),
        ("OS", f"{platform.platform()}"),
        ("OpenVINO", openvino or "see server log"),
        ("gRPC", command_output(["pkg-config", "--modversion", "grpc++"])),
        ("Compiler", command_output(["c++", "--version"]).splitlines()[0] if command_output(["c++", "--version"]) else ""),
        ("Load before", read(os.path.join(results, "uptime-before.txt"))),
        ("Load after", read(os.path.join(results, "uptime-after.txt"))),
    ]


def fmt(value, digits=2):
    return "n/a" if value is None else f"{value:.{digits}f}"


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def verdict(value, limit, higher_is_better):
    if value is None:
        return "not measured"
    ok = value >= limit if higher_is_better else value <= limit
    return "**met**" if ok else "**missed**"


def throughput(run):
    return run["throughput_rps"] if run else None


def p50(run):
    return run["latency_ms"]["p50"] if run else None


def cpu_us(run, key="server_cpu_s_per_request"):
    if not run or run.get(key) is None:
        return None
    return run[key] * 1e6


def goals_table(runs, concurrency):
    thr_in = throughput(run_at(runs, "thr-inproc", concurrency))
    thr_grpc = throughput(run_at(runs, "thr-grpc", concurrency))
    thr_rest = throughput(run_at(runs, "thr-rest", concurrency))
    lat_in, lat_grpc, lat_rest = (p50(run_at(runs, k)) for k in ("lat-inproc", "lat-grpc", "lat-rest"))
    cpu = {k: cpu_us(run_at(runs, "cpu-" + k)) for k in
           ("grpc", "rest", "rest-json", "tfs-grpc", "echo-grpc", "echo-grpc-hop", "echo-http")}
    # In-process there is no server: the whole bench process (engine plus load loop) is charged.
    cpu["inproc"] = cpu_us(run_at(runs, "cpu-inproc"), "client_cpu_s_per_request")
    rows = []

    def row(goal, measured, value, limit, higher):
        rows.append(f"| {goal} | {measured} | {fmt(value)} | {'≥' if higher else '≤'} {limit} | "
                    f"{verdict(value, limit, higher)} |")

    g = ratio(thr_grpc, thr_in)
    row(f"ResNet-50 THROUGHPUT, {concurrency} clients: gRPC / in-process throughput",
        f"{fmt(thr_grpc, 1)} / {fmt(thr_in, 1)} req/s", g, 0.97, True)
    r = ratio(thr_rest, thr_in)
    row(f"ResNet-50 THROUGHPUT, {concurrency} clients: REST binary / in-process throughput",
        f"{fmt(thr_rest, 1)} / {fmt(thr_in, 1)} req/s", r, 0.95, True)
    d = None if lat_grpc is None or lat_in is None else lat_grpc - lat_in
    row("ResNet-50 LATENCY, 1 client: gRPC median overhead (ms)",
        f"p50 {fmt(lat_grpc, 3)} − {fmt(lat_in, 3)} ms", d, 0.3, False)
    d = None if lat_rest is None or lat_in is None else lat_rest - lat_in
    row("ResNet-50 LATENCY, 1 client: REST binary median overhead (ms)",
        f"p50 {fmt(lat_rest, 3)} − {fmt(lat_in, 3)} ms", d, 0.6, False)
    row("dummy, 8 clients: server CPU per request, gRPC / bare gRPC echo",
        f"{fmt(cpu['grpc'], 1)} / {fmt(cpu['echo-grpc'], 1)} µs", ratio(cpu["grpc"], cpu["echo-grpc"]), 1.6, False)
    row("dummy, 8 clients: server CPU per request, REST binary / bare Beast echo",
        f"{fmt(cpu['rest'], 1)} / {fmt(cpu['echo-http'], 1)} µs", ratio(cpu["rest"], cpu["echo-http"]), 3.0, False)
    row("dummy, 8 clients: server CPU per request, REST binary / bare gRPC echo (issue 6 wording)",
        f"{fmt(cpu['rest'], 1)} / {fmt(cpu['echo-grpc'], 1)} µs", ratio(cpu["rest"], cpu["echo-grpc"]), 1.6, False)
    lines = ["| goal | measured | ratio / value | target | verdict |", "|---|---|---|---|---|"] + rows
    lines.append("")
    lines.append("Server CPU per request, dummy model, 8 clients (µs, from `/proc/<pid>/stat`):")
    lines.append("")
    lines.append("| server | protocol | CPU µs / request | × gRPC echo | × HTTP echo | throughput req/s |")
    lines.append("|---|---|---|---|---|---|")
    names = [("mserve", "KServe gRPC", "grpc"), ("mserve", "KServe REST binary", "rest"),
             ("mserve", "KServe REST JSON", "rest-json"), ("mserve", "TFS gRPC", "tfs-grpc"),
             ("bare gRPC echo (callback API)", "KServe gRPC", "echo-grpc"),
             ("bare gRPC echo, Finish from a 2-thread pool (one hand-off)", "KServe gRPC", "echo-grpc-hop"),
             ("bare Beast keep-alive echo", "HTTP/1.1 binary body", "echo-http"),
             ("in-process engine, no transport (bench process CPU)", "—", "inproc")]
    for server, protocol, key in names:
        run = run_at(runs, "cpu-" + key)
        lines.append(f"| {server} | {protocol} | {fmt(cpu[key], 1)} | {fmt(ratio(cpu[key], cpu['echo-grpc']))} | "
                     f"{fmt(ratio(cpu[key], cpu['echo-http']))} | {fmt(throughput(run), 0)} |")
    lines.append("")
    lines.append("One client on the tiny model (`dummy`, LATENCY hint): the transport's own latency.")
    lines.append("")
    lines.append("| path | p50 ms | p90 ms | p99 ms | p50 overhead over in-process ms |")
    lines.append("|---|---|---|---|---|")
    base = p50(run_at(runs, "lat-dummy-inproc"))
    for key, name in (("lat-dummy-inproc", "in-process"), ("lat-dummy-grpc", "mserve gRPC"),
                      ("lat-dummy-rest", "mserve REST binary")):
        run = run_at(runs, key)
        if not run:
            lines.append(f"| {name} | n/a | | | |")
            continue
        lat = run["latency_ms"]
        over = "—" if key == "lat-dummy-inproc" or base is None else f"{lat['p50'] - base:.3f}"
        lines.append(f"| {name} | {lat['p50']:.3f} | {lat['p90']:.3f} | {lat['p99']:.3f} | {over} |")
    return "\n".join(lines)


def noise_note(runs, concurrency):
    first = throughput(run_at(runs, "thr-inproc", concurrency))
    again = throughput(run_at(runs, "thr-inproc-again", concurrency))
    if first is None or again is None:
        return ""
    return (f"Noise check: the in-process reference at {concurrency} clients gave {first:.1f} req/s "
            f"before the server runs and {again:.1f} req/s after them (ratio {again / first:.2f}); "
            "differences smaller than that are within this machine's drift.")


def sweep_table(runs):
    labels = [("thr-inproc", "in-process"), ("thr-grpc", "gRPC"), ("thr-rest", "REST binary")]
    levels = sorted({r["concurrency"] for k, _ in labels if k in runs for r in runs[k]["runs"]})
    lines = ["| clients | " + " | ".join(f"{n} req/s | {n} p50 / p99 ms" for _, n in labels) +
             " | gRPC / in-process | REST / in-process |",
             "|---|" + "---|---|" * len(labels) + "---|---|"]
    for level in levels:
        cells = []
        for key, _ in labels:
            run = run_at(runs, key, level)
            cells.append(fmt(throughput(run), 1))
            cells.append("n/a" if not run else f"{run['latency_ms']['p50']:.1f} / {run['latency_ms']['p99']:.1f}")
        base = throughput(run_at(runs, "thr-inproc", level))
        cells.append(fmt(ratio(throughput(run_at(runs, "thr-grpc", level)), base)))
        cells.append(fmt(ratio(throughput(run_at(runs, "thr-rest", level)), base)))
        lines.append(f"| {level} | " + " | ".join(cells) + " |")
    return "\n".join(lines), levels


def chart(runs, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for key, name in (("thr-inproc", "in-process"), ("thr-grpc", "mserve gRPC"), ("thr-rest", "mserve REST binary")):
        if key not in runs:
            continue
        points = sorted(runs[key]["runs"], key=lambda r: r["concurrency"])
        xs = [r["concurrency"] for r in points]
        left.plot(xs, [r["throughput_rps"] for r in points], marker="o", label=name)
        right.plot(xs, [r["latency_ms"]["p99"] for r in points], marker="o", label=name)
    left.set(title="ResNet-50 THROUGHPUT hint: throughput", xlabel="concurrent clients", ylabel="requests/s")
    right.set(title="p99 latency", xlabel="concurrent clients", ylabel="ms")
    for axis in (left, right):
        axis.set_xscale("log", base=2)
        axis.grid(True, alpha=0.3)
        axis.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


KNOBS = [
    ("knob-latency", "PERFORMANCE_HINT=LATENCY", "gRPC"),
    ("thr-grpc", "PERFORMANCE_HINT=THROUGHPUT (baseline)", "gRPC"),
    ("knob-streams1", "NUM_STREAMS=1", "gRPC"),
    ("knob-streams2", "NUM_STREAMS=2", "gRPC"),
    ("knob-pinning-on", "THROUGHPUT, ENABLE_CPU_PINNING=true", "gRPC"),
    ("knob-pinning-off", "THROUGHPUT, ENABLE_CPU_PINNING=false", "gRPC"),
    ("knob-workers2", "THROUGHPUT, --grpc_workers 2", "gRPC"),
    ("knob-nireq1", "NUM_STREAMS=2, --nireq 1 (below streams)", "gRPC"),
    ("knob-streams2", "NUM_STREAMS=2, nireq auto (at streams)", "gRPC"),
    ("knob-nireq4", "NUM_STREAMS=2, --nireq 4 (above streams)", "gRPC"),
    ("thr-rest", "THROUGHPUT, REST binary body", "REST binary"),
    ("knob-rest-json", "THROUGHPUT, REST JSON body", "REST JSON"),
    ("knob-rest-jpeg", "THROUGHPUT, REST binary, 224×224 JPEG as BYTES", "REST binary"),
    ("knob-grpc-jpeg", "THROUGHPUT, gRPC, 224×224 JPEG as BYTES", "gRPC"),
    ("knob-tfs-grpc", "THROUGHPUT, TF Serving Predict (tensor_content)", "TFS gRPC"),
    ("knob-metrics", "THROUGHPUT, --metrics_enable", "gRPC"),
]


def knobs_table(runs, concurrency, results):
    base = throughput(run_at(runs, "thr-grpc", concurrency))
    lines = ["| configuration | protocol | req/s | × THROUGHPUT gRPC | p50 ms | p99 ms | errors |",
             "|---|---|---|---|---|---|---|"]
    for label, name, protocol in KNOBS:
        run = run_at(runs, label, concurrency) or run_at(runs, label)
        if not run:
            why = "not run"
            log = read(os.path.join(results, f"server-{label.replace('knob-', '')}.log"))
            if "not supported yet" in log:
                why = "not available: " + log.splitlines()[-1]
            lines.append(f"| {name} | {protocol} | {why} | | | | |")
            continue
        lines.append(f"| {name} | {protocol} | {run['throughput_rps']:.1f} | {fmt(ratio(run['throughput_rps'], base))} | "
                     f"{run['latency_ms']['p50']:.1f} | {run['latency_ms']['p99']:.1f} | {run['errors']} |")
    return "\n".join(lines)


def median_ms(found):
    if not found:
        return "n/a"
    value = float(found.group(1)) / (1000 if found.group(2) == "us" else 1)
    return f"{value:.1f}"


def crosscheck(runs, results):
    text = read(os.path.join(results, "benchmark_app.txt"))
    fps = re.search(r"Throughput:\s+([\d.]+)\s*FPS", text)
    median = re.search(r"Median:\s+([\d.]+)\s*(ms|us)", text)
    run = run_at(runs, "xcheck-inproc")
    if not text:
        return "benchmark_app was not run (`--skip-benchmark-app`)."
    ours = throughput(run)
    theirs = float(fps.group(1)) if fps else None
    lines = ["| | throughput (FPS) | median latency ms |", "|---|---|---|",
             f"| OpenVINO benchmark_app (wheel) | {fmt(theirs, 1)} | {median_ms(median)} |",
             f"| mserve-bench --in-process, benchmark_app's dumped config | {fmt(ours, 1)} | {fmt(p50(run), 1)} |",
             "", f"Ratio in-process / benchmark_app: **{fmt(ratio(ours, theirs))}**. The in-process mode "
             "loads the config file that `benchmark_app -dump_config` wrote, through "
             "`config::parsePluginConfig` (the same code as `mserve --plugin_config FILE`)."]
    return "\n".join(lines)


def effective_properties(results):
    out = []
    for name in ("thr", "lat", "dummy"):
        log = read(os.path.join(results, f"server-{name}.log"))
        found = re.search(r"number of OpenVINO streams: (\S+), nireq: (\d+)", log)
        if found:
            out.append(f"`{name}` server: {found.group(1)} streams, nireq {found.group(2)}")
    inproc = load_results(results).get("thr-inproc")
    if inproc:
        props = ", ".join(f"{k} {v}" for k, v in inproc["properties"].items())
        out.append(f"in-process THROUGHPUT: {props}")
    return "; ".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--doc", required=True)
    parser.add_argument("--options", default="")
    args = parser.parse_args()
    runs = load_results(args.results)
    options = dict(item.split("=", 1) for item in args.options.split() if "=" in item)
    concurrency = int(options.get("concurrency", 4))
    docs_dir = os.path.dirname(os.path.abspath(args.doc))
    os.makedirs(docs_dir, exist_ok=True)
    sweep, _ = sweep_table(runs)
    has_chart = chart(runs, os.path.join(docs_dir, CHART))
    notes = read(os.path.join(HERE, "performance_notes.md"))
    commands = read(os.path.join(args.results, "commands.txt"))
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts = [
        "# Performance",
        "",
        f"Generated by `tools/bench/compare.sh {' '.join('--' + k + ' ' + v for k, v in options.items() if k in ('duration', 'warmup', 'concurrency'))}` "
        f"on {now}. Every figure below was measured in that one invocation, side by side on the same "
        "machine; re-run the script to reproduce the tables (about five minutes). Absolute numbers "
        "depend on the machine and its load; the ratios are the point (DESIGN.md §5).",
        "",
        "## Machine",
        "",
        "| | |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in machine(args.results)],
        "",
        f"Effective compile properties: {effective_properties(args.results)}. All sides use "
        "`INFERENCE_PRECISION_HINT=f32` (these CPUs would otherwise run FP32 models in bf16).",
        "",
        "## Goals (DESIGN.md §5)",
        "",
        goals_table(runs, concurrency),
        "",
        noise_note(runs, concurrency),
        "",
        "## Throughput and latency against concurrency (ResNet-50, THROUGHPUT hint)",
        "",
        f"![throughput and p99 against concurrency]({CHART})" if has_chart else "(matplotlib missing: no chart)",
        "",
        sweep,
        "",
        f"## Tuning knobs (ResNet-50, {concurrency} clients, closed loop)",
        "",
        knobs_table(runs, concurrency, args.results),
        "",
        "## In-process reference against OpenVINO's benchmark_app",
        "",
        crosscheck(runs, args.results),
        "",
        notes,
        "",
        "## Commands of this run",
        "",
        "```",
        commands,
        "```",
        "",
    ]
    with open(args.doc, "w") as f:
        f.write("\n".join(parts))


if __name__ == "__main__":
    main()

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
import statistics
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
CHART = "performance_concurrency.png"


def load_results(results):
    """label → report. Files `<label>.c<N>.json` (one concurrency level each, run interleaved
    with the other sides) merge into one report per label; `<label>.r<N>` stay separate rounds."""
    runs = {}
    for name in sorted(os.listdir(results)):
        if not name.endswith(".json") or name == "benchmark_app_config.json":
            continue
        with open(os.path.join(results, name)) as f:
            report = json.load(f)
        label = name[:-5]
        level = re.fullmatch(r"(.+)\.c\d+", label)
        if level:
            label = level.group(1)
            if label in runs:
                runs[label]["runs"] += report["runs"]
                runs[label]["runs"].sort(key=lambda r: r["concurrency"])
                continue
        runs[label] = report
    return runs


def rounds(runs, label):
    """The runs of `label.r1`, `label.r2`, ... in order."""
    found = []
    for n in range(1, 100):
        run = run_at(runs, f"{label}.r{n}")
        if run is None:
            break
        found.append(run)
    return found


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


def value_of(runs, label, fn):
    """fn of the run `label`, or the median of fn over its rounds `label.rN`."""
    values = [fn(r) for r in rounds(runs, label)]
    values = [v for v in values if v is not None]
    if values:
        return statistics.median(values)
    return fn(run_at(runs, label))


def paired(runs, a, b, fn):
    """(fn(a.rN), fn(b.rN)) for every round both sides completed: they ran back to back."""
    pairs = [(fn(x), fn(y)) for x, y in zip(rounds(runs, a), rounds(runs, b))]
    return [(x, y) for x, y in pairs if x is not None and y is not None]


def per_round(pairs, digits, unit, sep=" / "):
    return "; ".join(f"{x:.{digits}f}{sep}{y:.{digits}f}" for x, y in pairs) + f" {unit}" if pairs else "n/a"


def goals_table(runs, concurrency, cpu_rate):
    rows = []

    def row(goal, measured, value, limit, higher):
        rows.append(f"| {goal} | {measured} | {fmt(value)} | {'≥' if higher else '≤'} {limit} | "
                    f"{verdict(value, limit, higher)} |")

    def ratio_row(goal, a, b, fn, digits, unit, limit, higher):
        pairs = paired(runs, a, b, fn)
        value = statistics.median(x / y for x, y in pairs) if pairs else None
        row(goal, per_round(pairs, digits, unit), value, limit, higher)

    def overhead_row(goal, a, b, limit):
        pairs = paired(runs, a, b, p50)
        value = statistics.median(x - y for x, y in pairs) if pairs else None
        row(goal, "p50 " + per_round(pairs, 1, "ms", " − "), value, limit, False)

    ratio_row(f"ResNet-50 THROUGHPUT, {concurrency} clients: gRPC / in-process throughput",
              "thr-grpc", "thr-inproc", throughput, 1, "req/s", 0.97, True)
    ratio_row(f"ResNet-50 THROUGHPUT, {concurrency} clients: REST binary / in-process throughput",
              "thr-rest", "thr-inproc", throughput, 1, "req/s", 0.95, True)
    overhead_row("ResNet-50 LATENCY, 1 client: gRPC median overhead (ms)", "lat-grpc", "lat-inproc", 0.3)
    overhead_row("ResNet-50 LATENCY, 1 client: REST binary median overhead (ms)", "lat-rest", "lat-inproc", 0.6)
    load = f"dummy, 8 clients, {cpu_rate} req/s on each side"
    ratio_row(f"{load}: server CPU per request, gRPC / bare gRPC echo",
              "rate-grpc", "rate-echo-grpc", cpu_us, 1, "µs", 1.6, False)
    ratio_row(f"{load}: server CPU per request, REST binary / bare Beast echo",
              "rate-rest", "rate-echo-http", cpu_us, 1, "µs", 3.0, False)
    ratio_row(f"{load}: server CPU per request, REST binary / bare gRPC echo (issue 6 wording)",
              "rate-rest", "rate-echo-grpc", cpu_us, 1, "µs", 1.6, False)
    closed = "dummy, 8 clients, closed loop (each side at its own top rate)"
    ratio_row(f"{closed}: server CPU per request, gRPC / bare gRPC echo",
              "cpu-grpc", "cpu-echo-grpc", cpu_us, 1, "µs", 1.6, False)
    ratio_row(f"{closed}: server CPU per request, REST binary / bare Beast echo",
              "cpu-rest", "cpu-echo-http", cpu_us, 1, "µs", 3.0, False)
    lines = ["Each ratio is the median of the per-round ratios; a round runs the sides back to back "
             "(values listed per round as server / reference). CPU per request is compared at the "
             "same request rate on both sides (the goal rows) and, for reference, closed loop, where "
             "each side runs as fast as it can and a faster side batches more requests per wake-up "
             "(see *Reading these numbers*).", "",
             "| goal | per round | ratio / value | target | verdict |", "|---|---|---|---|---|"] + rows
    lines.append("")
    lines.append(f"Server CPU per request, dummy model, 8 clients (µs, from `/proc/<pid>/stat`; medians "
                 f"over the rounds where there are rounds), at {cpu_rate} req/s and closed loop:")
    lines.append("")
    lines.append(f"| server | protocol | CPU µs / request at {cpu_rate} req/s | × echo | "
                 "CPU µs / request, closed loop | × echo | closed-loop req/s |")
    lines.append("|---|---|---|---|---|---|---|")
    names = [("mserve", "KServe gRPC", "grpc", "echo-grpc"),
             ("mserve, `--inline_inference_max_us 0` (every inference handed off)", "KServe gRPC",
              "grpc-async", "echo-grpc"),
             ("mserve, `--nireq 8`", "KServe gRPC", "grpc-nireq8", "echo-grpc"),
             ("mserve", "KServe REST binary", "rest", "echo-http"),
             ("mserve, `--inline_inference_max_us 0`", "KServe REST binary", "rest-async", "echo-http"),
             ("mserve, `--nireq 8`", "KServe REST binary", "rest-nireq8", "echo-http"),
             ("mserve", "KServe REST JSON", "rest-json", "echo-http"),
             ("mserve", "TFS gRPC", "tfs-grpc", "echo-grpc"),
             ("mserve", "TFS REST (JSON)", "tfs-rest", "echo-http"),
             ("bare gRPC echo (callback API)", "KServe gRPC", "echo-grpc", "echo-grpc"),
             ("bare gRPC echo, Finish from a 2-thread pool (one hand-off)", "KServe gRPC",
              "echo-grpc-hop", "echo-grpc"),
             ("bare Beast keep-alive echo", "HTTP/1.1 binary body", "echo-http", "echo-http"),
             ("in-process engine, async, no transport (bench process CPU)", "—", "inproc", "echo-grpc")]
    closed_cpu = {key: value_of(runs, "cpu-" + key, cpu_us) for _, _, key, _ in names}
    # In-process there is no server: the whole bench process (engine plus load loop) is charged.
    closed_cpu["inproc"] = cpu_us(run_at(runs, "cpu-inproc"), "client_cpu_s_per_request")
    rated_cpu = {key: value_of(runs, "rate-" + key, cpu_us) for _, _, key, _ in names}
    for server, protocol, key, floor in names:
        run = run_at(runs, "cpu-" + key) or (rounds(runs, "cpu-" + key) or [None])[0]
        lines.append(f"| {server} | {protocol} | {fmt(rated_cpu[key], 1)} | "
                     f"{fmt(ratio(rated_cpu[key], rated_cpu[floor]))} | {fmt(closed_cpu[key], 1)} | "
                     f"{fmt(ratio(closed_cpu[key], closed_cpu[floor]))} | {fmt(throughput(run), 0)} |")
    for prefix, title in (
            ("lat-dummy", "One client on the tiny model (`dummy`, LATENCY hint): the transport's own "
                          "latency."),
            ("lat-big", "One client, a ResNet-sized tensor through a trivial model (`dynamic`, "
                        "y = 2x, [1,150528] FP32: 602 KB in and 602 KB out): what moving the "
                        "tensor costs.")):
        lines += ["", title, "",
                  "| path | p50 ms | p90 ms | p99 ms | p50 overhead over in-process ms |",
                  "|---|---|---|---|---|"]
        base = p50(run_at(runs, prefix + "-inproc"))
        for side, name in (("inproc", "in-process"), ("grpc", "mserve gRPC"),
                           ("rest", "mserve REST binary")):
            run = run_at(runs, f"{prefix}-{side}")
            if not run:
                lines.append(f"| {name} | n/a | | | |")
                continue
            lat = run["latency_ms"]
            over = "—" if side == "inproc" or base is None else f"{lat['p50'] - base:.3f}"
            lines.append(f"| {name} | {lat['p50']:.3f} | {lat['p90']:.3f} | {lat['p99']:.3f} | {over} |")
    return "\n".join(lines)


def noise_note(runs, concurrency):
    values = [throughput(r) for r in rounds(runs, "thr-inproc")]
    values = [v for v in values if v]
    if len(values) < 2:
        return ""
    return (f"Noise check: the in-process reference alone gave {min(values):.1f} to {max(values):.1f} "
            f"req/s over the {len(values)} rounds at {concurrency} clients (max/min "
            f"{max(values) / min(values):.2f}): that is this machine's drift during the run.")


def sweep_table(runs):
    labels = [("sweep-inproc", "in-process"), ("sweep-grpc", "gRPC"), ("sweep-rest", "REST binary")]
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
        base = throughput(run_at(runs, "sweep-inproc", level))
        cells.append(fmt(ratio(throughput(run_at(runs, "sweep-grpc", level)), base)))
        cells.append(fmt(ratio(throughput(run_at(runs, "sweep-rest", level)), base)))
        lines.append(f"| {level} | " + " | ".join(cells) + " |")
    return "\n".join(lines), levels


def chart(runs, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    if not any(key in runs for key in ("sweep-inproc", "sweep-grpc", "sweep-rest")):
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for key, name in (("sweep-inproc", "in-process"), ("sweep-grpc", "mserve gRPC"), ("sweep-rest", "mserve REST binary")):
        if key not in runs:
            continue
        points = sorted(runs[key]["runs"], key=lambda r: r["concurrency"])
        xs = [r["concurrency"] for r in points]
        left.plot(xs, [r["throughput_rps"] for r in points], marker="o", label=name)
        right.plot(xs, [r["latency_ms"]["p99"] for r in points], marker="o", label=name)
    left.set(title="ResNet-50 THROUGHPUT hint: throughput", xlabel="concurrent clients", ylabel="requests/s")
    right.set(title="p99 latency", xlabel="concurrent clients", ylabel="ms")
    levels = sorted({r["concurrency"] for k in ("sweep-inproc", "sweep-grpc", "sweep-rest")
                     if k in runs for r in runs[k]["runs"]})
    for axis in (left, right):
        axis.set_xscale("log", base=2)
        axis.set_xticks(levels, [str(level) for level in levels])
        axis.grid(True, alpha=0.3)
        axis.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


KNOBS = [
    ("knob-latency", "PERFORMANCE_HINT=LATENCY", "gRPC"),
    ("thr-grpc", "PERFORMANCE_HINT=THROUGHPUT (baseline; median of the rounds)", "gRPC"),
    ("knob-streams1", "NUM_STREAMS=1", "gRPC"),
    ("knob-streams2", "NUM_STREAMS=2", "gRPC"),
    ("knob-pinning-on", "THROUGHPUT, ENABLE_CPU_PINNING=true", "gRPC"),
    ("knob-pinning-off", "THROUGHPUT, ENABLE_CPU_PINNING=false", "gRPC"),
    ("knob-workers2", "THROUGHPUT, --grpc_workers 2", "gRPC"),
    ("knob-nireq1", "NUM_STREAMS=2, --nireq 1 (below streams)", "gRPC"),
    ("knob-streams2", "NUM_STREAMS=2, nireq auto (at streams)", "gRPC"),
    ("knob-nireq4", "NUM_STREAMS=2, --nireq 4 (above streams)", "gRPC"),
    ("thr-rest", "THROUGHPUT, REST binary body (median of the rounds)", "REST binary"),
    ("knob-rest-json", "THROUGHPUT, REST JSON body", "REST JSON"),
    ("knob-rest-jpeg", "THROUGHPUT, REST binary, 224×224 JPEG as BYTES", "REST binary"),
    ("knob-grpc-jpeg", "THROUGHPUT, gRPC, 224×224 JPEG as BYTES", "gRPC"),
    ("knob-tfs-grpc", "THROUGHPUT, TF Serving Predict (tensor_content)", "TFS gRPC"),
    ("knob-tfs-rest", "THROUGHPUT, TF Serving REST predict (columnar JSON)", "TFS REST"),
    ("knob-metrics", "THROUGHPUT, --metrics_enable", "gRPC"),
]


def knobs_table(runs, concurrency, results):
    base = value_of(runs, "thr-grpc", throughput)
    lines = ["| configuration | protocol | req/s | × THROUGHPUT gRPC | p50 ms | p99 ms | errors |",
             "|---|---|---|---|---|---|---|"]
    for label, name, protocol in KNOBS:
        run = run_at(runs, label, concurrency) or run_at(runs, label)
        if not run and rounds(runs, label):  # medians over the rounds
            run = {"throughput_rps": value_of(runs, label, throughput),
                   "latency_ms": {"p50": value_of(runs, label, p50),
                                  "p99": value_of(runs, label, lambda r: r["latency_ms"]["p99"])},
                   "errors": sum(r["errors"] for r in rounds(runs, label))}
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
    inproc = load_results(results).get("thr-inproc.r1")
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
    # When the measurements ended (the report may be regenerated later from the same results).
    ended = os.path.join(args.results, "uptime-after.txt")
    stamp = os.path.getmtime(ended) if os.path.exists(ended) else None
    now = datetime.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if stamp else \
        datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts = [
        "# Performance",
        "",
        f"Generated by `tools/bench/compare.sh {' '.join('--' + k + ' ' + v for k, v in options.items() if k in ('duration', 'warmup', 'rounds', 'concurrency', 'cpu-rate', 'latency-rounds', 'build'))}` "
        f"on {now}. Every figure below was measured in that one invocation, side by side on the same "
        "machine; re-run the script to reproduce the tables (about fifteen minutes with `--duration 8`). Absolute numbers "
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
        goals_table(runs, concurrency, int(options.get("cpu-rate", 4000))),
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

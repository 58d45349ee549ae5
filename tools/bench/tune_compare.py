#!/usr/bin/env python3
"""The tuner against an exhaustive grid and the defaults (issue 15): for the ResNet-shaped and the
dummy model and two goals each (most throughput at 8 clients, lowest p99 at 1 client), runs
`mserve-bench tune --search grid` over the space, the guided tuner over the same space, then
measures the defaults, the grid's best and the tuner's pick side by side (interleaved rounds,
median) with plain `mserve-bench --in-process`. Prints a Markdown section for
docs/performance.md. Not a test: run it under `flock /work/notes/bench.lock` and read the
figures as ratios measured in one run on a shared machine.

  python3 tools/bench/tune_compare.py [--models build/models] [--point_seconds 1] \
      [--budget_seconds 60] [--final_seconds 3] [--rounds 3] [--only resnet,dummy]
"""
import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
BENCH = TOP / "build" / "release" / "mserve-bench"
GOALS = (("throughput", 8), ("latency", 1))


def run(command, log):
    print("$ " + " ".join(map(str, command)), file=log, flush=True)
    started = time.monotonic()
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{result.stdout}\n{result.stderr}")
    print(result.stderr, file=log, flush=True)
    return result.stdout, time.monotonic() - started


def tune(model_path, goal, clients, search, args, log):
    command = [BENCH, "tune", "--model_path", model_path, "--goal", goal, "--concurrency",
               clients, "--search", search, "--point_seconds", args.point_seconds, "--warmup",
               args.warmup, "--budget_seconds", args.budget_seconds, "--json", "-"]
    out, wall = run(command, log)
    report = json.loads(out)
    report["wall_s"] = wall
    return report


def measure(model_path, point, clients, args, log):
    """One plain in-process run of a tried point: (throughput, p99)."""
    command = [BENCH, "--in-process", model_path, "--plugin_config", point["plugin_config"],
               "--nireq", point["nireq"], "-c", clients, "--warmup", args.warmup, "--duration",
               args.final_seconds, "--no_progress", "--json", "-"]
    out, _ = run(command, log)
    result = json.loads(out)["runs"][0]
    return result["throughput_rps"], result["latency_ms"]["p99"]


def side_by_side(model_path, points, clients, args, log):
    """Interleaved rounds over the points; the median throughput and p99 of each."""
    samples = {name: [] for name in points}
    for _ in range(args.rounds):
        for name, point in points.items():
            samples[name].append(measure(model_path, point, clients, args, log))
    return {name: (statistics.median(s[0] for s in values), statistics.median(s[1] for s in values))
            for name, values in samples.items()}


def compare(model, goal, clients, args, log):
    model_path = Path(args.models) / model
    grid = tune(model_path, goal, clients, "grid", args, log)
    guided = tune(model_path, goal, clients, "guided", args, log)
    points = {"defaults": grid["points"][0], "grid best": grid["points"][grid["best"]],
              "tuner pick": guided["points"][guided["best"]]}
    final = side_by_side(model_path, points, clients, args, log)
    metric = 0 if goal == "throughput" else 1

    def gain(a, b):  # how much better a is than b on the goal's metric
        return final[a][0] / final[b][0] - 1 if metric == 0 else final[b][1] / final[a][1] - 1

    return {"model": model, "goal": goal, "clients": clients, "grid": grid, "guided": guided,
            "points": points, "final": final, "pick_vs_best": gain("tuner pick", "grid best"),
            "pick_vs_defaults": gain("tuner pick", "defaults")}


def markdown(rows, args):
    lines = [
        "| model | goal | grid: points, time | tuner: points, time (share) | defaults | grid best |"
        " tuner pick | pick vs grid best | pick vs defaults |",
        "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        unit = (lambda v: f"{v[0]:.1f} req/s") if r["goal"] == "throughput" else \
            (lambda v: f"p99 {v[1]:.2f} ms")
        final = r["final"]
        lines.append(
            f"| {r['model']} | {r['goal']} at {r['clients']} | {len(r['grid']['points'])}, "
            f"{r['grid']['wall_s']:.0f} s | {len(r['guided']['points'])}, "
            f"{r['guided']['wall_s']:.0f} s ({r['guided']['wall_s'] / r['grid']['wall_s']:.0%}) | "
            f"{unit(final['defaults'])} | {unit(final['grid best'])} | "
            f"{unit(final['tuner pick'])} | {r['pick_vs_best']:+.1%} | "
            f"{r['pick_vs_defaults']:+.1%} |")
    lines.append("")
    for r in rows:
        lines.append(f"- {r['model']}, {r['goal']}: grid best `{r['points']['grid best']['setting']}`;"
                     f" tuner pick `{r['points']['tuner pick']['setting']}` "
                     f"({r['guided']['stop_reason']}, noise {r['guided']['noise']:.1%}); why: "
                     f"{r['guided']['why']}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=str(TOP / "build" / "models"))
    parser.add_argument("--point_seconds", default="1")
    parser.add_argument("--warmup", default="0.3")
    parser.add_argument("--budget_seconds", default="60")
    parser.add_argument("--final_seconds", default="3")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="resnet,dummy")
    parser.add_argument("--log", default=str(TOP / "build" / "tune-compare.log"))
    parser.add_argument("--json", default=str(TOP / "build" / "tune-compare.json"))
    args = parser.parse_args()
    rows = []
    with open(args.log, "w") as log:
        for model in args.only.split(","):
            for goal, clients in GOALS:
                print(f"{model} {goal} at {clients} client(s)...", file=sys.stderr, flush=True)
                rows.append(compare(model, goal, clients, args, log))
    Path(args.json).write_text(json.dumps(rows, indent=1))
    print(markdown(rows, args))


if __name__ == "__main__":
    main()

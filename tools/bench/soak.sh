#!/usr/bin/env bash
# The memory soak (DESIGN.md §5: "memory stays flat over a one-hour soak"). Serves the tiny and
# the ResNet-shaped test models from one config.json and drives every protocol at once at a
# steady open-loop rate for DURATION seconds (all five protocols on `dummy`, JPEG inputs on
# `resnet`), sampling the server's resident memory every INTERVAL seconds. Writes
# RESULTS/soak_rss.csv and a Markdown summary RESULTS/soak.md (first sample after warm-up, peak,
# last, the growth over the second half of the run); with --doc the summary is also copied there.
# Exits 1 if any request failed or the server died. Not a test: it takes as long as it is asked to.
#
#   tools/bench/soak.sh [--duration S] [--interval S] [--rate R] [--build DIR]
#                       [--results DIR] [--doc PATH]
#
# Defaults: one hour, a sample every 30 s, 200 requests/s per protocol on `dummy`, 2/s JPEG on
# `resnet`. Ports: $BENCH_PORT_BASE (default 29300) and +1.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

duration=3600
interval=30
rate=200
build=build/release
results=build/soak-results
doc=
while (($#)); do
  case $1 in
    --duration) duration=$2; shift ;;
    --interval) interval=$2; shift ;;
    --rate) rate=$2; shift ;;
    --build) build=$2; shift ;;
    --results) results=$2; shift ;;
    --doc) doc=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown argument $1" >&2; exit 64 ;;
  esac
  shift
done

py=.venv/bin/python
models=build/models
base=${BENCH_PORT_BASE:-29300}
grpc_port=$base rest_port=$((base + 1))
warmup=60
(( duration > 2 * warmup )) || warmup=$((duration / 4))
rm -rf "$results" && mkdir -p "$results"

"$py" tools/make_models.py "$models" >/dev/null
"$py" tools/bench/test_image.py "$results/cat.jpg"
cat >"$results/config.json" <<EOF
{"model_config_list": [
  {"config": {"name": "dummy", "base_path": "$top/$models/dummy"}},
  {"config": {"name": "resnet", "base_path": "$top/$models/resnet",
              "plugin_config": {"PERFORMANCE_HINT": "THROUGHPUT", "INFERENCE_PRECISION_HINT": "f32"}}}
]}
EOF

"$build/mserve" --config_path "$results/config.json" --port "$grpc_port" --rest_port "$rest_port" \
  --metrics_enable >"$results/server.log" 2>&1 &
server=$!
clients=()
cleanup() {
  kill "${clients[@]}" 2>/dev/null || true
  kill -TERM "$server" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  grep -q 'Started model manager thread' "$results/server.log" && break
  kill -0 "$server" 2>/dev/null || { echo "soak.sh: server exited" >&2; tail -5 "$results/server.log" >&2; exit 1; }
  sleep 0.2
done

# Each client measures the whole run after its own warm-up; the RSS samples start with it too.
run() {  # LABEL ARGS...
  local label=$1; shift
  "$build/mserve-bench" --warmup "$warmup" --duration "$((duration - warmup))" --no_progress \
    --json "$results/$label.json" "$@" >"$results/$label.txt" 2>&1 &
  clients+=($!)
}
run kfs-grpc -m dummy -c 4 --rate "$rate" --address "localhost:$grpc_port"
run kfs-rest-binary -m dummy -c 4 --rate "$rate" --protocol kfs-rest-binary --address "localhost:$rest_port"
run kfs-rest-json -m dummy -c 4 --rate "$rate" --protocol kfs-rest-json --address "localhost:$rest_port"
run tfs-grpc -m dummy -c 4 --rate "$rate" --protocol tfs-grpc --address "localhost:$grpc_port"
run tfs-rest -m dummy -c 4 --rate "$rate" --protocol tfs-rest --address "localhost:$rest_port"
run resnet-jpeg -m resnet -c 2 --rate 2 --address "localhost:$grpc_port" --input_file "$results/cat.jpg"

echo "seconds,rss_kib" >"$results/soak_rss.csv"
start=$(date +%s)
while :; do
  now=$(( $(date +%s) - start ))
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server/status" 2>/dev/null) || { echo "soak.sh: server died" >&2; exit 1; }
  echo "$now,$rss" >>"$results/soak_rss.csv"
  (( now >= duration )) && break
  sleep "$interval"
done
failed=0
for pid in "${clients[@]}"; do wait "$pid" || failed=1; done
clients=()

"$py" - "$results" "$warmup" "$duration" "$rate" "$failed" <<'EOF'
import csv, json, os, sys
results, warmup, duration, rate, failed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
samples = [(int(r["seconds"]), int(r["rss_kib"])) for r in csv.DictReader(open(os.path.join(results, "soak_rss.csv")))]
after = [s for s in samples if s[0] >= warmup] or samples
half = [s for s in after if s[0] >= (after[0][0] + after[-1][0]) / 2]
mib = lambda kib: kib / 1024
lines = [f"Soak: {duration} s, `dummy` at {rate} req/s on each of KServe gRPC, KServe REST binary, "
         "KServe REST JSON, TFS gRPC and TFS REST, plus 2 req/s of 224×224 JPEGs to `resnet` over "
         "gRPC, all at once (`tools/bench/soak.sh`).", "",
         "| | |", "|---|---|",
         f"| RSS after {warmup} s warm-up | {mib(after[0][1]):.1f} MiB |",
         f"| RSS peak | {mib(max(s[1] for s in after)):.1f} MiB |",
         f"| RSS at the end | {mib(after[-1][1]):.1f} MiB |",
         f"| growth over the second half ({half[0][0]}–{half[-1][0]} s) | {mib(half[-1][1] - half[0][1]):+.1f} MiB |"]
total = errors = 0
for name in sorted(os.listdir(results)):
    if name.endswith(".json") and name != "config.json":
        run = json.load(open(os.path.join(results, name)))["runs"][0]
        total += run["requests"]
        errors += run["errors"]
lines.append(f"| requests answered / failed | {total} / {errors} |")
if failed != "0":
    lines.append("| client exit | a client reported failures |")
open(os.path.join(results, "soak.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
[ -n "$doc" ] && cp "$results/soak.md" "$doc"
exit "$failed"

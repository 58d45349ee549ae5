#!/usr/bin/env bash
# The scaling comparisons of docs/scaling.md, side by side in one invocation, on the ResNet-shaped
# model over KServe gRPC at the same total concurrency:
#   one       one instance, THROUGHPUT with NUM_STREAMS=2
#   pinned    two instances, one stream each, each under `taskset -c <its core>`
#   unpinned  two instances, one stream each, floating over all cores
#   quota     one instance in a cgroup v1 group with a 1-CPU CFS quota, defaults from the CPU
#             budget (1 thread, no pinning), against the same instance told to use what
#             OpenVINO would pick without the budget logic (threads = all cores, pinning on)
# Prints one markdown table. Not a test: the machine may be shared; compare rows of one run.
#
#   tools/bench/scaling.sh [--duration S] [--concurrency N] [--models DIR] [--build DIR]
#
# Needs root and a writable /sys/fs/cgroup/cpu for the quota rows (skipped otherwise).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

duration=8
concurrency=4
models=build/models
build=build/release
while (($#)); do
  case $1 in
    --duration) duration=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --models) models=$2; shift ;;
    --build) build=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "scaling.sh: unknown argument $1" >&2; exit 64 ;;
  esac
  shift
done

ncpu=$(nproc)
port_base=${BENCH_PORT_BASE:-29300}
work=$(mktemp -d /tmp/mserve-scaling.XXXXXX)
group=/sys/fs/cgroup/cpu/mserve_scaling_$$
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -d "$group" ]; then
    for pid in $(cat "$group/cgroup.procs"); do echo "$pid" >/sys/fs/cgroup/cpu/cgroup.procs; done
    rmdir "$group"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# start INDEX PLUGIN_CONFIG [PREFIX...]: an instance on port_base+INDEX; waits until ready.
start() {
  local index=$1 plugin=$2
  shift 2
  local log="$work/server-$index.log"
  "$@" "$build/mserve" --model_name resnet --model_path "$models/resnet" \
    --port $((port_base + index)) --plugin_config "$plugin" --file_system_poll_wait_seconds 0 \
    >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do
    grep -qs "Started model manager thread" "$log" && return 0
    sleep 0.1
  done
  echo "scaling.sh: server $index not ready:" >&2
  cat "$log" >&2
  exit 1
}

stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}

# bench LABEL CLIENTS INDEX...: one mserve-bench per instance, CLIENTS each, in parallel; prints
# "throughput p50 p99" summed/worst over the instances.
bench() {
  local label=$1 clients=$2
  shift 2
  local outs=()
  for index in "$@"; do
    "$build/mserve-bench" -m resnet --address "localhost:$((port_base + index))" \
      -c "$clients" -t "$duration" --warmup 2 --no_progress \
      --json "$work/$label-$index.json" >/dev/null &
    outs+=($!)
  done
  for pid in "${outs[@]}"; do wait "$pid"; done
  .venv/bin/python - "$work" "$label" "$@" <<'EOF'
import json, sys
work, label, indexes = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = [json.load(open(f"{work}/{label}-{i}.json"))["runs"][0] for i in indexes]
errors = sum(r["errors"] for r in runs)
print(f'{sum(r["throughput_rps"] for r in runs):.1f} '
      f'{max(r["latency_ms"]["p50"] for r in runs):.1f} '
      f'{max(r["latency_ms"]["p99"] for r in runs):.1f} {errors}')
EOF
}

row() {  # row NAME "throughput p50 p99 errors" EXTRA
  read -r rps p50 p99 errors <<<"$2"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p99" "$errors" "$3"
}

echo "| setup | throughput (inf/s) | p50 (ms) | p99 (ms) | errors | effective properties |"
echo "|---|---|---|---|---|---|"
f32='"INFERENCE_PRECISION_HINT":"f32"'
props() { grep -o 'INFERENCE_NUM_THREADS: [0-9]*\|NUM_STREAMS: [0-9]*\|ENABLE_CPU_PINNING: [A-Z]*' \
  "$work/server-$1.log" | sort -u | paste -sd ';' | sed 's/;/, /g'; }

start 0 "{\"PERFORMANCE_HINT\":\"THROUGHPUT\",\"NUM_STREAMS\":2,$f32}"
row "one instance, 2 streams" "$(bench one "$concurrency" 0)" "$(props 0)"
stop_all

half=$((concurrency / 2))
start 1 "{\"NUM_STREAMS\":1,$f32}" taskset -c 0
start 2 "{\"NUM_STREAMS\":1,$f32}" taskset -c $((1 % ncpu))
row "two instances, taskset one core each" "$(bench pinned "$half" 1 2)" "$(props 1)"
stop_all

start 3 "{\"NUM_STREAMS\":1,$f32}"
start 4 "{\"NUM_STREAMS\":1,$f32}"
row "two instances, unpinned" "$(bench unpinned "$half" 3 4)" "$(props 3)"
stop_all

if mkdir "$group" 2>/dev/null; then
  echo 100000 >"$group/cpu.cfs_period_us"
  echo 100000 >"$group/cpu.cfs_quota_us"
  in_group=(sh -c "echo \$\$ > $group/cgroup.procs && exec \"\$0\" \"\$@\"")
  start 5 "{\"PERFORMANCE_HINT\":\"THROUGHPUT\",$f32}" "${in_group[@]}"
  row "1-CPU quota, budget defaults" "$(bench quota "$half" 5)" "$(props 5)"
  stop_all
  start 6 "{\"PERFORMANCE_HINT\":\"THROUGHPUT\",\"INFERENCE_NUM_THREADS\":$ncpu,\"NUM_STREAMS\":$ncpu,\"ENABLE_CPU_PINNING\":true,$f32}" \
    "${in_group[@]}"
  row "1-CPU quota, sized from host CPUs (no budget)" "$(bench noquota "$half" 6)" "$(props 6)"
  stop_all
else
  echo "scaling.sh: no writable cgroup v1 cpu controller; quota rows skipped" >&2
fi

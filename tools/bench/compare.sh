#!/usr/bin/env bash
# The performance bar (DESIGN.md §5, issue 6): runs mserve, the in-process reference, the bare
# gRPC and HTTP echo floors and OpenVINO's benchmark_app side by side in one invocation, then
# writes docs/performance.md (ratios against the goals, the tuning knobs, the machine) and
# docs/performance_concurrency.png. Not a test: numbers depend on the machine and its load, so
# the goal ratios come from ROUNDS short back-to-back runs of each side (median of the per-round
# ratios), which a drifting machine affects alike.
#
#   tools/bench/compare.sh [--duration S] [--warmup S] [--rounds N] [--concurrency N]
#                          [--cpu-rate R] [--latency-rounds N] [--sweep 1,2,4,8] [--skip-knobs]
#                          [--skip-sweep]
#                          [--skip-benchmark-app] [--build DIR] [--results DIR] [--doc PATH]
#
# --latency-rounds: the one-client ResNet LATENCY comparison runs this many short rounds (3 s
# each side, back to back): its median overhead is a fraction of a millisecond on ~40 ms
# inferences that drift by milliseconds between runs, so it needs many tightly paired rounds.
# --cpu-rate: the fixed request rate (open loop, 8 clients) at which the tiny model's CPU per
# request is compared with the echo floors: the same load on every side, so that no side's
# figure benefits from batching more requests per wake-up than another's.
#
# Needs build/release/{mserve,mserve-bench,mserve-bench-grpc-echo,mserve-bench-http-echo}
# (scripts/build) and .venv (scripts/setup). Ports: $BENCH_PORT_BASE (default 29100) to +8.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

duration=4
warmup=1
rounds=3
concurrency=4  # THROUGHPUT runs: requests in flight (>= nireq keeps every infer request busy)
cpu_rate=4000  # requests/s: well below the slowest side's closed-loop maximum on 2 cores
latency_rounds=9
sweep=1,2,4,8
knobs=1
run_sweep=1
benchmark_app=1
build=build/release
results=build/bench-results
doc=docs/performance.md
while (($#)); do
  case $1 in
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --cpu-rate) cpu_rate=$2; shift ;;
    --latency-rounds) latency_rounds=$2; shift ;;
    --sweep) sweep=$2; shift ;;
    --skip-knobs) knobs=0 ;;
    --skip-sweep) run_sweep=0 ;;
    --skip-benchmark-app) benchmark_app=0 ;;
    --build) build=$2; shift ;;
    --results) results=$2; shift ;;
    --doc) doc=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 64 ;;
  esac
  shift
done

py=.venv/bin/python
models=build/models
base=${BENCH_PORT_BASE:-29100}
grpc_port=$base rest_port=$((base + 1))
echo_grpc_port=$((base + 2)) echo_hop_port=$((base + 3)) echo_http_port=$((base + 4))
async_grpc_port=$((base + 5)) async_rest_port=$((base + 6))
nireq8_grpc_port=$((base + 7)) nireq8_rest_port=$((base + 8))
for binary in mserve mserve-bench mserve-bench-grpc-echo mserve-bench-http-echo; do
  [ -x "$build/$binary" ] || { echo "compare.sh: $build/$binary missing (scripts/build)" >&2; exit 1; }
done
rm -rf "$results" && mkdir -p "$results"
commands=$results/commands.txt
: >"$commands"

# Same precision everywhere: the CPUs here would otherwise run FP32 models in bf16 (DESIGN §3).
precision='"INFERENCE_PRECISION_HINT":"f32"'
thr_config="{\"PERFORMANCE_HINT\":\"THROUGHPUT\",$precision}"
lat_config="{\"PERFORMANCE_HINT\":\"LATENCY\",$precision}"

declare -A pids  # server label → pid
trap stop_servers EXIT

log() { echo "compare.sh: $*" >&2; }

# start_server LABEL ARGS...: mserve (or an echo floor) with ARGS; waits until it serves.
start_server() {
  local label=$1; shift
  local logfile=$results/server-$label.log ready pid
  echo "server $label: $*" >>"$commands"
  "$@" >"$logfile" 2>&1 &
  pid=$!
  pids[$label]=$pid
  case $(basename "$1") in
    mserve) ready='Started model manager thread' ;;
    *) ready='listening on' ;;
  esac
  for _ in $(seq 1 600); do
    grep -q "$ready" "$logfile" && return 0
    kill -0 "$pid" 2>/dev/null || { log "server $label exited:"; tail -5 "$logfile" >&2; unset "pids[$label]"; return 1; }
    sleep 0.2
  done
  log "server $label not ready after 120 s"; return 1
}

stop_servers() {
  local label
  for label in "${!pids[@]}"; do kill -TERM "${pids[$label]}" 2>/dev/null || true; done
  for label in "${!pids[@]}"; do wait "${pids[$label]}" 2>/dev/null || true; done
  pids=()
}

mserve_resnet() {  # LABEL PLUGIN_CONFIG [mserve flags...]
  local label=$1 config=$2; shift 2
  start_server "$label" "$build/mserve" --model_name resnet --model_path "$models/resnet" \
    --port "$grpc_port" --rest_port "$rest_port" --file_system_poll_wait_seconds 0 \
    --plugin_config "$config" "$@"
}

# bench LABEL ARGS...: one mserve-bench invocation, its JSON into results/LABEL.json. A failed
# run is recorded (and reported as missing in the doc) without stopping the others.
bench() {
  local label=$1; shift
  local cmd=("$build/mserve-bench" --warmup "$warmup" --duration "$duration" --no_progress
             --label "$label" --json "$results/$label.json" "$@")
  echo "bench $label: ${cmd[*]}" >>"$commands"
  log "$label"
  "${cmd[@]}" >"$results/$label.txt" 2>&1 || log "$label failed (exit $?): $(tail -2 "$results/$label.txt")"
}

cpu_of() { echo "--server_pid=${pids[$1]}"; }  # charge server LABEL's CPU to the run

uptime >"$results/uptime-before.txt"
log "models"
"$py" tools/make_models.py "$models" >/dev/null
"$py" tools/bench/test_image.py "$results/cat.jpg"

# --- ResNet THROUGHPUT: in-process vs gRPC vs REST binary -------------------------------------
# An idle server costs nothing, so the reference runs beside it, back to back with the others.
mserve_resnet thr "$thr_config"
for round in $(seq 1 "$rounds"); do
  bench "thr-inproc.r$round" --in-process "$models/resnet" --plugin_config "$thr_config" -c "$concurrency"
  bench "thr-grpc.r$round" -m resnet -c "$concurrency" --address "localhost:$grpc_port" "$(cpu_of thr)"
  bench "thr-rest.r$round" -m resnet -c "$concurrency" --protocol kfs-rest-binary --address "localhost:$rest_port" "$(cpu_of thr)"
done
if [ "$run_sweep" = 1 ]; then  # for the chart: one pass, levels interleaved
  for level in ${sweep//,/ }; do
    bench "sweep-inproc.c$level" --in-process "$models/resnet" --plugin_config "$thr_config" -c "$level"
    bench "sweep-grpc.c$level" -m resnet -c "$level" --address "localhost:$grpc_port"
    bench "sweep-rest.c$level" -m resnet -c "$level" --protocol kfs-rest-binary --address "localhost:$rest_port"
  done
fi
if [ "$knobs" = 1 ]; then
  bench knob-rest-json -m resnet -c "$concurrency" --protocol kfs-rest-json --address "localhost:$rest_port"
  bench knob-rest-jpeg -m resnet -c "$concurrency" --protocol kfs-rest-binary --address "localhost:$rest_port" --input_file "$results/cat.jpg"
  bench knob-grpc-jpeg -m resnet -c "$concurrency" --address "localhost:$grpc_port" --input_file "$results/cat.jpg"
  bench knob-tfs-grpc -m resnet -c "$concurrency" --protocol tfs-grpc --address "localhost:$grpc_port"
  bench knob-tfs-rest -m resnet -c "$concurrency" --protocol tfs-rest --address "localhost:$rest_port"
fi
stop_servers

# --- ResNet LATENCY, one client ---------------------------------------------------------------
mserve_resnet lat "$lat_config"
short=(--duration 3)
for round in $(seq 1 "$latency_rounds"); do
  bench "lat-inproc.r$round" --in-process "$models/resnet" --plugin_config "$lat_config" -c 1 "${short[@]}"
  bench "lat-grpc.r$round" -m resnet -c 1 --address "localhost:$grpc_port" "${short[@]}"
  bench "lat-rest.r$round" -m resnet -c 1 --protocol kfs-rest-binary --address "localhost:$rest_port" "${short[@]}"
done
[ "$knobs" = 1 ] && bench knob-latency -m resnet -c "$concurrency" --address "localhost:$grpc_port"
stop_servers

# --- dummy, 8 clients: server CPU per request vs the transport floors, all servers up at once ---
dummy_server() {  # LABEL GRPC_PORT REST_PORT [mserve flags...]
  local label=$1 grpc=$2 rest=$3; shift 3
  start_server "$label" "$build/mserve" --model_name dummy --model_path "$models/dummy" \
    --port "$grpc" --rest_port "$rest" --file_system_poll_wait_seconds 0 \
    --plugin_config "$lat_config" "$@"
}
dummy_server dummy "$grpc_port" "$rest_port"
# Every inference handed to OpenVINO's threads (the path before inline inference), and a pool
# as large as the client count (so that requests rarely queue for an infer request).
dummy_server dummy-async "$async_grpc_port" "$async_rest_port" --inline_inference_max_us 0
dummy_server dummy-nireq8 "$nireq8_grpc_port" "$nireq8_rest_port" --nireq 8
start_server echo-grpc "$build/mserve-bench-grpc-echo" "$echo_grpc_port"
# The same floor finishing each call from a 2-thread pool: what one hand-off costs here.
start_server echo-grpc-hop "$build/mserve-bench-grpc-echo" "$echo_hop_port" 0.0.0.0 pool
start_server echo-http "$build/mserve-bench-http-echo" "$echo_http_port" 2
dummy=(-m dummy -c 8)
rated=(-m dummy -c 8 --rate "$cpu_rate")
rest=(--protocol kfs-rest-binary)
for round in $(seq 1 "$rounds"); do
  # Same load on both sides (the goal rows), then each side as fast as it goes (closed loop).
  bench "rate-echo-grpc.r$round" "${rated[@]}" --address "localhost:$echo_grpc_port" "$(cpu_of echo-grpc)"
  bench "rate-grpc.r$round" "${rated[@]}" --address "localhost:$grpc_port" "$(cpu_of dummy)"
  bench "rate-grpc-async.r$round" "${rated[@]}" --address "localhost:$async_grpc_port" "$(cpu_of dummy-async)"
  bench "rate-echo-http.r$round" "${rated[@]}" "${rest[@]}" --address "localhost:$echo_http_port" "$(cpu_of echo-http)"
  bench "rate-rest.r$round" "${rated[@]}" "${rest[@]}" --address "localhost:$rest_port" "$(cpu_of dummy)"
  bench "rate-rest-async.r$round" "${rated[@]}" "${rest[@]}" --address "localhost:$async_rest_port" "$(cpu_of dummy-async)"
  bench "cpu-echo-grpc.r$round" "${dummy[@]}" --address "localhost:$echo_grpc_port" "$(cpu_of echo-grpc)"
  bench "cpu-grpc.r$round" "${dummy[@]}" --address "localhost:$grpc_port" "$(cpu_of dummy)"
  bench "cpu-echo-http.r$round" "${dummy[@]}" "${rest[@]}" --address "localhost:$echo_http_port" "$(cpu_of echo-http)"
  bench "cpu-rest.r$round" "${dummy[@]}" "${rest[@]}" --address "localhost:$rest_port" "$(cpu_of dummy)"
done
bench cpu-grpc-async "${dummy[@]}" --address "localhost:$async_grpc_port" "$(cpu_of dummy-async)"
bench cpu-rest-async "${dummy[@]}" "${rest[@]}" --address "localhost:$async_rest_port" "$(cpu_of dummy-async)"
bench cpu-grpc-nireq8 "${dummy[@]}" --address "localhost:$nireq8_grpc_port" "$(cpu_of dummy-nireq8)"
bench cpu-rest-nireq8 "${dummy[@]}" "${rest[@]}" --address "localhost:$nireq8_rest_port" "$(cpu_of dummy-nireq8)"
bench cpu-echo-grpc-hop "${dummy[@]}" --address "localhost:$echo_hop_port" "$(cpu_of echo-grpc-hop)"
bench cpu-rest-json "${dummy[@]}" --protocol kfs-rest-json --address "localhost:$rest_port" "$(cpu_of dummy)"
bench cpu-tfs-grpc "${dummy[@]}" --protocol tfs-grpc --address "localhost:$grpc_port" "$(cpu_of dummy)"
bench cpu-tfs-rest "${dummy[@]}" --protocol tfs-rest --address "localhost:$rest_port" "$(cpu_of dummy)"
bench cpu-inproc --in-process "$models/dummy" --plugin_config "$lat_config" -c 8
# One client on the tiny model: the transport's own latency, not hidden by ResNet's variance.
bench lat-dummy-inproc --in-process "$models/dummy" --plugin_config "$lat_config" -c 1
bench lat-dummy-grpc -m dummy -c 1 --address "localhost:$grpc_port"
bench lat-dummy-rest -m dummy -c 1 --protocol kfs-rest-binary --address "localhost:$rest_port"
stop_servers

# --- One client, a ResNet-sized tensor through a trivial model: the transport's cost ----------
# `dynamic` (y = 2x) with [1,150528] FP32: 602 KB in and 602 KB out, inference negligible.
big=(--shape x=1,150528 -c 1)
start_server dyn "$build/mserve" --model_name dynamic --model_path "$models/dynamic" \
  --port "$grpc_port" --rest_port "$rest_port" --file_system_poll_wait_seconds 0 \
  --plugin_config "$lat_config"
bench lat-big-inproc --in-process "$models/dynamic" --plugin_config "$lat_config" "${big[@]}"
bench lat-big-grpc -m dynamic "${big[@]}" --address "localhost:$grpc_port"
bench lat-big-rest -m dynamic "${big[@]}" --protocol kfs-rest-binary --address "localhost:$rest_port"
stop_servers

# --- Tuning knobs: one server start each, gRPC, $concurrency clients ---------------------------
knob() {  # LABEL PLUGIN_CONFIG [mserve flags...]
  local label=$1; shift
  if mserve_resnet "$label" "$@"; then
    bench "knob-$label" -m resnet -c "$concurrency" --address "localhost:$grpc_port"
  fi
  stop_servers
}
if [ "$knobs" = 1 ]; then
  knob streams1 "{\"NUM_STREAMS\":\"1\",$precision}"
  knob streams2 "{\"NUM_STREAMS\":\"2\",$precision}"
  knob pinning-on "{\"PERFORMANCE_HINT\":\"THROUGHPUT\",\"ENABLE_CPU_PINNING\":true,$precision}"
  knob pinning-off "{\"PERFORMANCE_HINT\":\"THROUGHPUT\",\"ENABLE_CPU_PINNING\":false,$precision}"
  knob workers2 "$thr_config" --grpc_workers 2
  knob nireq1 "{\"NUM_STREAMS\":\"2\",$precision}" --nireq 1
  knob nireq4 "{\"NUM_STREAMS\":\"2\",$precision}" --nireq 4
  knob metrics "$thr_config" --metrics_enable || true
fi

# --- benchmark_app cross-check of the in-process reference -----------------------------------
if [ "$benchmark_app" = 1 ]; then
  nireq=$("$py" -c "import json;print(json.load(open('$results/thr-inproc.r1.json'))['properties']['nireq'])" 2>/dev/null || echo 2)
  cmd=(.venv/bin/benchmark_app -m "$models/resnet/1/model.xml" -d CPU -hint throughput
       -infer_precision f32 -nireq "$nireq" -t "$((duration * 2))" -dump_config "$results/benchmark_app_config.json")
  echo "benchmark_app: ${cmd[*]}" >>"$commands"
  log "benchmark_app"
  "${cmd[@]}" >"$results/benchmark_app.txt" 2>&1 || log "benchmark_app failed"
  bench xcheck-inproc --in-process "$models/resnet" --plugin_config "$results/benchmark_app_config.json" \
    --nireq "$nireq" -c "$nireq" --duration "$((duration * 2))"
fi

uptime >"$results/uptime-after.txt"
"$py" tools/bench/make_report.py --results "$results" --doc "$doc" \
  --options "duration=$duration warmup=$warmup rounds=$rounds concurrency=$concurrency cpu-rate=$cpu_rate latency-rounds=$latency_rounds build=$build"
log "wrote $doc"

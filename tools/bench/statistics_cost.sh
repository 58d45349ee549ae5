#!/usr/bin/env bash
# Server CPU per request of the tiny model at a fixed rate (8 clients, 2000 req/s, gRPC), two
# builds side by side: OLD (a build without the change under test) and NEW. Rounds alternate
# so that load from other processes hits both alike. Usage:
#   tools/bench/statistics_cost.sh OLD_MSERVE NEW_MSERVE [MODELS_DIR]
set -u
old=$1
new=$2
models=${3:-build/models}
bench=build/release/mserve-bench
start() { # BIN PORT
  "$1" --model_name dummy --model_path "$models/dummy" --port "$2" --rest_port 0 \
    --plugin_config '{"INFERENCE_PRECISION_HINT":"f32"}' > ${TMPDIR:-/tmp}/statistics-cost-$2.log 2>&1 &
  echo $!
}
old_pid=$(start "$old" 19301); new_pid=$(start "$new" 19302)
for i in $(seq 60); do grep -q "Started model manager" ${TMPDIR:-/tmp}/statistics-cost-19301.log && grep -q "Started model manager" ${TMPDIR:-/tmp}/statistics-cost-19302.log && break; sleep 0.5; done
for round in 1 2 3 4; do
  for side in old new; do
    if [ $side = old ]; then port=19301; pid=$old_pid; else port=19302; pid=$new_pid; fi
    echo "== $side round $round"
    "$bench" -m dummy -c 8 --rate 2000 -t 5 --warmup 1 --no_progress --address localhost:$port \
      --server_pid $pid 2>&1 | grep -A1 "srv us/req" | tail -1
  done
done
kill $old_pid $new_pid; wait

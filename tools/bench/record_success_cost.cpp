// Times InferStatistics::recordSuccess alone (one thread, best of 5 rounds of 20 M calls), for
// comparing two versions of src/metrics side by side (docs/performance.md). Not part of the
// build: compile it against each tree, e.g.
//   g++ -O2 -std=c++20 -I$TREE/src tools/bench/record_success_cost.cpp \
//       $TREE/src/metrics/infer_statistics.cpp $TREE/src/metrics/percentile_histogram.cpp
#include <chrono>
#include <cstdio>

#include "metrics/infer_statistics.hpp"
int main() {
  mserve::metrics::InferStatistics s;
  constexpr int kN = 20'000'000;
  double best = 1e9;
  for (int round = 0; round < 5; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kN; ++i) {
      // realistic spread of request times: 50 us .. 50 ms
      uint64_t ns = 50'000 + (static_cast<uint64_t>(i) * 2654435761u) % 50'000'000;
      s.recordSuccess(ns, ns / 3, {ns / 10, ns / 2, ns / 10});
    }
    double per =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() /
        kN;
    if (per < best) best = per;
  }
  std::printf("%.2f ns per recordSuccess\n", best);
  return static_cast<int>(s.snapshot().success.count & 1);
}

// Latency percentiles (nearest rank) over the samples of one run. Pure functions.
#pragma once

#include <cstdint>
#include <vector>

namespace mserve::bench {

struct LatencySummary {
  uint64_t count = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Sorts `samples_ns` in place.
LatencySummary summarise(std::vector<int64_t>& samples_ns);

}  // namespace mserve::bench

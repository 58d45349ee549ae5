#include "latency_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mserve::bench {
namespace {

double toMs(int64_t ns) { return static_cast<double>(ns) / 1e6; }

// Nearest-rank percentile of sorted samples: the smallest sample with at least p% at or below.
int64_t percentile(const std::vector<int64_t>& sorted, double p) {
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

LatencySummary summarise(std::vector<int64_t>& samples_ns) {
  LatencySummary summary;
  if (samples_ns.empty()) return summary;
  std::sort(samples_ns.begin(), samples_ns.end());
  summary.count = samples_ns.size();
  const long double total = std::accumulate(samples_ns.begin(), samples_ns.end(), 0.0L);
  summary.mean_ms = static_cast<double>(total / samples_ns.size()) / 1e6;
  summary.p50_ms = toMs(percentile(samples_ns, 50));
  summary.p90_ms = toMs(percentile(samples_ns, 90));
  summary.p95_ms = toMs(percentile(samples_ns, 95));
  summary.p99_ms = toMs(percentile(samples_ns, 99));
  summary.max_ms = toMs(samples_ns.back());
  return summary;
}

}  // namespace mserve::bench

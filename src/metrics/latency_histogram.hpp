// A histogram of microsecond durations with OVMS's buckets (floor(10 × 1.8^i), i = 0..32),
// updated with relaxed atomics so that observing costs no lock on the request path
// (prometheus-cpp's Histogram takes a mutex per observation). Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include <prometheus/client_metric.h>

namespace mserve::metrics {

class LatencyHistogram {
 public:
  static constexpr size_t kBucketCount = 33;  // finite bounds; +Inf is implied
  static const std::array<uint64_t, kBucketCount>& bounds();

  void observe(uint64_t microseconds);
  // A consistent-enough snapshot for scraping: the count is the sum of the buckets read, so
  // the two always agree; a scrape racing an observation may miss it in the sum or see it in
  // the sum only.
  prometheus::ClientMetric::Histogram snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kBucketCount + 1> buckets_{};  // last = above every bound
  std::atomic<uint64_t> sum_{0};
};

}  // namespace mserve::metrics

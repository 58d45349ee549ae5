// A fine-grained latency histogram for percentiles (the status page): microseconds in
// log-linear buckets, four per power of two (each bucket at most 25 % wider than its lower
// bound), from 0 to 2^37 us (38 hours). Observing is one bit scan and one relaxed atomic add, so it
// costs no lock on the request path; readers take a copy of the counts and subtract two copies to
// get the percentiles of an interval. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace mserve::metrics {

class PercentileHistogram {
 public:
  static constexpr size_t kSubBuckets = 4;  // per power of two
  static constexpr size_t kMaxExponent = 36;
  static constexpr size_t kBucketCount = kSubBuckets * kMaxExponent;
  using Counts = std::array<uint64_t, kBucketCount>;

  void observe(uint64_t microseconds) {
    buckets_[bucketOf(microseconds)].fetch_add(1, std::memory_order_relaxed);
  }
  Counts counts() const;

  // Index of the bucket holding `microseconds` (values past the last bucket go into it).
  static size_t bucketOf(uint64_t microseconds);
  // Smallest value bucket `index` holds; lowerBound(index + 1) is one past its largest.
  static uint64_t lowerBound(size_t index);
  // The value below which `quantile` (0..1) of the observations in `counts` lie, interpolated
  // linearly inside its bucket; -1 when `counts` holds no observation.
  static double percentile(const Counts& counts, double quantile);

 private:
  std::array<std::atomic<uint64_t>, kBucketCount> buckets_{};
};

}  // namespace mserve::metrics

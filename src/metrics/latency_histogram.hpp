// Histograms updated with relaxed atomics. LatencyHistogram: microsecond durations with OVMS's
// buckets (floor(10 × 1.8^i), i = 0..32), updated with relaxed atomics so that observing costs no
// lock on the request path (prometheus-cpp's Histogram takes a mutex per observation). Thread-safe.
#pragma once

#include <prometheus/client_metric.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <span>

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

// Sizes of the batches a model ran (dynamic batching), in power-of-two buckets 1 .. 65536.
class BatchSizeHistogram {
 public:
  static constexpr size_t kBucketCount = 17;
  static const std::array<uint64_t, kBucketCount>& bounds();
  void observe(uint64_t batch_size);
  prometheus::ClientMetric::Histogram snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kBucketCount + 1> buckets_{};
  std::atomic<uint64_t> sum_{0};
};

// Cumulative Prometheus buckets from per-bucket counts (`buckets` has one more than `bounds`).
prometheus::ClientMetric::Histogram histogramSnapshot(
    std::span<const uint64_t> bounds, std::span<const std::atomic<uint64_t>> buckets, uint64_t sum);

}  // namespace mserve::metrics

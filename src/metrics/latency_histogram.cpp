#include "metrics/latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mserve::metrics {

const std::array<uint64_t, LatencyHistogram::kBucketCount>& LatencyHistogram::bounds() {
  static const std::array<uint64_t, kBucketCount> kBounds = [] {
    std::array<uint64_t, kBucketCount> bounds{};
    for (size_t i = 0; i < kBucketCount; ++i) {
      bounds[i] = static_cast<uint64_t>(std::floor(10.0 * std::pow(1.8, static_cast<double>(i))));
    }
    return bounds;
  }();
  return kBounds;
}

void LatencyHistogram::observe(uint64_t microseconds) {
  const auto& limits = bounds();
  // Prometheus buckets are "less than or equal": the first bound >= the value.
  const size_t index = static_cast<size_t>(
      std::lower_bound(limits.begin(), limits.end(), microseconds) - limits.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(microseconds, std::memory_order_relaxed);
}

prometheus::ClientMetric::Histogram LatencyHistogram::snapshot() const {
  return histogramSnapshot(bounds(), buckets_, sum_.load(std::memory_order_relaxed));
}

const std::array<uint64_t, BatchSizeHistogram::kBucketCount>& BatchSizeHistogram::bounds() {
  static const std::array<uint64_t, kBucketCount> kBounds = [] {
    std::array<uint64_t, kBucketCount> bounds{};
    for (size_t i = 0; i < kBucketCount; ++i) bounds[i] = uint64_t{1} << i;
    return bounds;
  }();
  return kBounds;
}

void BatchSizeHistogram::observe(uint64_t batch_size) {
  const auto& limits = bounds();
  const size_t index = static_cast<size_t>(
      std::lower_bound(limits.begin(), limits.end(), batch_size) - limits.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(batch_size, std::memory_order_relaxed);
}

prometheus::ClientMetric::Histogram BatchSizeHistogram::snapshot() const {
  return histogramSnapshot(bounds(), buckets_, sum_.load(std::memory_order_relaxed));
}

prometheus::ClientMetric::Histogram histogramSnapshot(
    std::span<const uint64_t> bounds, std::span<const std::atomic<uint64_t>> buckets,
    uint64_t sum) {
  prometheus::ClientMetric::Histogram histogram;
  uint64_t cumulative = 0;
  histogram.bucket.reserve(bounds.size() + 1);
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += buckets[i].load(std::memory_order_relaxed);
    histogram.bucket.push_back({cumulative, static_cast<double>(bounds[i])});
  }
  cumulative += buckets[bounds.size()].load(std::memory_order_relaxed);
  histogram.bucket.push_back({cumulative, std::numeric_limits<double>::infinity()});
  histogram.sample_count = cumulative;
  histogram.sample_sum = static_cast<double>(sum);
  return histogram;
}

}  // namespace mserve::metrics

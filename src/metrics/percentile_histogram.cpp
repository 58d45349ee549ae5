#include "metrics/percentile_histogram.hpp"

#include <bit>

namespace mserve::metrics {

size_t PercentileHistogram::bucketOf(uint64_t microseconds) {
  if (microseconds < kSubBuckets) return static_cast<size_t>(microseconds);
  // The highest set bit picks the power of two, the two bits below it the quarter inside it.
  const auto exponent = static_cast<size_t>(std::bit_width(microseconds) - 1);  // >= 2
  const size_t quarter = static_cast<size_t>(microseconds >> (exponent - 2)) & (kSubBuckets - 1);
  const size_t index = kSubBuckets * (exponent - 1) + quarter;
  return index < kBucketCount ? index : kBucketCount - 1;
}

uint64_t PercentileHistogram::lowerBound(size_t index) {
  if (index < kSubBuckets) return index;
  const size_t exponent = index / kSubBuckets + 1;
  const uint64_t quarter = index % kSubBuckets;
  return (kSubBuckets + quarter) << (exponent - 2);
}

PercentileHistogram::Counts PercentileHistogram::counts() const {
  Counts out{};
  for (size_t i = 0; i < kBucketCount; ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

double PercentileHistogram::percentile(const Counts& counts, double quantile) {
  uint64_t total = 0;
  for (uint64_t count : counts) total += count;
  if (total == 0) return -1;
  const double rank = quantile * static_cast<double>(total);
  double below = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    const auto count = static_cast<double>(counts[i]);
    if (count > 0 && below + count >= rank) {
      const auto low = static_cast<double>(lowerBound(i));
      const auto high = static_cast<double>(lowerBound(i + 1));
      const double fraction = (rank - below) / count;
      return low + (high - low) * (fraction < 0 ? 0 : fraction);
    }
    below += count;
  }
  return static_cast<double>(lowerBound(kBucketCount));
}

}  // namespace mserve::metrics

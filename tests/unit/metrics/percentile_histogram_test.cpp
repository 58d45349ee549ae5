#include "metrics/percentile_histogram.hpp"

#include <gtest/gtest.h>

namespace mserve::metrics {
namespace {

using H = PercentileHistogram;

TEST(PercentileHistogramTest, BucketsAreContiguousAndAtMostAQuarterWide) {
  EXPECT_EQ(H::bucketOf(0), 0u);
  EXPECT_EQ(H::bucketOf(3), 3u);
  for (size_t i = 0; i + 1 < H::kBucketCount; ++i) {
    const uint64_t low = H::lowerBound(i);
    const uint64_t high = H::lowerBound(i + 1);
    ASSERT_LT(low, high) << i;
    EXPECT_EQ(H::bucketOf(low), i);
    EXPECT_EQ(H::bucketOf(high - 1), i);
    if (low >= 4) {
      EXPECT_LE(static_cast<double>(high - low), 0.25 * static_cast<double>(low));
    }
  }
  EXPECT_EQ(H::bucketOf(~uint64_t{0}), H::kBucketCount - 1);  // clamped, never out of range
}

TEST(PercentileHistogramTest, PercentilesOfAKnownDistributionWithinTheBucketWidth) {
  H histogram;
  for (uint64_t us = 1; us <= 1000; ++us) histogram.observe(us * 10);  // 10 us .. 10 ms, uniform
  const H::Counts counts = histogram.counts();
  EXPECT_NEAR(H::percentile(counts, 0.50), 5000, 5000 * 0.13);
  EXPECT_NEAR(H::percentile(counts, 0.90), 9000, 9000 * 0.13);
  EXPECT_NEAR(H::percentile(counts, 0.99), 9900, 9900 * 0.13);
}

TEST(PercentileHistogramTest, EmptyHasNoPercentile) {
  EXPECT_EQ(H::percentile(H().counts(), 0.5), -1);
}

}  // namespace
}  // namespace mserve::metrics

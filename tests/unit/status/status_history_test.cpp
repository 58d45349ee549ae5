#include "status/status_history.hpp"

#include <gtest/gtest.h>

namespace mserve::status {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

VersionFacts loaded(uint64_t successes, uint64_t request_ns, uint64_t instance = 1) {
  VersionFacts facts;
  facts.name = "m";
  facts.version = 1;
  facts.state = "AVAILABLE";
  facts.loaded = true;
  facts.instance = instance;
  facts.counters.successes = successes;
  facts.counters.request_ns = request_ns;
  facts.counters.queue_ns = successes * 3'000'000;  // 3 ms each
  facts.counters.infer_ns = successes * 1'000'000;  // 1 ms each
  facts.counters.latency[metrics::PercentileHistogram::bucketOf(4000)] = successes;
  return facts;
}

ServerFacts sample(int64_t second, std::vector<VersionFacts> versions, double cpu_seconds = 0) {
  ServerFacts facts;
  facts.wall_ms = second * 1000;
  facts.steady_ns = second * kSecond;
  facts.cpu_seconds = cpu_seconds;
  facts.cpu_budget = 2;
  facts.versions = std::move(versions);
  return facts;
}

TEST(StatusHistoryTest, FirstSampleIsTheBaselineThenOnePointPerInterval) {
  StatusHistory history;
  history.add(sample(0, {loaded(0, 0)}));
  EXPECT_TRUE(history.versions().at({"m", 1}).points.empty());
  // 100 requests of 4 ms each in 2 s: 50/s, 0.2 in flight on average.
  history.add(sample(2, {loaded(100, 100 * 4'000'000)}, 1.0));
  const auto& points = history.versions().at({"m", 1}).points;
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].successes, 100u);
  EXPECT_DOUBLE_EQ(points[0].seconds, 2.0);
  EXPECT_DOUBLE_EQ(points[0].concurrency, 0.2);
  EXPECT_DOUBLE_EQ(points[0].queue_ms, 3.0);
  EXPECT_DOUBLE_EQ(points[0].infer_ms, 1.0);
  EXPECT_NEAR(points[0].p50_ms, 4.0, 4.0 * 0.25);
  EXPECT_DOUBLE_EQ(points[0].cpu_cores, 0.5);
  EXPECT_DOUBLE_EQ(history.cpuCores(), 0.5);
}

TEST(StatusHistoryTest, IdleIntervalHasNoLatency) {
  StatusHistory history;
  history.add(sample(0, {loaded(5, 5)}));
  history.add(sample(1, {loaded(5, 5)}));
  const StatusPoint& point = history.versions().at({"m", 1}).points.at(0);
  EXPECT_EQ(point.successes, 0u);
  EXPECT_EQ(point.p99_ms, -1);
  EXPECT_EQ(point.queue_ms, -1);
}

TEST(StatusHistoryTest, RingKeepsTheNewestPointsOnly) {
  StatusHistory history(3);
  for (int64_t s = 0; s <= 10; ++s) history.add(sample(s, {loaded(s * 10, s * 1000)}));
  const auto& points = history.versions().at({"m", 1}).points;
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points.front().wall_ms, 8000);
  EXPECT_EQ(points.back().wall_ms, 10000);
}

TEST(StatusHistoryTest, AReloadedVersionStartsAfreshAndAGoneVersionIsDropped) {
  StatusHistory history;
  history.add(sample(0, {loaded(0, 0)}));
  history.add(sample(1, {loaded(50, 50)}));
  history.add(sample(2, {loaded(3, 3, /*instance=*/2)}));  // counters restarted
  EXPECT_TRUE(history.versions().at({"m", 1}).points.empty());
  history.add(sample(3, {loaded(13, 13, 2)}));
  EXPECT_EQ(history.versions().at({"m", 1}).points.at(0).successes, 10u);
  history.add(sample(4, {}));
  EXPECT_TRUE(history.versions().empty());
}

}  // namespace
}  // namespace mserve::status

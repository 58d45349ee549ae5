#include "metrics/infer_statistics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace mserve::metrics {
namespace {

TEST(InferStatisticsTest, StartsEmpty) {
  const InferStatisticsSnapshot empty = InferStatistics().snapshot();
  EXPECT_EQ(empty.success.count, 0u);
  EXPECT_EQ(empty.last_inference_ms, 0u);
  EXPECT_TRUE(empty.batches.empty());
}

TEST(InferStatisticsTest, SuccessFillsQueueAndComputeWithTheSameCount) {
  InferStatistics statistics;
  statistics.recordExecution(1, {10, 20, 30});
  statistics.recordSuccess(100, 5, {10, 20, 30});
  statistics.recordExecution(1, {1, 2, 3});
  statistics.recordSuccess(50, 7, {1, 2, 3});
  statistics.recordFailure(9);
  const InferStatisticsSnapshot s = statistics.snapshot();
  EXPECT_EQ(s.success.count, 2u);
  EXPECT_EQ(s.success.ns, 150u);
  EXPECT_EQ(s.fail.count, 1u);
  EXPECT_EQ(s.fail.ns, 9u);
  // perf_analyzer requires queue.count == success.count and three equal compute counts.
  EXPECT_EQ(s.queue.count, 2u);
  EXPECT_EQ(s.queue.ns, 12u);
  EXPECT_EQ(s.compute_input.count, 2u);
  EXPECT_EQ(s.compute_infer.count, 2u);
  EXPECT_EQ(s.compute_output.count, 2u);
  EXPECT_EQ(s.compute_input.ns, 11u);
  EXPECT_EQ(s.compute_infer.ns, 22u);
  EXPECT_EQ(s.compute_output.ns, 33u);
  EXPECT_EQ(s.inference_count, 2u);
  EXPECT_EQ(s.execution_count, 2u);
  ASSERT_EQ(s.batches.size(), 1u);
  EXPECT_EQ(s.batches[0].batch_size, 1u);
  EXPECT_EQ(s.batches[0].count, 2u);
  EXPECT_EQ(s.batches[0].ns.infer_ns, 22u);
}

TEST(InferStatisticsTest, BatchedExecutionsCountInferencesAndSizes) {
  InferStatistics statistics;
  // One execution of batch 4 serving 3 requests (sizes 1, 1, 2), then one of 200 (large path).
  statistics.recordExecution(4, {4, 40, 400});
  for (int i = 0; i < 3; ++i) statistics.recordSuccess(1000, 10, {4, 40, 400});
  statistics.recordExecution(200, {1, 1, 1});
  statistics.recordSuccess(1000, 10, {1, 1, 1});
  const InferStatisticsSnapshot s = statistics.snapshot();
  EXPECT_EQ(s.inference_count, 204u);
  EXPECT_EQ(s.execution_count, 2u);
  EXPECT_EQ(s.success.count, 4u);
  EXPECT_EQ(s.compute_infer.ns, 121u);  // the batch's time once per request in it
  ASSERT_EQ(s.batches.size(), 2u);
  EXPECT_EQ(s.batches[0].batch_size, 4u);
  EXPECT_EQ(s.batches[0].count, 1u);
  EXPECT_EQ(s.batches[0].ns.output_ns, 400u);
  EXPECT_EQ(s.batches[1].batch_size, 200u);
  EXPECT_EQ(s.batches[1].count, 1u);
}

TEST(InferStatisticsTest, LastInferenceIsWallClockMilliseconds) {
  InferStatistics statistics;
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  statistics.recordExecution(0, {});  // size 0 counts as 1
  const InferStatisticsSnapshot s = statistics.snapshot();
  EXPECT_GE(s.last_inference_ms, static_cast<uint64_t>(before));
  EXPECT_LE(s.last_inference_ms, static_cast<uint64_t>(before) + 60000);
  EXPECT_EQ(s.inference_count, 1u);
  ASSERT_EQ(s.batches.size(), 1u);
  EXPECT_EQ(s.batches[0].batch_size, 1u);
}

TEST(InferStatisticsTest, ConcurrentRecordsAreAllCounted) {
  InferStatistics statistics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&statistics] {
      for (int i = 0; i < 10000; ++i) {
        statistics.recordExecution(1, {1, 1, 1});
        statistics.recordSuccess(2, 1, {1, 1, 1});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const InferStatisticsSnapshot s = statistics.snapshot();
  EXPECT_EQ(s.success.count, 40000u);
  EXPECT_EQ(s.success.ns, 80000u);
  EXPECT_EQ(s.execution_count, 40000u);
}

}  // namespace
}  // namespace mserve::metrics

#include "status/run_time_advice.hpp"

#include <gtest/gtest.h>

namespace mserve::status {
namespace {

VersionFacts resnet(int64_t nireq, int64_t streams, int64_t threads = 2) {
  VersionFacts facts;
  facts.name = "resnet";
  facts.version = 1;
  facts.loaded = true;
  facts.compiled.nireq = nireq;
  facts.compiled.streams = streams;
  facts.compiled.threads = threads;
  return facts;
}

// 5 s with `clients` requests always in flight, each waiting `queue_ms` and inferring
// `infer_ms`, the process using `cpu` CPUs.
std::deque<StatusPoint> loadOf(double clients, double queue_ms, double infer_ms, double cpu) {
  std::deque<StatusPoint> points;
  const double per_request_ms = queue_ms + infer_ms;
  const auto per_second = static_cast<uint64_t>(clients * 1000 / per_request_ms);
  for (int i = 0; i < 5; ++i) {
    StatusPoint point;
    point.seconds = 1;
    point.successes = per_second;
    point.request_ns = static_cast<uint64_t>(per_second * per_request_ms * 1e6);
    point.queue_ns = static_cast<uint64_t>(per_second * queue_ms * 1e6);
    point.infer_ns = static_cast<uint64_t>(per_second * infer_ms * 1e6);
    point.cpu_cores = cpu;
    points.push_back(point);
  }
  return points;
}

TEST(RunTimeAdviceTest, WindowSumsTheLastPoints) {
  const AdviceWindow window = recentWindow(loadOf(8, 70, 10, 1.5), 3);
  EXPECT_EQ(window.points, 3u);
  EXPECT_DOUBLE_EQ(window.seconds, 3);
  EXPECT_EQ(window.successes, 300u);
  EXPECT_NEAR(window.concurrency, 8, 0.01);
  EXPECT_NEAR(window.queue_ms, 70, 0.01);
  EXPECT_NEAR(window.infer_ms, 10, 0.01);
  EXPECT_NEAR(window.cpu_cores, 1.5, 1e-9);
}

TEST(RunTimeAdviceTest, EightClientsOnOneInferRequestNameNireqAndStreams) {
  const auto advice =
      adviceFor(resnet(1, 1), recentWindow(loadOf(8, 70, 10, 1.9), kAdviceWindowPoints), 2);
  ASSERT_TRUE(advice.has_value());
  EXPECT_NE(advice->find("Model resnet version 1: 8.0 requests in flight on average share 1 "
                         "infer request(s) on 1 stream(s)"),
            std::string::npos)
      << *advice;
  EXPECT_NE(advice->find("waited 70.0 ms for an infer request and inferred in 10.0 ms"),
            std::string::npos)
      << *advice;
  EXPECT_NE(advice->find("Consider --nireq 2 with --plugin_config '{\"NUM_STREAMS\":2}'"),
            std::string::npos)
      << *advice;
}

TEST(RunTimeAdviceTest, EnoughStreamsButTooFewInferRequestsNamesNireqOnly) {
  const auto advice =
      adviceFor(resnet(1, 2, 1), recentWindow(loadOf(4, 30, 10, 1.0), kAdviceWindowPoints), 2);
  ASSERT_TRUE(advice.has_value());
  EXPECT_NE(advice->find("Consider --nireq 2"), std::string::npos) << *advice;
  EXPECT_EQ(advice->find("NUM_STREAMS"), std::string::npos) << *advice;
}

TEST(RunTimeAdviceTest, IdleCoresWithRequestsQueuedInsideOpenVinoNameStreams) {
  // nireq 4 takes every client at once, but one stream of one thread uses half the budget.
  const auto advice =
      adviceFor(resnet(4, 1, 1), recentWindow(loadOf(4, 0.1, 40, 1.0), kAdviceWindowPoints), 2);
  ASSERT_TRUE(advice.has_value());
  EXPECT_NE(advice->find("Consider --plugin_config '{\"NUM_STREAMS\":2}'"), std::string::npos)
      << *advice;
}

TEST(RunTimeAdviceTest, NothingWhenTheLoadIsLightOrTheSettingsFitIt) {
  const double budget = 2;
  // One client: nothing waits.
  EXPECT_FALSE(adviceFor(resnet(1, 1), recentWindow(loadOf(1, 0.01, 10, 1), 5), budget));
  // Saturated machine already at its streams and infer requests: nothing to tune.
  EXPECT_FALSE(adviceFor(resnet(2, 2, 1), recentWindow(loadOf(8, 70, 10, 2), 5), budget));
  // Too few requests, or too short a history, to judge.
  EXPECT_FALSE(adviceFor(resnet(1, 1), recentWindow(loadOf(8, 7000, 1000, 2), 5), budget));
  EXPECT_FALSE(adviceFor(resnet(1, 1), recentWindow(loadOf(8, 70, 10, 2), 4), budget));
  // Not loaded.
  VersionFacts failed = resnet(1, 1);
  failed.loaded = false;
  EXPECT_FALSE(adviceFor(failed, recentWindow(loadOf(8, 70, 10, 2), 5), budget));
}

}  // namespace
}  // namespace mserve::status

#include "metrics/metrics_registry.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace mserve::metrics {
namespace {

TEST(LatencyHistogramTest, BucketsAreOvmsBounds) {
  const auto& bounds = LatencyHistogram::bounds();
  const std::vector<uint64_t> expected = {
      10,       18,        32,        58,        104,       188,       340,      612,      1101,
      1983,     3570,      6426,      11568,     20822,     37481,     67466,    121439,   218591,
      393464,   708235,    1274823,   2294682,   4130428,   7434771,   13382588, 24088659, 43359586,
      78047255, 140485060, 252873108, 455171596, 819308872, 1474755971};
  ASSERT_EQ(bounds.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(bounds[i], expected[i]) << i;
}

TEST(LatencyHistogramTest, ObservationsLandInLessOrEqualBuckets) {
  LatencyHistogram histogram;
  histogram.observe(10);          // first bucket (le=10)
  histogram.observe(11);          // second (le=18)
  histogram.observe(5000000000);  // above every bound: +Inf only
  const auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.sample_count, 3u);
  EXPECT_DOUBLE_EQ(snapshot.sample_sum, 5000000021.0);
  ASSERT_EQ(snapshot.bucket.size(), 34u);
  EXPECT_EQ(snapshot.bucket[0].cumulative_count, 1u);
  EXPECT_EQ(snapshot.bucket[1].cumulative_count, 2u);
  EXPECT_EQ(snapshot.bucket[32].cumulative_count, 2u);
  EXPECT_EQ(snapshot.bucket[33].cumulative_count, 3u);
}

TEST(LatencyHistogramTest, ConcurrentObservationsAreAllCounted) {
  LatencyHistogram histogram;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) histogram.observe(100);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(histogram.snapshot().sample_count, 40000u);
  EXPECT_DOUBLE_EQ(histogram.snapshot().sample_sum, 4000000.0);
}

TEST(MetricsRegistryTest, UnknownFamilyIsRejected) {
  auto registry = MetricsRegistry::create("ovms_requests_success,ovms_nonsense");
  ASSERT_FALSE(registry.isOk());
  EXPECT_EQ(registry.status().message(), "Invalid name in metrics_list - ovms_nonsense");
}

TEST(MetricsRegistryTest, DefaultFamiliesWithOvmsLabels) {
  auto registry = MetricsRegistry::create("");
  ASSERT_TRUE(registry.isOk());
  auto model = registry.value()->addModelVersion("dummy", 1);
  model->countRequest(Api::kKServe, Interface::kGrpc, Method::kInfer, true);
  model->countRequest(Api::kKServe, Interface::kGrpc, Method::kInfer, true);
  model->countRequest(Api::kTensorFlowServing, Interface::kRest, Method::kStatus, false);
  model->observeRequestTime(Interface::kRest, 50);
  model->setStreams(2);
  const std::string text = registry.value()->serialize();
  EXPECT_NE(text.find("# TYPE ovms_requests_success counter"), std::string::npos);
  EXPECT_NE(text.find("ovms_requests_success{api=\"KServe\",interface=\"gRPC\",method="
                      "\"ModelInfer\",name=\"dummy\",version=\"1\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ovms_requests_fail{api=\"TensorFlowServing\",interface=\"REST\",method="
                      "\"GetModelStatus\",name=\"dummy\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ovms_request_time_us_bucket{interface=\"REST\",name=\"dummy\",version="
                      "\"1\",le=\"58\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ovms_streams{name=\"dummy\",version=\"1\"} 2"), std::string::npos);
  EXPECT_EQ(text.find("ovms_infer_req_queue_size"), std::string::npos);  // optional family
}

TEST(MetricsRegistryTest, ListEnablesOnlyNamedFamilies) {
  auto registry = MetricsRegistry::create("ovms_infer_req_queue_size, ovms_streams");
  ASSERT_TRUE(registry.isOk());
  registry.value()->addModelVersion("m", 3)->setQueueSize(4);
  const std::string text = registry.value()->serialize();
  EXPECT_NE(text.find("ovms_infer_req_queue_size{name=\"m\",version=\"3\"} 4"), std::string::npos);
  EXPECT_EQ(text.find("ovms_requests_success"), std::string::npos);
}

}  // namespace
}  // namespace mserve::metrics

namespace mserve::metrics {
namespace {

TEST(MetricsRegistryTest, StatusSeriesSumVersionsUnderOneLabelSet) {
  auto registry = MetricsRegistry::create("ovms_requests_success");
  ASSERT_TRUE(registry.isOk());
  registry.value()->addModelVersion("m", 1)->countRequest(Api::kKServe, Interface::kGrpc,
                                                          Method::kStatus, true);
  registry.value()->addModelVersion("m", 2)->countRequest(Api::kKServe, Interface::kGrpc,
                                                          Method::kStatus, true);
  // A reload of version 2 continues its series instead of adding a second one.
  EXPECT_EQ(registry.value()->addModelVersion("m", 2), registry.value()->addModelVersion("m", 2));
  const std::string text = registry.value()->serialize();
  const std::string series =
      "ovms_requests_success{api=\"KServe\",interface=\"gRPC\",method=\"ModelReady\",name=\"m\"}";
  EXPECT_NE(text.find(series + " 2"), std::string::npos) << text;
  EXPECT_EQ(text.find(series), text.rfind(series)) << "one series per label set";
}

}  // namespace
}  // namespace mserve::metrics

namespace mserve::metrics {
namespace {

TEST(MetricsRegistryTest, CompiledModelInfoIsOptionalWithSortedLabels) {
  auto defaults = MetricsRegistry::create("");
  ASSERT_TRUE(defaults.isOk());
  defaults.value()->addModelVersion("m", 2)->setCompiledInfo({{"nireq", "4"}});
  EXPECT_EQ(defaults.value()->serialize().find("ovms_compiled_model_info"), std::string::npos);

  auto registry = MetricsRegistry::create("ovms_compiled_model_info");
  ASSERT_TRUE(registry.isOk());
  registry.value()->addModelVersion("unloaded", 1);  // no info yet: no series
  registry.value()->addModelVersion("m", 2)->setCompiledInfo(
      {{"device", "CPU"}, {"nireq", "4"}, {"streams", "2"}, {"threads", "1"}});
  const std::string text = registry.value()->serialize();
  EXPECT_NE(text.find("# TYPE ovms_compiled_model_info gauge"), std::string::npos) << text;
  EXPECT_NE(text.find("ovms_compiled_model_info{device=\"CPU\",name=\"m\",nireq=\"4\","
                      "streams=\"2\",threads=\"1\",version=\"2\"} 1"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("unloaded"), std::string::npos) << text;
}

}  // namespace
}  // namespace mserve::metrics

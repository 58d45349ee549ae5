#include "tune_report.hpp"

#include <gtest/gtest.h>

#include "output_values.hpp"

namespace mserve::bench {
namespace {

TriedPoint measured(const Candidate& candidate, double rps, double p99, std::string precision) {
  TriedPoint point{candidate, {}, {}};
  Measurement m;
  m.throughput_rps = rps;
  m.p50_ms = p99 / 2;
  m.p99_ms = p99;
  m.precision = std::move(precision);
  m.max_abs_error = 0.5;
  m.max_rel_error = 0.01;
  point.runs.push_back(m);
  return point;
}

struct Fixture {
  TuneResult result;
  TuneContext context{"resnet", "/models/resnet", "CPU", 2, 8, "guided", "bf16", {}};
  Fixture() {
    result.points.push_back(measured(defaultCandidate(), 100, 80, "bf16"));
    result.points.push_back(measured({"", 2, 0, 4, true, "", false}, 150, 50, "bf16"));
    result.best = 1;
  }
  const Candidate& best() const { return result.points[1].candidate; }
};

TEST(TuneReportTest, FlagsAndConfigEntryAreExact) {
  Fixture f;
  EXPECT_EQ(recommendedFlags(f.best()),
            R"(--plugin_config '{"NUM_STREAMS":"2","ENABLE_CPU_PINNING":"YES"}' --nireq 4)");
  EXPECT_EQ(configEntryJson(f.best(), f.context),
            R"({"config":{"name":"resnet","base_path":"/models/resnet","target_device":"CPU",)"
            R"("plugin_config":{"NUM_STREAMS":"2","ENABLE_CPU_PINNING":"YES"},"nireq":4}})");
  EXPECT_EQ(recommendedFlags(defaultCandidate()), "(no --plugin_config)");
}

TEST(TuneReportTest, BatchingGoesIntoTheFlagsAndTheSchedulingKey) {
  Fixture f;
  Candidate batched = f.best();
  batched.max_batch = 8;
  EXPECT_EQ(recommendedFlags(batched),
            R"(--plugin_config '{"NUM_STREAMS":"2","ENABLE_CPU_PINNING":"YES"}' --nireq 4 )"
            R"(--dynamic_batching_max_batch_size 8)");
  EXPECT_NE(configEntryJson(batched, f.context)
                .find(R"("nireq":4,"scheduling":{"dynamic_batching":{"max_batch_size":8}}})"),
            std::string::npos);
}

TEST(TuneReportTest, WhyNamesTheRuleTheGainAndThePrecisionCost) {
  Fixture f;
  f.context.limits.p99_ms = 60;
  EXPECT_EQ(recommendationWhy(f.result, f.context),
            "NUM_STREAMS 2: 8 clients on 2 CPUs; 150.0 req/s, +50 % over the defaults "
            "(100.0 req/s); p99 50.00 ms <= 60.0 ms SLO; nireq 4; bf16 costs max abs error "
            "0.5 / 1% of the f32 outputs");
}

TEST(TuneReportTest, TableMarksTheRecommendationAndTheFront) {
  Fixture f;
  const std::string text = tuneText(f.result, f.context);
  EXPECT_NE(text.find(">   1 streams 2, nireq 4, pin YES, default precision"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Recommended: streams 2, nireq 4"), std::string::npos);
  EXPECT_NE(text.find("flags:       --plugin_config"), std::string::npos);
}

TEST(OutputValuesTest, ComparesAgainstTheReference) {
  const OutputValues reference{{1, -4, 2}, {}};
  const OutputValues other{{1.5, -4, 2}, {}};
  const auto error = compareOutputs(reference, other);
  ASSERT_TRUE(error);
  EXPECT_DOUBLE_EQ(error->max_abs, 0.5);
  EXPECT_DOUBLE_EQ(error->max_rel, 0.125);  // 0.5 of max |reference| 4
  EXPECT_FALSE(compareOutputs(reference, {{1, 2}, {}}));
  EXPECT_FALSE(compareOutputs({{}}, {{}}));  // nothing numeric
}

TEST(OutputValuesTest, ReadsBf16AndIntegers) {
  const uint16_t bf16[] = {0x3f80, 0xc000};  // 1.0, -2.0
  tensor::OutputTensor output;
  output.datatype = tensor::DataType::kBf16;
  output.data = std::as_bytes(std::span(bf16));
  EXPECT_EQ(numericValues(output), (std::vector<double>{1.0, -2.0}));
  const int64_t ints[] = {7, -9};
  output.datatype = tensor::DataType::kInt64;
  output.data = std::as_bytes(std::span(ints));
  EXPECT_EQ(numericValues(output), (std::vector<double>{7, -9}));
}

}  // namespace
}  // namespace mserve::bench

// The statistics answer: protobuf built from the backend's figures, and its REST JSON.
#include "api/kfs/kfs_statistics.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mserve::api::kfs {
namespace {

std::vector<VersionStatistics> sample() {
  VersionStatistics version;
  version.name = "dummy";
  version.version = 3;
  version.statistics.success = {2, 150};
  version.statistics.fail = {1, 9};
  version.statistics.queue = {2, 12};
  version.statistics.compute_input = {2, 11};
  version.statistics.compute_infer = {2, 22};
  version.statistics.compute_output = {2, 33};
  version.statistics.inference_count = 2;
  version.statistics.execution_count = 2;
  version.statistics.last_inference_ms = 1700000000123;
  version.statistics.batches.push_back({1, 2, {11, 22, 33}});
  return {version};
}

TEST(KfsStatistics, ProtobufCarriesEveryFigure) {
  inference::ModelStatisticsResponse out;
  buildModelStatistics(sample(), out);
  ASSERT_EQ(out.model_stats_size(), 1);
  const inference::ModelStatistics& model = out.model_stats(0);
  EXPECT_EQ(model.name(), "dummy");
  EXPECT_EQ(model.version(), "3");
  EXPECT_EQ(model.last_inference(), 1700000000123u);
  EXPECT_EQ(model.inference_stats().success().ns(), 150u);
  EXPECT_EQ(model.inference_stats().queue().count(), 2u);
  EXPECT_EQ(model.inference_stats().compute_output().ns(), 33u);
  EXPECT_TRUE(model.inference_stats().has_cache_hit());
  ASSERT_EQ(model.batch_stats_size(), 1);
  EXPECT_EQ(model.batch_stats(0).batch_size(), 1u);
  EXPECT_EQ(model.batch_stats(0).compute_infer().count(), 2u);
  EXPECT_EQ(model.batch_stats(0).compute_infer().ns(), 22u);
}

TEST(KfsStatistics, JsonHasTritonsShapeAndTypes) {
  inference::ModelStatisticsResponse proto;
  buildModelStatistics(sample(), proto);
  rapidjson::Document json;
  json.Parse(modelStatisticsJson(proto).c_str());
  ASSERT_FALSE(json.HasParseError());
  const auto& model = json["model_stats"][0];
  EXPECT_STREQ(model["name"].GetString(), "dummy");
  EXPECT_STREQ(model["version"].GetString(), "3");  // a string, as Triton writes it
  EXPECT_EQ(model["last_inference"].GetUint64(), 1700000000123u);
  EXPECT_EQ(model["inference_count"].GetUint64(), 2u);
  EXPECT_EQ(model["execution_count"].GetUint64(), 2u);
  const auto& stats = model["inference_stats"];
  for (const char* key : {"success", "fail", "queue", "compute_input", "compute_infer",
                          "compute_output", "cache_hit", "cache_miss"}) {
    ASSERT_TRUE(stats.HasMember(key)) << key;
    EXPECT_TRUE(stats[key]["count"].IsUint64()) << key;
    EXPECT_TRUE(stats[key]["ns"].IsUint64()) << key;
  }
  EXPECT_EQ(stats["fail"]["ns"].GetUint64(), 9u);
  EXPECT_EQ(model["batch_stats"][0]["compute_output"]["ns"].GetUint64(), 33u);
  EXPECT_TRUE(model["response_stats"].IsObject());
  EXPECT_TRUE(model["memory_usage"].IsArray());
}

TEST(KfsStatistics, NoModelsIsAnEmptyList) {
  inference::ModelStatisticsResponse proto;
  buildModelStatistics({}, proto);
  EXPECT_EQ(modelStatisticsJson(proto), R"({"model_stats":[]})");
}

}  // namespace
}  // namespace mserve::api::kfs

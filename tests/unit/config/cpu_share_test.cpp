// Fair core sharing: the budget split by cpu_weight between CPU models without their own
// streams/threads, explicit settings kept (and oversubscription warned about), a lone model
// left alone, one thread each when models outnumber the cores.
#include "config/cpu_share.hpp"

#include <gtest/gtest.h>

namespace mserve::config {
namespace {

ModelConfig model(const std::string& name, PluginConfig plugin = {}, uint32_t weight = 1) {
  ModelConfig config;
  config.name = name;
  config.plugin_config = std::move(plugin);
  config.scheduling.cpu_weight = weight;
  return config;
}

std::string threadsOf(const ModelConfig& config) {
  for (const auto& [key, value] : config.plugin_config) {
    if (key == "INFERENCE_NUM_THREADS") return value;
  }
  return "";
}

TEST(CpuShareTest, SplitsByWeight) {
  std::vector<ModelConfig> models = {model("a", {}, 3), model("b", {}, 1)};
  const CpuShareReport report = shareCpuBudget(models, 8);
  EXPECT_EQ(threadsOf(models[0]), "6");
  EXPECT_EQ(threadsOf(models[1]), "2");
  ASSERT_EQ(report.info.size(), 1u);
  EXPECT_NE(report.info[0].find("a 6, b 2"), std::string::npos) << report.info[0];
  EXPECT_TRUE(report.warnings.empty());
}

TEST(CpuShareTest, LoneModelKeepsTheMachine) {
  std::vector<ModelConfig> models = {model("a")};
  const CpuShareReport report = shareCpuBudget(models, 8);
  EXPECT_EQ(threadsOf(models[0]), "");
  EXPECT_TRUE(report.info.empty());
}

TEST(CpuShareTest, ExplicitSettingsAreKeptAndCounted) {
  std::vector<ModelConfig> models = {
      model("fixed", {{"NUM_STREAMS", "2"}, {"INFERENCE_NUM_THREADS", "2"}}), model("a"),
      model("b")};
  shareCpuBudget(models, 8);
  EXPECT_EQ(threadsOf(models[0]), "2");  // unchanged
  EXPECT_EQ(threadsOf(models[1]), "2");  // (8 - 4) / 2
  EXPECT_EQ(threadsOf(models[2]), "2");
}

TEST(CpuShareTest, ExplicitOversubscriptionIsWarned) {
  std::vector<ModelConfig> models = {
      model("x", {{"NUM_STREAMS", "4"}, {"INFERENCE_NUM_THREADS", "2"}}),
      model("y", {{"INFERENCE_NUM_THREADS", "4"}})};
  const CpuShareReport report = shareCpuBudget(models, 4);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("12 streams x threads"), std::string::npos);
}

TEST(CpuShareTest, MoreModelsThanCoresGetOneThreadEach) {
  std::vector<ModelConfig> models = {model("a"), model("b"), model("c"), model("d")};
  const CpuShareReport report = shareCpuBudget(models, 2);
  for (const ModelConfig& config : models) EXPECT_EQ(threadsOf(config), "1");
  EXPECT_TRUE(report.oversubscribed);
}

TEST(CpuShareTest, OtherDevicesAreLeftAlone) {
  std::vector<ModelConfig> models = {model("a"), model("g")};
  models[1].target_device = "GPU";
  shareCpuBudget(models, 8);
  EXPECT_EQ(threadsOf(models[0]), "");
  EXPECT_EQ(threadsOf(models[1]), "");
}

}  // namespace
}  // namespace mserve::config

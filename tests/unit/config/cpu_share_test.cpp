// Fair core sharing: the budget split by cpu_weight between CPU models without their own
// streams/threads, explicit settings kept (and oversubscription warned about), a lone model
// left alone, one thread each when models outnumber the cores.
#include "config/cpu_share.hpp"

#include <gtest/gtest.h>

#include "config/cpu_defaults.hpp"

namespace mserve::config {
namespace {

ModelConfig model(const std::string& name, PluginConfig plugin = {}, uint32_t weight = 1) {
  ModelConfig config;
  config.name = name;
  config.plugin_config = std::move(plugin);
  config.scheduling.cpu_weight = weight;
  return config;
}

std::string propertyOf(const PluginConfig& properties, const std::string& name) {
  for (const auto& [key, value] : properties) {
    if (key == name) return value;
  }
  return "";
}

std::string threadsOf(const ModelConfig& config) {
  return propertyOf(config.plugin_config, "INFERENCE_NUM_THREADS");
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
  EXPECT_EQ(threadsOf(models[0]), "2");  // unchanged: its two streams share two threads
  EXPECT_EQ(threadsOf(models[1]), "3");  // (8 - 2) / 2
  EXPECT_EQ(threadsOf(models[2]), "3");
}

TEST(CpuShareTest, ExplicitOversubscriptionIsWarned) {
  std::vector<ModelConfig> models = {
      model("x", {{"NUM_STREAMS", "4"}, {"INFERENCE_NUM_THREADS", "2"}}),
      model("y", {{"INFERENCE_NUM_THREADS", "4"}})};
  const CpuShareReport report = shareCpuBudget(models, 4);
  ASSERT_EQ(report.warnings.size(), 1u);
  // x: four streams need four threads at least; y: four.
  EXPECT_NE(report.warnings[0].find("use 8 threads"), std::string::npos) << report.warnings[0];
}

TEST(CpuShareTest, MoreModelsThanCoresGetOneThreadEach) {
  std::vector<ModelConfig> models = {model("a"), model("b"), model("c"), model("d")};
  const CpuShareReport report = shareCpuBudget(models, 2);
  for (const ModelConfig& config : models) EXPECT_EQ(threadsOf(config), "1");
  EXPECT_TRUE(report.oversubscribed);
}

TEST(CpuShareTest, MoreModelsThanCoresShareInTimeUnderTheAdmissionLimit) {
  std::vector<ModelConfig> models = {model("a"), model("b"), model("c"),
                                     model("x", {{"INFERENCE_NUM_THREADS", "1"}})};
  models[0].fingerprint = "a's entry";
  const CpuShareReport report = shareCpuBudget(models, 3);
  EXPECT_EQ(report.admission_limit, 2u);  // the cores x's thread left
  EXPECT_TRUE(models[0].scheduling.admitted);
  EXPECT_TRUE(models[2].scheduling.admitted);
  EXPECT_FALSE(models[3].scheduling.admitted);  // explicit settings keep their own streams
  // Entering (or leaving) the limit changes the fingerprint, so the version reloads.
  EXPECT_NE(models[0].fingerprint, "a's entry");
  ASSERT_FALSE(report.warnings.empty());
  EXPECT_NE(report.warnings.back().find("admission limit 2 concurrent inferences"),
            std::string::npos)
      << report.warnings.back();
}

TEST(CpuShareTest, ASplitThatFitsHasNoAdmissionLimit) {
  std::vector<ModelConfig> models = {model("a"), model("b")};
  const CpuShareReport report = shareCpuBudget(models, 4);
  EXPECT_EQ(report.admission_limit, 0u);
  EXPECT_FALSE(models[0].scheduling.admitted);
  EXPECT_FALSE(models[1].scheduling.admitted);
  ASSERT_EQ(report.info.size(), 1u);
  EXPECT_NE(report.info[0].find("the split fits: no admission limit"), std::string::npos)
      << report.info[0];
}

TEST(CpuShareTest, OtherDevicesAreLeftAlone) {
  std::vector<ModelConfig> models = {model("a"), model("g")};
  models[1].target_device = "GPU";
  shareCpuBudget(models, 8);
  EXPECT_EQ(threadsOf(models[0]), "");
  EXPECT_EQ(threadsOf(models[1]), "");
}

// Under a CFS quota the THROUGHPUT hint gets NUM_STREAMS from cpuBudgetDefaults: with the
// split's threads, each model's streams x threads per stream stays within its share, so the
// sum stays within the budget.
TEST(CpuShareTest, ThroughputStreamsUnderAQuotaStayWithinTheSplit) {
  util::CpuBudget budget;
  budget.affinity_cpus = 16;
  budget.quota_cpus = 4.0;
  budget.cpus = 4;
  const PluginConfig throughput = {{"PERFORMANCE_HINT", "THROUGHPUT"}};
  std::vector<ModelConfig> models = {model("a", throughput), model("b", throughput),
                                     model("c", throughput, 2)};
  shareCpuBudget(models, budget.cpus);
  uint64_t used = 0;
  for (const ModelConfig& config : models) {
    const PluginConfig added = cpuBudgetDefaults(config.plugin_config, "CPU", budget);
    const uint64_t threads = std::stoul(threadsOf(config));
    const uint64_t streams = std::stoul(propertyOf(added, "NUM_STREAMS"));
    EXPECT_LE(streams, threads) << config.name;  // at least one thread per stream
    used += threads;                             // streams share the model's threads
  }
  EXPECT_LE(used, budget.cpus);
  EXPECT_EQ(propertyOf(cpuBudgetDefaults(models[2].plugin_config, "CPU", budget), "NUM_STREAMS"),
            "2");
}

}  // namespace
}  // namespace mserve::config

#include "config/cpu_defaults.hpp"

#include <gtest/gtest.h>

namespace mserve::config {
namespace {

util::CpuBudget quotaBudget(double quota, uint32_t affinity, uint32_t cpus) {
  util::CpuBudget budget;
  budget.affinity_cpus = affinity;
  budget.quota_cpus = quota;
  budget.cpus = cpus;
  return budget;
}

TEST(CpuBudgetDefaults, NoneWithoutAQuota) {
  util::CpuBudget pinned;  // e.g. taskset: OpenVINO honours the mask itself
  pinned.affinity_cpus = 1;
  pinned.cpus = 1;
  EXPECT_TRUE(cpuBudgetDefaults({{"PERFORMANCE_HINT", "LATENCY"}}, "CPU", pinned).empty());
}

TEST(CpuBudgetDefaults, QuotaSetsThreadsAndPinning) {
  const PluginConfig added =
      cpuBudgetDefaults({{"PERFORMANCE_HINT", "LATENCY"}}, "CPU", quotaBudget(1.0, 8, 1));
  EXPECT_EQ(added, (PluginConfig{{"INFERENCE_NUM_THREADS", "1"}, {"ENABLE_CPU_PINNING", "NO"}}));
}

TEST(CpuBudgetDefaults, ThroughputHintGetsStreams) {
  const PluginConfig added =
      cpuBudgetDefaults({{"PERFORMANCE_HINT", "THROUGHPUT"}}, "CPU", quotaBudget(2.0, 8, 2));
  EXPECT_EQ(added, (PluginConfig{{"INFERENCE_NUM_THREADS", "2"},
                                 {"ENABLE_CPU_PINNING", "NO"},
                                 {"NUM_STREAMS", "2"}}));
}

TEST(CpuBudgetDefaults, ExplicitValuesWin) {
  const PluginConfig user = {{"PERFORMANCE_HINT", "THROUGHPUT"},
                             {"NUM_STREAMS", "4"},
                             {"INFERENCE_NUM_THREADS", "4"},
                             {"ENABLE_CPU_PINNING", "YES"}};
  EXPECT_TRUE(cpuBudgetDefaults(user, "CPU", quotaBudget(1.0, 8, 1)).empty());
}

TEST(CpuBudgetDefaults, FractionalQuotaTurnsPinningOffButKeepsRoundedThreads) {
  // 1.5 CPUs on 2: OVMS's rounding keeps 2 threads, but pinned threads would be throttled.
  const PluginConfig added = cpuBudgetDefaults({}, "CPU", quotaBudget(1.5, 2, 2));
  EXPECT_EQ(added, (PluginConfig{{"INFERENCE_NUM_THREADS", "2"}, {"ENABLE_CPU_PINNING", "NO"}}));
}

TEST(CpuBudgetDefaults, OnlyForTheCpuDevice) {
  EXPECT_TRUE(cpuBudgetDefaults({}, "GPU", quotaBudget(1.0, 8, 1)).empty());
  EXPECT_TRUE(cpuBudgetDefaults({}, "HETERO:GPU,CPU", quotaBudget(1.0, 8, 1)).empty());
}

}  // namespace
}  // namespace mserve::config

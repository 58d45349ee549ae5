// config.json's `scheduling` key: accepted values, Triton's validation rules and the limits a
// file cannot exceed; unknown keys inside it refused by the schema; the single-model list form.
#include "config/scheduling_config.hpp"

#include <gtest/gtest.h>

#include "config/config_file.hpp"

namespace mserve::config {
namespace {

util::StatusOr<ServerConfig> withScheduling(const std::string& scheduling) {
  return parseServerConfig(
      R"({"model_config_list":[{"config":{"name":"m","base_path":"/m","scheduling":)" + scheduling +
          "}}]}",
      "/srv");
}

TEST(SchedulingConfigTest, ParsesEveryKey) {
  auto parsed = withScheduling(
      R"({"dynamic_batching":{"max_batch_size":16,"preferred_batch_size":[8,4,8],
          "max_queue_delay_microseconds":500,"preserve_ordering":true},
          "max_queue_size":32,"queue_timeout_microseconds":2000,"cpu_weight":3})");
  ASSERT_TRUE(parsed.isOk()) << parsed.status().message();
  const SchedulingConfig& config = parsed->models.at(0).scheduling;
  EXPECT_EQ(config.batching.max_batch_size, 16u);
  EXPECT_EQ(config.batching.preferred_batch_sizes, (std::vector<uint32_t>{4, 8}));
  EXPECT_EQ(config.batching.max_queue_delay_us, 500u);
  EXPECT_TRUE(config.batching.preserve_ordering);
  EXPECT_EQ(config.max_queue_size, 32u);
  EXPECT_EQ(config.queue_timeout_us, 2000u);
  EXPECT_EQ(config.cpu_weight, 3u);
}

TEST(SchedulingConfigTest, AbsentMeansOff) {
  auto parsed = parseServerConfig(
      R"({"model_config_list":[{"config":{"name":"m","base_path":"/m"}}]})", "/srv");
  ASSERT_TRUE(parsed.isOk());
  const SchedulingConfig& config = parsed->models.at(0).scheduling;
  EXPECT_FALSE(config.batching.enabled());
  EXPECT_FALSE(config.max_queue_size.has_value());
  EXPECT_FALSE(config.queue_timeout_us.has_value());
}

TEST(SchedulingConfigTest, RefusesBadValues) {
  for (const char* bad : {
           R"({"dynamic_batching":{"preferred_batch_size":[2]}})",  // no max_batch_size
           R"({"dynamic_batching":{"max_batch_size":4,"preferred_batch_size":[5]}})",
           R"({"dynamic_batching":{"max_batch_size":4,"preferred_batch_size":[0]}})",
           R"({"dynamic_batching":{"max_batch_size":100000}})",
           R"({"dynamic_batching":{"max_batch_size":4,"max_queue_delay_microseconds":1e30}})",
           R"({"dynamic_batching":{"max_batch_size":4,"priority_levels":2}})",  // unknown key
           R"({"cpu_weight":0})", R"({"queue_timeout_microseconds":-1})",
           R"({"max_queue_length":3})",  // unknown key
       }) {
    auto parsed = withScheduling(bad);
    bool refused = !parsed.isOk() || !parsed->rejected.empty();
    EXPECT_TRUE(refused) << bad;
  }
}

TEST(SchedulingConfigTest, BatchSizeList) {
  EXPECT_EQ(parseBatchSizeList("").value(), std::vector<uint32_t>{});
  EXPECT_EQ(parseBatchSizeList("4,8").value(), (std::vector<uint32_t>{4, 8}));
  EXPECT_FALSE(parseBatchSizeList("4,,8").isOk());
  EXPECT_FALSE(parseBatchSizeList("4x").isOk());
}

}  // namespace
}  // namespace mserve::config

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tune_server_measurer.hpp"

namespace mserve::bench {
namespace {

constexpr const char* kConfig = R"({"model_config_list": [
  {"config": {"name": "other", "base_path": "/m/other", "nireq": 3}},
  {"config": {"name": "dummy", "base_path": "/m/dummy", "nireq": 2,
              "plugin_config": {"PERFORMANCE_HINT": "LATENCY"},
              "scheduling": {"max_queue_size": 64,
                             "dynamic_batching": {"max_batch_size": 4}}}}]})";

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

TEST(TuneServerConfigTest, SetsTheCandidateOnTheModelsEntryOnly) {
  const Candidate candidate{"", 2, 0, 4, false, "f32", false, 8};
  auto text = configWithCandidate(kConfig, "dummy", candidate);
  ASSERT_TRUE(text.isOk()) << text.status().message();
  const rapidjson::Document document = parse(text.value());
  const auto& other = document["model_config_list"][0]["config"];
  EXPECT_EQ(other["nireq"].GetInt(), 3);
  EXPECT_FALSE(other.HasMember("plugin_config"));
  const auto& dummy = document["model_config_list"][1]["config"];
  EXPECT_EQ(dummy["nireq"].GetInt(), 4);
  EXPECT_STREQ(dummy["plugin_config"]["NUM_STREAMS"].GetString(), "2");
  EXPECT_STREQ(dummy["plugin_config"]["ENABLE_CPU_PINNING"].GetString(), "NO");
  EXPECT_STREQ(dummy["plugin_config"]["INFERENCE_PRECISION_HINT"].GetString(), "f32");
  EXPECT_FALSE(dummy["plugin_config"].HasMember("PERFORMANCE_HINT"));
  EXPECT_EQ(dummy["scheduling"]["max_queue_size"].GetInt(), 64);  // kept
  EXPECT_EQ(dummy["scheduling"]["dynamic_batching"]["max_batch_size"].GetInt(), 8);
}

TEST(TuneServerConfigTest, DefaultsDropNireqAndBatching) {
  auto text = configWithCandidate(kConfig, "dummy", defaultCandidate());
  ASSERT_TRUE(text.isOk());
  const rapidjson::Document document = parse(text.value());
  const auto& dummy = document["model_config_list"][1]["config"];
  EXPECT_FALSE(dummy.HasMember("nireq"));
  EXPECT_TRUE(dummy["plugin_config"].ObjectEmpty());
  EXPECT_FALSE(dummy["scheduling"].HasMember("dynamic_batching"));
  EXPECT_EQ(dummy["scheduling"]["max_queue_size"].GetInt(), 64);
}

TEST(TuneServerConfigTest, UnknownModelOrBadJsonIsAnError) {
  EXPECT_NE(configWithCandidate(kConfig, "resnet", defaultCandidate())
                .status()
                .message()
                .find("no model_config_list entry named resnet"),
            std::string::npos);
  EXPECT_FALSE(configWithCandidate("{", "dummy", defaultCandidate()).isOk());
}

}  // namespace
}  // namespace mserve::bench

// Configuration JSON under hostile input: nesting far past any real file is refused while
// parsing (before the recursive schema validation), in config.json, mapping_config.json and
// every JSON-valued setting; a NUL inside any configuration string is refused too.
#include "config/config_json.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "config/config_file.hpp"
#include "config/layout_param.hpp"
#include "config/plugin_config.hpp"
#include "config/shape_param.hpp"
#include "config/tensor_mapping.hpp"
#include "config/version_policy.hpp"

namespace mserve::config {
namespace {

using util::StatusCode;

std::string nested(size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

// A config.json whose one model's `key` holds `value`.
std::string configWith(const std::string& key, const std::string& value) {
  return R"({"model_config_list": [{"config": {"name": "m", "base_path": "/m", ")" + key +
         R"(": )" + value + "}}]}";
}

TEST(ConfigJsonTest, DepthIsBoundedWhileParsing) {
  rapidjson::Document document;
  EXPECT_TRUE(parseConfigJson(nested(kMaxConfigJsonDepth), document).isOk());
  const util::Status deep = parseConfigJson(nested(kMaxConfigJsonDepth + 1), document);
  EXPECT_EQ(deep.code(), StatusCode::kJsonNestingDepthExceeded);
  EXPECT_NE(deep.message().find("limit 32 levels for configuration JSON"), std::string::npos)
      << deep.message();
}

TEST(ConfigJsonTest, DeeplyNestedConfigFileIsRefusedAtOnce) {
  // 250,000 levels used to recurse once per level in the schema validator (~190 s, then
  // SIGSEGV). Now it stops at level 33 of the parse.
  for (const char* key : {"layout", "shape", "model_version_policy"}) {
    const auto start = std::chrono::steady_clock::now();
    auto parsed = parseServerConfig(configWith(key, nested(250000)), "/srv");
    ASSERT_FALSE(parsed.isOk()) << key;
    EXPECT_EQ(parsed.status().code(), StatusCode::kJsonNestingDepthExceeded) << key;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << key;
  }
}

TEST(ConfigJsonTest, DeeplyNestedJsonInsideSettingsIsRefused) {
  const std::string deep_object = R"({"a": )" + nested(100000) + "}";
  EXPECT_FALSE(parseShapeParam(deep_object).isOk());
  EXPECT_FALSE(parseLayoutParam(deep_object).isOk());
  EXPECT_FALSE(VersionPolicy::parse(deep_object).isOk());
  EXPECT_FALSE(parsePluginConfig(deep_object, "CPU").isOk());
  auto mapping = parseTensorMapping(R"({"inputs": )" + nested(100000) + "}");
  ASSERT_FALSE(mapping.isOk());
  EXPECT_NE(mapping.status().message().find("deeper than 32 levels"), std::string::npos)
      << mapping.status().message();
}

TEST(ConfigJsonTest, NulInsideConfigurationStringsIsRefused) {
  auto device = parseServerConfig(configWith("target_device", R"("CPU\u0000x")"), "/srv");
  ASSERT_FALSE(device.isOk());
  EXPECT_EQ(device.status().code(), StatusCode::kJsonInvalid);
  EXPECT_NE(device.status().message().find("NUL character"), std::string::npos)
      << device.status().message();
  EXPECT_FALSE(parsePluginConfig(R"({"PERFORMANCE_HINT\u0000x": "LATENCY"})", "CPU").isOk());
  EXPECT_FALSE(parseTensorMapping(R"({"inputs": {"b": "in\u0000put"}})").isOk());
  EXPECT_FALSE(parseShapeParam(R"j({"b\u0000x": "(1,10)"})j").isOk());
}

}  // namespace
}  // namespace mserve::config

#include "config/model_config_override.hpp"

#include <gtest/gtest.h>

namespace mserve::config {
namespace {

TEST(ModelConfigOverride, NameFromTheRequestAndPathsFromTheConfigFolder) {
  auto config =
      modelConfigFromOverride("resnet", R"({"base_path": "models/resnet", "nireq": 3})", "/srv");
  ASSERT_TRUE(config.isOk()) << config.status().message();
  EXPECT_EQ(config->name, "resnet");
  EXPECT_EQ(config->base_path, "/srv/models/resnet");
  EXPECT_EQ(config->nireq, 3u);
}

TEST(ModelConfigOverride, ValidatedLikeAConfigFileEntry) {
  auto unknown = modelConfigFromOverride("m", R"({"base_path": "/m", "bogus": 1})", "/");
  ASSERT_FALSE(unknown.isOk());
  EXPECT_NE(unknown.status().message().find("bogus"), std::string::npos);
  EXPECT_FALSE(modelConfigFromOverride("m", R"({"nireq": 1})", "/").isOk());  // no base_path
  EXPECT_FALSE(modelConfigFromOverride("m", R"({"base_path": "../x"})", "/srv").isOk());
  EXPECT_FALSE(modelConfigFromOverride("m", "[1]", "/").isOk());
  EXPECT_FALSE(modelConfigFromOverride("m", "{", "/").isOk());
  EXPECT_FALSE(modelConfigFromOverride("bad/name", R"({"base_path": "/m"})", "/").isOk());
}

TEST(ModelConfigOverride, AGivenNameMustMatch) {
  EXPECT_TRUE(modelConfigFromOverride("m", R"({"name": "m", "base_path": "/m"})", "/").isOk());
  auto other = modelConfigFromOverride("m", R"({"name": "n", "base_path": "/m"})", "/");
  ASSERT_FALSE(other.isOk());
  EXPECT_NE(other.status().message().find("differs"), std::string::npos);
}

}  // namespace
}  // namespace mserve::config

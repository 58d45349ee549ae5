// ModelManager in config-file mode: the initial load, edits applied by polls and by the reload
// entry point (changed models loaded beside the serving ones, removed models retired), and
// invalid or missing files leaving the running configuration in place.
#include "serving/model_manager.hpp"
#include "test_repository.hpp"

namespace mserve::serving {
namespace {

using testing::RepositoryTest;
using util::StatusCode;
using Outcome = ReloadResult::Outcome;

constexpr char kTwoModels[] = R"({"model_config_list": [
  {"config": {"name": "a", "base_path": "a"}},
  {"config": {"name": "b", "base_path": "b", "model_version_policy": {"all": {}}}}
]})";

class ModelManagerConfigTest : public RepositoryTest {
 protected:
  void SetUp() override {
    RepositoryTest::SetUp();
    for (int v : {1, 2}) {
      addVersion("a", v, static_cast<float>(v));
      addVersion("b", v, 10.0f + static_cast<float>(v));
    }
  }

  void writeConfig(const std::string& text) { writeText(root_ / "config.json", text); }

  std::shared_ptr<ModelVersion> find(const std::string& name, int64_t version = 0) {
    auto found = manager_.findVersion(name, version);
    EXPECT_TRUE(found.isOk()) << name << ": " << found.status().message();
    return found.isOk() ? found.value() : nullptr;
  }

  ModelManager manager_{core()};
};

TEST_F(ModelManagerConfigTest, LoadsEveryModelOfTheFile) {
  writeConfig(kTwoModels);
  ASSERT_TRUE(manager_.loadConfigFile(root_.string()).isOk());
  EXPECT_EQ(find("a")->version(), 2);
  EXPECT_EQ(manager_.versions("b").value().size(), 2u);
  EXPECT_EQ(infer(*find("b", 1)).value, 11.0f);
  EXPECT_FALSE(manager_.metricsConfig().has_value());
  const auto all = manager_.allVersionStatuses();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all.at("b").size(), 2u);
}

TEST_F(ModelManagerConfigTest, BrokenModelDoesNotStopTheOthers) {
  writeConfig(R"({"model_config_list": [
    {"config": {"name": "a", "base_path": "a"}},
    {"config": {"name": "gone", "base_path": "nowhere"}},
    {"config": {"name": "bad", "base_path": "a", "plugin_config": {"NOT_A_KEY": 1}}},
    {"config": {"name": "../x", "base_path": "a"}}
  ]})");
  ASSERT_TRUE(manager_.loadConfigFile((root_ / "config.json").string()).isOk());
  EXPECT_EQ(find("a")->version(), 2);
  EXPECT_TRUE(manager_.versionStatuses("gone").value().empty());
  // Both versions were tried (2, then 1 as the fallback) and are listed as failed.
  const auto bad = manager_.versionStatuses("bad").value();
  ASSERT_EQ(bad.size(), 2u);
  for (const VersionStatus& status : bad) {
    EXPECT_EQ(status.state, VersionState::kLoading);
    EXPECT_EQ(status.error_code, VersionErrorCode::kUnknown);
    EXPECT_EQ(status.reason,
              "Plugin config contains unsupported keys - unsupported keys for CPU: NOT_A_KEY");
  }
  EXPECT_EQ(manager_.findVersion("../x", 0).status().code(), StatusCode::kModelNameMissing);
}

TEST_F(ModelManagerConfigTest, InvalidOrMissingFileFailsTheStart) {
  EXPECT_EQ(manager_.loadConfigFile(root_.string()).code(), StatusCode::kFileInvalid);
  writeConfig(R"({"model_config_list": [], "unknown": 1})");
  EXPECT_EQ(manager_.loadConfigFile(root_.string()).code(), StatusCode::kConfigFileInvalid);
  writeConfig("{");
  EXPECT_EQ(manager_.loadConfigFile(root_.string()).code(), StatusCode::kJsonInvalid);
}

TEST_F(ModelManagerConfigTest, EditsAreAppliedByPolls) {
  writeConfig(kTwoModels);
  ASSERT_TRUE(manager_.loadConfigFile(root_.string()).isOk());
  const std::shared_ptr<ModelVersion> before = find("a");
  // a: changed (nireq) → reloaded beside; b: removed → retired; c: added.
  addVersion("c", 1, 7.0f);
  writeConfig(R"({"model_config_list": [
    {"config": {"name": "a", "base_path": "a", "nireq": 2}},
    {"config": {"name": "c", "base_path": "c"}}
  ]})");
  manager_.poll();
  const std::shared_ptr<ModelVersion> after = find("a");
  EXPECT_NE(after.get(), before.get());
  EXPECT_EQ(after->nireq(), 2u);
  EXPECT_EQ(infer(*before).value, 2.0f);  // the request that held it finishes on it
  EXPECT_EQ(infer(*find("c")).value, 7.0f);
  EXPECT_EQ(manager_.findVersion("b", 0).status().code(), StatusCode::kModelVersionMissing);
  EXPECT_EQ(manager_.findVersion("b", 1).status().code(),
            StatusCode::kModelVersionNotLoadedAnymore);
  const auto retired = manager_.versionStatuses("b").value();
  for (const VersionStatus& status : retired) {
    EXPECT_EQ(status.state, VersionState::kEnd);
  }
}

TEST_F(ModelManagerConfigTest, PolicyChangeKeepsServingInstances) {
  writeConfig(kTwoModels);
  ASSERT_TRUE(manager_.loadConfigFile(root_.string()).isOk());
  const std::shared_ptr<ModelVersion> b2 = find("b", 2);
  writeConfig(R"({"model_config_list": [
    {"config": {"name": "a", "base_path": "a"}},
    {"config": {"name": "b", "base_path": "b"}}
  ]})");
  EXPECT_EQ(manager_.reloadConfig().outcome, Outcome::kReloaded);
  EXPECT_EQ(find("b", 2).get(), b2.get());
  EXPECT_EQ(manager_.findVersion("b", 1).status().code(),
            StatusCode::kModelVersionNotLoadedAnymore);
}

TEST_F(ModelManagerConfigTest, ReloadReportsWhatHappened) {
  writeConfig(kTwoModels);
  ASSERT_TRUE(manager_.loadConfigFile(root_.string()).isOk());
  EXPECT_EQ(manager_.reloadConfig().outcome, Outcome::kNotReloaded);
  addVersion("a", 3, 3.0f);
  EXPECT_EQ(manager_.reloadConfig().outcome, Outcome::kReloaded);
  EXPECT_EQ(find("a")->version(), 3);

  const std::shared_ptr<ModelVersion> a3 = find("a");
  writeConfig(R"({"model_config_list": [{"config": {"name": "a", "base_path": "a"}}],
                  "pipeline_config_list": [{"name": "p"}]})");
  const ReloadResult invalid = manager_.reloadConfig();
  EXPECT_EQ(invalid.outcome, Outcome::kConfigInvalid);
  EXPECT_EQ(invalid.error.code(), StatusCode::kConfigFileInvalid);
  manager_.poll();  // ignored by polls too
  EXPECT_EQ(find("a").get(), a3.get());
  EXPECT_TRUE(find("b", 1) != nullptr);

  std::filesystem::remove(root_ / "config.json");
  EXPECT_EQ(manager_.reloadConfig().outcome, Outcome::kFileUnreadable);
  EXPECT_EQ(find("a").get(), a3.get());
  writeConfig(kTwoModels);  // the configuration in effect: nothing to do
  EXPECT_EQ(manager_.reloadConfig().outcome, Outcome::kNotReloaded);
}

TEST_F(ModelManagerConfigTest, FailedReplacementKeepsTheRunningInstance) {
  writeConfig(kTwoModels);
  ASSERT_TRUE(manager_.loadConfigFile(root_.string()).isOk());
  const std::shared_ptr<ModelVersion> a2 = find("a");
  writeConfig(R"({"model_config_list": [
    {"config": {"name": "a", "base_path": "a", "plugin_config": {"NOT_A_KEY": 1}}},
    {"config": {"name": "b", "base_path": "b", "model_version_policy": {"all": {}}}}
  ]})");
  manager_.poll();
  EXPECT_EQ(find("a").get(), a2.get());
  const auto statuses = manager_.versionStatuses("a").value();
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].state, VersionState::kAvailable);
  EXPECT_NE(statuses[0].reason.find("NOT_A_KEY"), std::string::npos);
}

TEST_F(ModelManagerConfigTest, InvalidEntryKeepsItsModelServing) {
  writeConfig(kTwoModels);
  ASSERT_TRUE(manager_.loadConfigFile(root_.string()).isOk());
  const std::shared_ptr<ModelVersion> a2 = find("a");
  writeConfig(R"({"model_config_list": [
    {"config": {"name": "a", "base_path": "../a"}},
    {"config": {"name": "b", "base_path": "b", "model_version_policy": {"all": {}}}}
  ]})");
  manager_.poll();
  EXPECT_EQ(find("a").get(), a2.get());
}

TEST_F(ModelManagerConfigTest, MonitoringSectionIsExposed) {
  writeConfig(R"({"model_config_list": [],
                  "monitoring": {"metrics": {"enable": true, "metrics_list": ["ovms_streams"]}}})");
  ASSERT_TRUE(manager_.loadConfigFile(root_.string()).isOk());
  ASSERT_TRUE(manager_.metricsConfig().has_value());
  EXPECT_TRUE(manager_.metricsConfig()->enable);
  EXPECT_EQ(manager_.metricsConfig()->metrics_list, std::vector<std::string>{"ovms_streams"});
}

}  // namespace
}  // namespace mserve::serving

// ModelManager on a real repository of tiny models: version policies, OVMS's load fallback,
// version folders appearing and disappearing, retired versions finishing their requests,
// failed versions retried once their files change, and mapping_config.json renames.
#include "serving/model_manager.hpp"

#include <chrono>

#include "serving/model_watcher.hpp"
#include "test_repository.hpp"

namespace mserve::serving {
namespace {

using testing::RepositoryTest;
using util::StatusCode;

class ModelManagerTest : public RepositoryTest {
 protected:
  config::ModelConfig modelConfig(const std::string& name,
                                  config::VersionPolicy policy = config::VersionPolicy::latest()) {
    config::ModelConfig config;
    config.name = name;
    config.base_path = (root_ / name).string();
    config.version_policy = std::move(policy);
    config.plugin_config = {{"INFERENCE_PRECISION_HINT", "f32"}, {"PERFORMANCE_HINT", "LATENCY"}};
    return config;
  }

  // The default version's number and answer.
  std::pair<int64_t, float> serving(const std::string& name) {
    auto version = manager_.findVersion(name, 0);
    EXPECT_TRUE(version.isOk()) << version.status().message();
    if (!version.isOk()) return {0, 0};
    const auto result = infer(*version.value());
    EXPECT_TRUE(result.status.isOk()) << result.status.message();
    return {version.value()->version(), result.value};
  }

  std::vector<VersionStatus> statuses(const std::string& name) {
    auto statuses = manager_.versionStatuses(name);
    EXPECT_TRUE(statuses.isOk());
    if (!statuses.isOk()) return {};
    for (auto& status : statuses.value()) status.reason.clear();  // compared separately
    return statuses.value();
  }

  ModelManager manager_{core()};
};

constexpr auto kAvailable = VersionState::kAvailable;
constexpr auto kEnd = VersionState::kEnd;
constexpr auto kOk = VersionErrorCode::kOk;

TEST_F(ModelManagerTest, LatestPolicyServesTheHighestVersion) {
  for (int v : {1, 2, 3}) addVersion("m", v, static_cast<float>(v));
  ASSERT_TRUE(manager_.loadModel(modelConfig("m")).isOk());
  EXPECT_EQ(serving("m"), std::make_pair(int64_t{3}, 3.0f));
  EXPECT_EQ(statuses("m"), (std::vector<VersionStatus>{{3, kAvailable, kOk, ""}}));
  EXPECT_EQ(manager_.findVersion("m", 1).status().code(), StatusCode::kModelVersionMissing);
  EXPECT_EQ(manager_.findVersion("other", 0).status().code(), StatusCode::kModelNameMissing);
  EXPECT_EQ(manager_.versionStatuses("other").status().code(), StatusCode::kModelNameMissing);
}

TEST_F(ModelManagerTest, SpecificAndAllPolicies) {
  for (int v : {1, 2, 3}) addVersion("m", v, static_cast<float>(v));
  ASSERT_TRUE(
      manager_.loadModel(modelConfig("m", config::VersionPolicy::specific({1, 3, 7}))).isOk());
  EXPECT_EQ(statuses("m"),
            (std::vector<VersionStatus>{{1, kAvailable, kOk, ""}, {3, kAvailable, kOk, ""}}));
  EXPECT_EQ(infer(*manager_.findVersion("m", 1).value()).value, 1.0f);
  for (int v : {1, 2, 3}) addVersion("all", v, static_cast<float>(v));
  ASSERT_TRUE(manager_.loadModel(modelConfig("all", config::VersionPolicy::all())).isOk());
  EXPECT_EQ(manager_.versions("all").value().size(), 3u);
  EXPECT_EQ(manager_.allVersions("all").value().front()->version(), 1);
}

TEST_F(ModelManagerTest, BrokenVersionFallsBackToTheNextOne) {
  addVersion("m", 1, 1.0f);
  addVersion("m", 2, 2.0f);
  addBrokenVersion("m", 3);
  ASSERT_TRUE(manager_.loadModel(modelConfig("m")).isOk());
  EXPECT_EQ(serving("m").first, 2);
  EXPECT_EQ(statuses("m"), (std::vector<VersionStatus>{
                               {2, kAvailable, kOk, ""},
                               {3, VersionState::kLoading, VersionErrorCode::kUnknown, ""}}));
  EXPECT_FALSE(manager_.versionStatuses("m").value()[1].reason.empty());
  EXPECT_EQ(manager_.findVersion("m", 3).status().code(), StatusCode::kModelVersionNotLoadedYet);
  // Unchanged files are not retried; fixed ones are, and then replace the fallback.
  manager_.poll();
  EXPECT_EQ(serving("m").first, 2);
  addVersion("m", 3, 3.0f);
  manager_.poll();
  EXPECT_EQ(serving("m"), std::make_pair(int64_t{3}, 3.0f));
  EXPECT_EQ(statuses("m"),
            (std::vector<VersionStatus>{{2, kEnd, kOk, ""}, {3, kAvailable, kOk, ""}}));
}

TEST_F(ModelManagerTest, NothingLoadableIsAnError) {
  EXPECT_EQ(manager_.loadModel(modelConfig("missing")).code(), StatusCode::kPathInvalid);
  std::filesystem::create_directories(root_ / "empty");
  EXPECT_EQ(manager_.loadModel(modelConfig("empty")).code(), StatusCode::kNoModelVersionAvailable);
  addBrokenVersion("broken", 1);
  EXPECT_EQ(manager_.loadModel(modelConfig("broken")).code(), StatusCode::kFileInvalid);
  addVersion("bad name", 1, 1.0f);
  EXPECT_EQ(manager_.loadModel(modelConfig("bad name")).code(), StatusCode::kModelConfigInvalid);
}

TEST_F(ModelManagerTest, NewVersionSwapsInWhileTheOldOneFinishesItsRequests) {
  addVersion("m", 1, 1.0f);
  ASSERT_TRUE(manager_.loadModel(modelConfig("m")).isOk());
  // A request in flight holds the handle across the swap.
  std::shared_ptr<ModelVersion> in_flight = manager_.findVersion("m", 0).value();
  addVersion("m", 2, 2.0f);
  manager_.poll();
  EXPECT_EQ(serving("m").first, 2);
  EXPECT_EQ(statuses("m")[0].state, VersionState::kUnloading);
  EXPECT_EQ(manager_.findVersion("m", 1).status().code(),
            StatusCode::kModelVersionNotLoadedAnymore);
  EXPECT_EQ(infer(*in_flight).value, 1.0f);
  std::weak_ptr<ModelVersion> freed = in_flight;
  in_flight.reset();
  EXPECT_TRUE(freed.expired());
  EXPECT_EQ(statuses("m")[0], (VersionStatus{1, kEnd, kOk, ""}));
}

// Lookups and requests from other threads while versions come and go: the default version is
// always found and always answers with its own number.
TEST_F(ModelManagerTest, RequestsDuringReloadsAlwaysFindAVersion) {
  addVersion("m", 1, 1.0f);
  ASSERT_TRUE(manager_.loadModel(modelConfig("m")).isOk());
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> answers{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 2; ++i) {
    clients.emplace_back([&] {
      while (!stop.load()) {
        auto version = manager_.findVersion("m", 0);
        const bool ok = version.isOk() && infer(*version.value()).value ==
                                              static_cast<float>(version.value()->version());
        if (!ok) ++failures;
        if (!manager_.versionStatuses("m").isOk()) ++failures;
        ++answers;
      }
    });
  }
  for (int version = 2; version <= 4; ++version) {
    addVersion("m", version, static_cast<float>(version));
    manager_.poll();
    std::filesystem::remove_all(root_ / "m" / std::to_string(version));
    manager_.poll();  // back to version 1
  }
  stop = true;
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(answers.load(), 0);
  EXPECT_EQ(serving("m").first, 1);
}

// The watcher polls on its own thread; a version written file by file may be caught half-way,
// fail, and is then retried once its files changed.
TEST_F(ModelManagerTest, WatcherPicksUpNewVersions) {
  addVersion("m", 1, 1.0f);
  ASSERT_TRUE(manager_.loadModel(modelConfig("m")).isOk());
  {
    ModelWatcher watcher(manager_, std::chrono::milliseconds(5));
    addVersion("m", 2, 2.0f);
    for (int i = 0; i < 1000 && manager_.findVersion("m", 0).value()->version() != 2; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_EQ(serving("m"), std::make_pair(int64_t{2}, 2.0f));
}

TEST_F(ModelManagerTest, RemovedFolderRetiresItsVersion) {
  addVersion("m", 1, 1.0f);
  addVersion("m", 2, 2.0f);
  ASSERT_TRUE(manager_.loadModel(modelConfig("m", config::VersionPolicy::all())).isOk());
  EXPECT_EQ(serving("m").first, 2);
  std::filesystem::remove_all(root_ / "m" / "2");
  manager_.poll();
  EXPECT_EQ(serving("m").first, 1);
  EXPECT_EQ(statuses("m"),
            (std::vector<VersionStatus>{{1, kAvailable, kOk, ""}, {2, kEnd, kOk, ""}}));
  // Back again: served again.
  addVersion("m", 2, 2.0f);
  manager_.poll();
  EXPECT_EQ(serving("m").first, 2);
}

TEST_F(ModelManagerTest, VanishedBaseFolderKeepsServing) {
  addVersion("m", 1, 1.0f);
  ASSERT_TRUE(manager_.loadModel(modelConfig("m")).isOk());
  std::filesystem::rename(root_ / "m", root_ / "moved");
  manager_.poll();
  EXPECT_EQ(serving("m").first, 1);
}

TEST_F(ModelManagerTest, MappingRenamesInputsAndOutputsForClients) {
  const auto dir = addVersion("m", 1, 5.0f);
  writeText(dir / "mapping_config.json",
            R"({"inputs": {"b": "input_b"}, "outputs": {"a": "out_a"}})");
  ASSERT_TRUE(manager_.loadModel(modelConfig("m")).isOk());
  auto version = manager_.findVersion("m", 0).value();
  EXPECT_EQ(version->inputs()[0].name, "input_b");
  EXPECT_EQ(version->outputs()[0].name, "out_a");
  const auto result = infer(*version, "input_b");
  ASSERT_TRUE(result.status.isOk()) << result.status.message();
  EXPECT_EQ(result.value, 5.0f);
  EXPECT_EQ(result.output_name, "out_a");
  EXPECT_EQ(infer(*version, "b").status.message(),
            "Missing input with specific name - Required input: input_b");
}

TEST_F(ModelManagerTest, ShapesUseMappedNames) {
  const auto dir = addVersion("m", 1, 5.0f);
  writeText(dir / "mapping_config.json", R"({"inputs": {"b": "input_b"}})");
  config::ModelConfig config = modelConfig("m");
  config.shape = config::parseShapeParam(R"j({"input_b": "(1,10)"})j").value();
  ASSERT_TRUE(manager_.loadModel(config).isOk());
  config.name = "real";
  config.base_path = (root_ / "m").string();
  config.shape = config::parseShapeParam(R"j({"b": "(1,10)"})j").value();
  const util::Status status = manager_.loadModel(config);
  EXPECT_EQ(status.message(),
            "Model config is invalid - Shape from config has real name. Use mapped name "
            "instead: b");
}

TEST_F(ModelManagerTest, InvalidMappingFailsTheVersion) {
  addVersion("m", 1, 1.0f);
  writeText(addVersion("m", 2, 2.0f) / "mapping_config.json", "{not json");
  ASSERT_TRUE(manager_.loadModel(modelConfig("m")).isOk());
  EXPECT_EQ(serving("m").first, 1);
}

}  // namespace
}  // namespace mserve::serving

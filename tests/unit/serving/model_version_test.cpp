// ModelVersion::infer and the client's state: a request whose client's deadline passed, or
// that the client cancelled, while it waited for an infer request is answered at once with
// DEADLINE_EXCEEDED or CANCELLED instead of being run.
#include "serving/model_version.hpp"

#include <chrono>

#include "serving/model_loader.hpp"
#include "test_repository.hpp"

namespace mserve::serving {
namespace {

using testing::RepositoryTest;
using util::StatusCode;

class ModelVersionTest : public RepositoryTest {
 protected:
  std::shared_ptr<ModelVersion> load() {
    const auto dir = addVersion("m", 1, 3.0f);
    config::ModelConfig config;
    config.name = "m";
    config.base_path = (root_ / "m").string();
    config.plugin_config = {{"INFERENCE_PRECISION_HINT", "f32"}, {"PERFORMANCE_HINT", "LATENCY"}};
    auto loaded = loadModelVersion(*core(), config, 1, dir.string(), {});
    EXPECT_TRUE(loaded.isOk()) << loaded.status().message();
    return loaded.isOk() ? loaded.value() : nullptr;
  }
};

TEST_F(ModelVersionTest, ClientStillWaitingGetsItsAnswer) {
  const auto version = load();
  ASSERT_NE(version, nullptr);
  const auto result = infer(*version, "b", [](tensor::InferenceRequest& request) {
    request.deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    request.cancelled = [] { return false; };
  });
  EXPECT_TRUE(result.status.isOk()) << result.status.message();
  EXPECT_EQ(result.value, 3.0f);
}

TEST_F(ModelVersionTest, PassedDeadlineIsNotRun) {
  const auto version = load();
  ASSERT_NE(version, nullptr);
  const auto result = infer(*version, "b", [](tensor::InferenceRequest& request) {
    request.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
  });
  EXPECT_EQ(result.status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(result.status.message().find("deadline"), std::string::npos);
  EXPECT_TRUE(infer(*version).status.isOk());  // the infer request went back to the pool
}

TEST_F(ModelVersionTest, CancelledCallIsNotRun) {
  const auto version = load();
  ASSERT_NE(version, nullptr);
  const auto result = infer(*version, "b", [](tensor::InferenceRequest& request) {
    request.cancelled = [] { return true; };
  });
  EXPECT_EQ(result.status.code(), StatusCode::kCancelled);
  EXPECT_TRUE(infer(*version).status.isOk());
}

// A source of input bytes that went bad during the inference (shared memory its client shrank)
// turns the answer into its error.
TEST_F(ModelVersionTest, AnInputCheckFailingAfterInferenceReplacesTheAnswer) {
  const auto version = load();
  ASSERT_NE(version, nullptr);
  const auto result = infer(*version, "b", [](tensor::InferenceRequest& request) {
    request.input_checks.push_back(
        [] { return util::Status(StatusCode::kShmInvalidRegion, "the object was shrunk"); });
  });
  EXPECT_EQ(result.status.code(), StatusCode::kShmInvalidRegion);
  EXPECT_TRUE(infer(*version).status.isOk());
}

}  // namespace
}  // namespace mserve::serving

// Test fixture for serving tests: a temporary model repository of tiny IR models that OpenVINO
// compiles in milliseconds ("add k": b f32 [1,10] → a = b + k, so each version answers with its
// own number), one shared OpenVINO core, and a helper that runs one inference.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/core.hpp"
#include "engine/counting_executor.hpp"
#include "ir_test_models.hpp"
#include "serving/model_version.hpp"
#include "util/thread_pool.hpp"

namespace mserve::serving::testing {

// OVMS's dummy topology; the constant comes from model.bin.
inline constexpr const char* kAddXml = test_models::kAddConstantXml;

struct InferResult {
  util::Status status;
  float value = 0;          // a[0] for b = 0: the version's k
  std::string output_name;  // as the response names it
};

class RepositoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto core = engine::Core::create();
    ASSERT_TRUE(core.isOk()) << core.status().message();
    core_ = new std::shared_ptr<engine::Core>(std::move(core).value());
  }
  static void TearDownTestSuite() { delete core_; }

  void SetUp() override {
    char name[] = "/tmp/mserve_serving_XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    root_ = name;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  static std::shared_ptr<engine::Core> core() { return *core_; }

  static void writeText(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  // <root>/<model>/<version>/model.{xml,bin} answering b + k.
  std::filesystem::path addVersion(const std::string& model, int64_t version, float k) {
    const std::filesystem::path dir = root_ / model / std::to_string(version);
    writeText(dir / "model.xml", kAddXml);
    const std::vector<float> constant(10, k);
    std::ofstream bin(dir / "model.bin", std::ios::binary);
    bin.write(reinterpret_cast<const char*>(constant.data()), sizeof(float) * constant.size());
    return dir;
  }

  // A version folder OpenVINO cannot read.
  std::filesystem::path addBrokenVersion(const std::string& model, int64_t version) {
    const std::filesystem::path dir = root_ / model / std::to_string(version);
    writeText(dir / "model.xml", "<net>broken");
    return dir;
  }

  // Runs b = zeros (input named `input`) through `version`; `adjust` may change the request.
  static InferResult infer(
      ModelVersion& version, const std::string& input = "b",
      const std::function<void(tensor::InferenceRequest&)>& adjust = nullptr) {
    static const std::vector<float> zeros(10, 0.0f);
    tensor::InferenceRequest request;
    request.model_name = version.name();
    tensor::InputTensor tensor;
    tensor.name = input;
    tensor.shape = {1, 10};
    tensor.data = std::as_bytes(std::span(zeros));
    request.inputs.push_back(tensor);
    if (adjust) adjust(request);
    std::promise<InferResult> promise;
    engine::CountingExecutor executor("serving-test");
    version.infer(
        request, executor,
        [&promise](const util::Status& status, const tensor::InferenceResponse* response) {
          InferResult result;
          result.status = status;
          if (response != nullptr && !response->outputs.empty()) {
            std::memcpy(&result.value, response->outputs[0].data.data(), sizeof(float));
            result.output_name = std::string(response->outputs[0].name);
          }
          promise.set_value(result);
        });
    return promise.get_future().get();
  }

  std::filesystem::path root_;

 private:
  static inline std::shared_ptr<engine::Core>* core_ = nullptr;
};

}  // namespace mserve::serving::testing

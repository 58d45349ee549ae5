// A KfsBackend for the REST API tests of both protocols: one model "dummy" (versions 1 and 2;
// b FP32 [1,2] → a = b + 1); version 2 is known but loading, so not ready; no sockets, no model.
#pragma once

#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/kfs/kfs_backend.hpp"

namespace mserve::api::testing {

class FakeKfsBackend final : public kfs::KfsBackend {
 public:
  bool live() const override { return true; }
  bool ready() const override { return ready_; }
  util::StatusOr<bool> modelReady(std::string_view name, int64_t version) const override {
    if (name != "dummy") return util::Status(util::StatusCode::kModelNameMissing);
    if (version > 2) return util::Status(util::StatusCode::kModelVersionMissing);
    return version != 2;
  }
  util::StatusOr<kfs::ModelDescription> describe(std::string_view name,
                                                 int64_t version) const override {
    using tensor::DataType;
    using tensor::Dimension;
    if (name != "dummy") return util::Status(util::StatusCode::kModelNameMissing);
    if (version > 2) return util::Status(util::StatusCode::kModelVersionMissing);
    kfs::ModelDescription model;
    model.name = "dummy";
    model.version = version == 0 ? 1 : version;
    model.versions = {1};
    model.inputs.push_back({"b", DataType::kFp32, {Dimension::fixed(1), Dimension::fixed(2)}});
    model.outputs.push_back({"a", DataType::kFp32, {Dimension::fixed(1), Dimension::fixed(2)}});
    return model;
  }
  util::StatusOr<std::vector<kfs::VersionStatus>> versionStatuses(
      std::string_view name) const override {
    if (name != "dummy") return util::Status(util::StatusCode::kModelNameMissing);
    return std::vector<kfs::VersionStatus>{{1}, {2, kfs::VersionState::kLoading}};
  }
  // Answers from another thread, as the real backend's completion pool does.
  void infer(std::shared_ptr<const tensor::InferenceRequest> request,
             kfs::InferCallback done) override {
    ++infer_calls;
    last_name = request->model_name;
    last_version = request->model_version;
    std::thread([request, done] {
      if (request->inputs.size() != 1 || request->inputs[0].name != "b") {
        return done(util::Status(util::StatusCode::kInvalidMissingInput, "Required input: b"),
                    nullptr);
      }
      std::vector<float> values(request->inputs[0].data.size() / sizeof(float));
      std::memcpy(values.data(), request->inputs[0].data.data(), values.size() * sizeof(float));
      for (float& value : values) value += 1;
      tensor::InferenceResponse response;
      response.model_name = request->model_name;
      response.model_version = 1;
      response.id = request->id;
      tensor::OutputTensor& a = response.outputs.emplace_back();
      a.name = "a";
      a.shape = request->inputs[0].shape;
      a.data = std::as_bytes(std::span(values));
      done(util::Status::ok(), &response);
    }).join();
  }

  bool ready_ = true;
  int infer_calls = 0;
  std::string last_name;
  int64_t last_version = -1;
};

}  // namespace mserve::api::testing

// A KfsBackend for the fuzz targets: one model "m" whose inputs cover the datatypes and shapes
// the decoders treat differently (FP32 [-1,-1], INT32 [1,-1], BYTES [-1], an NHWC UINT8 image
// input) and that answers every inference at once, on the calling thread, by echoing its
// inputs as outputs, so the response encoders see whatever the decoders let through. No
// threads, no sockets, no model.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/kfs/kfs_backend.hpp"

namespace mserve::fuzz {

class EchoBackend final : public api::kfs::KfsBackend {
 public:
  bool live() const override { return true; }
  bool ready() const override { return true; }
  util::StatusOr<bool> modelReady(std::string_view name, int64_t version) const override {
    if (name != "m") return util::Status(util::StatusCode::kModelNameMissing);
    return version <= 1;
  }
  util::StatusOr<api::kfs::ModelDescription> describe(std::string_view name,
                                                      int64_t version) const override {
    using tensor::DataType;
    using tensor::Dimension;
    if (name != "m") return util::Status(util::StatusCode::kModelNameMissing);
    if (version > 1) return util::Status(util::StatusCode::kModelVersionMissing);
    api::kfs::ModelDescription model;
    model.name = "m";
    model.version = 1;
    model.versions = {1};
    model.inputs.push_back({"x", DataType::kFp32, {Dimension::dynamic(), Dimension::dynamic()}});
    model.inputs.push_back({"i", DataType::kInt32, {Dimension::fixed(1), Dimension::dynamic()}});
    model.inputs.push_back({"s", DataType::kBytes, {Dimension::dynamic()}});
    model.inputs.push_back(
        {"img",
         DataType::kUint8,
         {Dimension::dynamic(), Dimension::fixed(4), Dimension::fixed(4), Dimension::fixed(3)}});
    model.outputs = model.inputs;
    return model;
  }
  util::StatusOr<std::vector<api::kfs::VersionStatus>> versionStatuses(
      std::string_view name) const override {
    if (name != "m") return util::Status(util::StatusCode::kModelNameMissing);
    return std::vector<api::kfs::VersionStatus>{{1}};
  }
  void countRequest(std::string_view, int64_t, metrics::Api, metrics::Interface, metrics::Method,
                    bool) const override {}
  void infer(std::shared_ptr<const tensor::InferenceRequest> request,
             api::kfs::InferCallback done) override {
    tensor::InferenceResponse response;
    response.model_name = request->model_name;
    response.model_version = 1;
    response.id = request->id;
    for (const tensor::InputTensor& input : request->inputs) {
      tensor::OutputTensor& output = response.outputs.emplace_back();
      output.name = input.name;
      output.datatype = input.datatype;
      output.shape = input.shape;
      output.data = input.data;
      output.strings = input.strings;
    }
    done(util::Status::ok(), &response);
  }
};

}  // namespace mserve::fuzz

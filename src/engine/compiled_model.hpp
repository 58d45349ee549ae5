// A model read from disk, optionally reshaped, and compiled for a device with the user's
// properties; it knows its inputs and outputs. Immutable after load, so safe to share.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/core.hpp"
#include "tensor/datatype.hpp"
#include "tensor/shape.hpp"
#include "util/status.hpp"

struct ov_compiled_model;

namespace mserve::engine {

struct TensorInfo {
  std::string name;
  tensor::DataType datatype = tensor::DataType::kFp32;
  tensor::ModelShape shape;
  std::string layout;  // inputs: the layout clients send (--layout), "" = unspecified
};

using Properties = std::vector<std::pair<std::string, std::string>>;

struct LoadSpec {
  std::string model_file;  // .xml (with .bin beside it), .onnx, .tflite, .pdmodel, saved_model dir
  std::string device = "CPU";
  Properties properties;  // already normalised (config/plugin_config.hpp), passed as strings
  // Reshape before compile. Key = input name; the key "" applies to every input.
  std::map<std::string, tensor::ModelShape> shapes;
  // --batch_size: replaces dimension 0 of every input (ignored when shapes is not empty).
  std::optional<tensor::Dimension> batch;
  // --layout per input name ("" = every input): "NHWC:NCHW" (tensor:model, adds the conversion)
  // or "NCHW" (declares the model's layout). Applied before the reshape, so `shapes` and
  // `batch` are in the tensor layout.
  std::map<std::string, std::string> layouts;
};

class CompiledModel {
 public:
  static util::StatusOr<std::unique_ptr<CompiledModel>> load(const Core& core,
                                                             const LoadSpec& spec);
  ~CompiledModel();
  CompiledModel(const CompiledModel&) = delete;
  CompiledModel& operator=(const CompiledModel&) = delete;

  const std::vector<TensorInfo>& inputs() const { return inputs_; }
  const std::vector<TensorInfo>& outputs() const { return outputs_; }
  // The model's own dims before `shapes` and `batch` (in the client's layout), by port index:
  // what metadata reports for `auto` shapes until a request of other dims (OVMS).
  const std::vector<tensor::ModelShape>& originalInputShapes() const {
    return original_input_shapes_;
  }
  const std::vector<tensor::ModelShape>& originalOutputShapes() const {
    return original_output_shapes_;
  }
  // OPTIMAL_NUMBER_OF_INFER_REQUESTS, or 1 if the device cannot tell.
  uint32_t optimalInferRequests() const;
  // A compiled property as a string ("" if the device does not report it).
  std::string property(const std::string& key) const;
  // Every property the compiled model reports (for the INFO log after load).
  Properties allProperties() const;

  ov_compiled_model* raw() const { return compiled_; }

 private:
  CompiledModel() = default;
  ov_compiled_model* compiled_ = nullptr;
  std::vector<TensorInfo> inputs_;
  std::vector<TensorInfo> outputs_;
  std::vector<tensor::ModelShape> original_input_shapes_;
  std::vector<tensor::ModelShape> original_output_shapes_;
};

}  // namespace mserve::engine

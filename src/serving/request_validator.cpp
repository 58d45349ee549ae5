#include "serving/request_validator.hpp"

#include <string>

namespace mserve::serving {
namespace {

using tensor::DataType;
using util::Status;
using util::StatusCode;

std::string inputDetails(const std::string& expected, const std::string& actual,
                         const std::string& name) {
  return "Expected: " + expected + "; Actual: " + actual + "; input name: " + name;
}

const tensor::InputTensor* findInput(const tensor::InferenceRequest& request,
                                     const std::string& name, size_t* index) {
  for (size_t i = 0; i < request.inputs.size(); ++i) {
    if (request.inputs[i].name == name) {
      *index = i;
      return &request.inputs[i];
    }
  }
  return nullptr;
}

Status checkInput(const engine::TensorInfo& info, const tensor::InputTensor& input) {
  for (int64_t dim : input.shape) {
    if (dim <= 0) {
      return {StatusCode::kInvalidShape,
              "Negative or zero dimension size is not acceptable: " +
                  tensor::toString(input.shape) + "; input name: " + info.name};
    }
  }
  if (input.datatype != info.datatype) {
    return {StatusCode::kInvalidPrecision,
            inputDetails(std::string(tensor::kserveName(info.datatype)),
                         std::string(tensor::kserveName(input.datatype)), info.name)};
  }
  if (input.shape.size() != info.shape.size()) {
    return {StatusCode::kInvalidNoOfShapeDimensions,
            inputDetails(tensor::toString(info.shape), tensor::toString(input.shape), info.name)};
  }
  // OVMS reports a wrong first dimension of a static shape as a batch size error.
  if (!input.shape.empty() && info.shape[0].isStatic() && !info.shape[0].accepts(input.shape[0])) {
    return {StatusCode::kInvalidBatchSize,
            inputDetails(std::to_string(info.shape[0].min), std::to_string(input.shape[0]),
                         info.name)};
  }
  if (!tensor::matches(info.shape, input.shape)) {
    return {StatusCode::kInvalidShape,
            inputDetails(tensor::toString(info.shape), tensor::toString(input.shape), info.name)};
  }
  return Status::ok();
}

}  // namespace

util::StatusOr<std::vector<size_t>> matchInputs(const std::vector<engine::TensorInfo>& model_inputs,
                                                const tensor::InferenceRequest& request) {
  if (request.inputs.size() != model_inputs.size()) {
    return Status(StatusCode::kInvalidNoOfInputs,
                  "Expected: " + std::to_string(model_inputs.size()) +
                      "; Actual: " + std::to_string(request.inputs.size()));
  }
  // With equal counts and unique names (the decoders refuse duplicates), a request input the
  // model lacks always leaves a model input missing: OVMS reports the missing one.
  std::vector<size_t> order(model_inputs.size());
  for (size_t i = 0; i < model_inputs.size(); ++i) {
    const tensor::InputTensor* input = findInput(request, model_inputs[i].name, &order[i]);
    if (input == nullptr) {
      return Status(StatusCode::kInvalidMissingInput, "Required input: " + model_inputs[i].name);
    }
    MSERVE_RETURN_IF_ERROR(checkInput(model_inputs[i], *input));
  }
  return order;
}

util::StatusOr<std::vector<size_t>> matchOutputs(
    const std::vector<engine::TensorInfo>& model_outputs,
    const std::vector<std::string>& requested) {
  std::vector<size_t> indices;
  if (requested.empty()) {
    for (size_t i = 0; i < model_outputs.size(); ++i) indices.push_back(i);
    return indices;
  }
  for (const std::string& name : requested) {
    size_t i = 0;
    while (i < model_outputs.size() && model_outputs[i].name != name) ++i;
    if (i == model_outputs.size()) {
      return Status(StatusCode::kInvalidMissingOutput, "Required output: " + name);
    }
    indices.push_back(i);
  }
  return indices;
}

}  // namespace mserve::serving

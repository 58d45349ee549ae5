#include "serving/binary_inputs.hpp"

#include <utility>

namespace mserve::serving {
namespace {

const engine::TensorInfo* imageTarget(const std::vector<engine::TensorInfo>& model_inputs,
                                      const tensor::InputTensor& input) {
  if (input.datatype != tensor::DataType::kBytes) return nullptr;
  for (const engine::TensorInfo& info : model_inputs) {
    if (info.name == input.name) {
      const bool image = info.shape.size() == 4 && info.datatype != tensor::DataType::kBytes;
      return image ? &info : nullptr;
    }
  }
  return nullptr;  // unknown names are the validator's to report
}

// The prepared copy and the request whose bytes its other inputs still view.
struct PreparedRequest {
  std::shared_ptr<const tensor::InferenceRequest> original;
  tensor::InferenceRequest prepared;
};

}  // namespace

bool hasImageInputs(const std::vector<engine::TensorInfo>& model_inputs,
                    const tensor::InferenceRequest& request) {
  for (const tensor::InputTensor& input : request.inputs) {
    if (imageTarget(model_inputs, input) != nullptr) return true;
  }
  return false;
}

util::StatusOr<std::shared_ptr<const tensor::InferenceRequest>> prepareBinaryInputs(
    const std::vector<engine::TensorInfo>& model_inputs,
    std::shared_ptr<const tensor::InferenceRequest> request, const image::ImageLimits& limits) {
  if (!hasImageInputs(model_inputs, *request)) return request;

  auto holder = std::make_shared<PreparedRequest>();
  tensor::InferenceRequest& prepared = holder->prepared;
  prepared.model_name = request->model_name;
  prepared.model_version = request->model_version;
  prepared.id = request->id;
  prepared.requested_outputs = request->requested_outputs;
  prepared.completion = request->completion;
  prepared.inputs.reserve(request->inputs.size());
  for (const tensor::InputTensor& input : request->inputs) {
    const engine::TensorInfo* target = imageTarget(model_inputs, input);
    if (target == nullptr) {
      prepared.inputs.push_back(input);  // views into `request`, kept alive by the holder
      continue;
    }
    if (!image::layoutAcceptsImages(target->layout)) {
      return util::Status(util::StatusCode::kUnsupportedLayout,
                          "input " + target->name + " has layout " + target->layout);
    }
    image::DecodedBatch batch;
    MSERVE_RETURN_IF_ERROR(image::decodeImageBatch(
        input.strings, {target->name, target->datatype, &target->shape}, limits, batch));
    tensor::InputTensor& decoded = prepared.inputs.emplace_back();
    decoded.name = input.name;
    decoded.datatype = target->datatype;
    decoded.shape = std::move(batch.shape);
    decoded.data = prepared.owned_buffers.emplace_back(std::move(batch.data));
  }
  holder->original = std::move(request);
  // Aliasing constructor: points at the prepared request, owns the holder (and so the original).
  return std::shared_ptr<const tensor::InferenceRequest>(holder, &holder->prepared);
}

}  // namespace mserve::serving

// The shared step that turns binary image inputs into tensors before validation, for every
// protocol (REFERENCE.md §7): a BYTES request input bound to a 4-D model input that is not a
// string input is decoded by image/ into the model's precision. Pure function, thread-safe.
#pragma once

#include <memory>
#include <vector>

#include "engine/compiled_model.hpp"
#include "image/image_decoder.hpp"
#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::serving {

// Whether some input of `request` is a batch of images for `model_inputs` (cheap: names and
// types only), i.e. whether prepareBinaryInputs() will decode anything.
bool hasImageInputs(const std::vector<engine::TensorInfo>& model_inputs,
                    const tensor::InferenceRequest& request);

// `request` itself when no input is an image batch. Otherwise a request whose image inputs are
// replaced by the decoded tensors (held in its owned_buffers) and whose other inputs still view
// `request`'s data: the returned pointer keeps `request` alive.
util::StatusOr<std::shared_ptr<const tensor::InferenceRequest>> prepareBinaryInputs(
    const std::vector<engine::TensorInfo>& model_inputs,
    std::shared_ptr<const tensor::InferenceRequest> request, const image::ImageLimits& limits);

}  // namespace mserve::serving

// Applies the load-time shape settings (LoadSpec.shapes, LoadSpec.batch) to a model read from
// disk, before it is compiled. Internal to engine/; the model must not be shared meanwhile.
#pragma once

#include <openvino/c/openvino.h>

#include <vector>

#include "engine/compiled_model.hpp"
#include "util/status.hpp"

namespace mserve::engine {

// `inputs` describes the model's inputs as read. Inputs whose target shape equals their current
// one are left alone, so a model that cannot be reshaped still loads with its own shapes.
// kModelConfigInvalid when a shape names no input; kReshapeError with OpenVINO's message when
// the model rejects the shapes.
util::Status reshapeModel(ov_model_t* model, const std::vector<TensorInfo>& inputs,
                          const LoadSpec& spec);

}  // namespace mserve::engine

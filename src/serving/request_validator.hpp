// Checks a decoded request against a model version's inputs and outputs, with OVMS's status
// codes and detail texts (REFERENCE.md §3.5, §3.7). Runs before any engine call, so nothing the
// client sends reaches OpenVINO unchecked. Pure functions.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/compiled_model.hpp"
#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::serving {

// For each model input (in model order), the index of the request input that feeds it.
util::StatusOr<std::vector<size_t>> matchInputs(const std::vector<engine::TensorInfo>& model_inputs,
                                                const tensor::InferenceRequest& request);

// Indices of the model outputs to return: the requested ones in request order, else all.
util::StatusOr<std::vector<size_t>> matchOutputs(
    const std::vector<engine::TensorInfo>& model_outputs,
    const std::vector<std::string>& requested);

}  // namespace mserve::serving

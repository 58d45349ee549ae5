// --layout (REFERENCE.md §1, §7): per input, "TENSOR:MODEL" (e.g. NHWC:NCHW) makes clients send
// the TENSOR layout and adds OpenVINO's layout conversion in front of the model; a plain
// "MODEL" (e.g. NCHW) only declares the model's layout. Applied with the C API's
// pre-processing before compile. Internal to engine/; the model must not be shared meanwhile.
#pragma once

#include <string>
#include <vector>

#include "engine/compiled_model.hpp"
#include "engine/ov_handles.hpp"
#include "util/status.hpp"

namespace mserve::engine {

// The layout clients see for `input` under `spec` (the tensor part, else the model part), or
// "" when none was given.
std::string clientLayout(const LoadSpec& spec, const std::string& input);

// Replaces `model` by one with the layouts of `spec.layouts` applied. `inputs` describes the
// model's inputs. kModelConfigInvalid for a layout naming no input or one OpenVINO cannot
// parse; kModelConfigInvalid with OpenVINO's message when the layout does not fit the input.
util::Status applyLayouts(OvModel& model, const std::vector<TensorInfo>& inputs,
                          const LoadSpec& spec);

}  // namespace mserve::engine

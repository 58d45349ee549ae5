// protocol-neutral tensor::InferenceResponse → TF Serving PredictResponse. Numeric outputs go to
// tensor_content and strings to string_val, as OVMS writes them (DESIGN.md §4); model_spec
// carries the name and version that answered. Pure function, safe on any thread.
#pragma once

#include "tensor/inference_request.hpp"
#include "tfs/tensorflow_serving/apis/predict.pb.h"
#include "util/status.hpp"

namespace mserve::api::tfs {

// Copies every output of `response` into `out` (the response views die after the callback).
// OV_INTERNAL_SERIALIZATION_ERROR if an output's bytes do not match its shape.
util::Status encodePredictResponse(const tensor::InferenceResponse& response,
                                   tensorflow::serving::PredictResponse& out);

}  // namespace mserve::api::tfs

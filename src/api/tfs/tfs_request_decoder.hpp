// TF Serving PredictRequest → protocol-neutral tensor::InferenceRequest (DESIGN.md §1). Checks
// only what the message says about itself (dtypes, shapes against contents); checks against
// the model belong to serving/. Pure functions, safe on any thread.
#pragma once

#include <cstdint>
#include <string>

#include "tensor/inference_request.hpp"
#include "tfs/tensorflow_serving/apis/model.pb.h"
#include "tfs/tensorflow_serving/apis/predict.pb.h"
#include "util/status.hpp"

namespace mserve::api::tfs {

// The model and version a request names.
struct ModelRef {
  std::string name;
  int64_t version = 0;  // 0 = the default version
};

// `spec` null (the request has no model_spec) → MODEL_SPEC_MISSING. The version is
// spec.version when set (0 = default); a version_label selects the default version, as in OVMS.
util::StatusOr<ModelRef> readModelSpec(const tensorflow::serving::ModelSpec* spec);

// Fills `out` from `request`. Inputs come from tensor_content (which wins when set, as in
// TensorFlow) or from the dtype's typed field (float_val, int_val, int64_val, half_val, ...;
// an extension over OVMS, which reads only tensor_content); DT_STRING from string_val. A
// single typed value is not broadcast over a larger shape: the value count must equal the
// element count. Contents whose wire layout equals the tensor's are viewed in place, so
// `request` must outlive `out`; int_val narrowed to 8/16 bits and half_val are converted into
// `out.owned_buffers`. output_filter becomes requested_outputs (unknown names are rejected by
// serving/). On error `out` is partly filled and must be discarded.
util::Status decodePredictRequest(const tensorflow::serving::PredictRequest& request,
                                  tensor::InferenceRequest& out);

}  // namespace mserve::api::tfs

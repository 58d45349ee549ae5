// TF Serving REST answers as JSON (REFERENCE.md §3.4): predict responses shaped by the request's
// format ({"predictions": ...} for rows, {"outputs": ...} for columns, the output name dropped
// when there is one output), and the status and metadata documents, which are the gRPC
// messages printed by protobuf's JSON printer exactly as OVMS prints them. Pure functions.
#pragma once

#include <string>

#include "api/tfs/tfs_rest_request.hpp"
#include "tensor/inference_request.hpp"
#include "tfs/tensorflow_serving/apis/get_model_metadata.pb.h"
#include "tfs/tensorflow_serving/apis/get_model_status.pb.h"
#include "util/status.hpp"

namespace mserve::api::tfs {

// Row format with several outputs gives one object per batch element (every output must then
// share its first dimension, else REST_COULD_NOT_PARSE_OUTPUT). Floats print in their shortest
// exact form, NaN and infinities as NaN/Infinity/-Infinity (as TF Serving); BYTES outputs as
// strings, or {"b64": ...} when the output name ends in "_bytes" (TF Serving's rule). FP16 and
// BF16 outputs are REST_UNSUPPORTED_PRECISION, as in OVMS. The text is charged to `memory` and
// stops at its limit (REQUEST_MEMORY_EXCEEDED, 413).
util::StatusOr<std::string> encodeTfsRestPredict(const tensor::InferenceResponse& response,
                                                 RestFormat format, RequestMemory& memory);

// {"model_version_status": [...]}: pretty-printed, primitive fields always printed, the version
// a string (int64 in proto JSON).
std::string modelStatusJson(const tensorflow::serving::GetModelStatusResponse& status);

// {"modelSpec": ..., "metadata": {"signature_def": {"@type": ..., ...}}}: the same printer.
std::string modelMetadataJson(const tensorflow::serving::GetModelMetadataResponse& metadata);

}  // namespace mserve::api::tfs

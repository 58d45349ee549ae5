// Protocol-neutral tensor::InferenceResponse → KServe v2 REST response body (REFERENCE.md §3.2,
// §3.3): JSON with each output's data, or for outputs the client asked for as binary, its
// binary_data_size in the JSON and its bytes appended after it in output order. Pure function,
// safe on any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "api/kfs/kfs_json_request.hpp"
#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::api::kfs {

struct RestInferBody {
  std::string body;
  // Set when some output is binary: the JSON's length, for Inference-Header-Content-Length
  // (the body is then application/octet-stream, DESIGN.md §4).
  std::optional<size_t> json_length;
};

// Encodes `response` with the output formats `request` asked for: an output is binary if its
// entry in `outputs` says binary_data true, else if request-level binary_data_output is true.
// FP32 prints as the double it widens to (OVMS); FP16 and BF16 outputs in JSON are widened to
// numbers too (OVMS refuses them). OV_INTERNAL_SERIALIZATION_ERROR if an output's bytes do not
// match its shape. The body is charged to request.memory; REQUEST_MEMORY_EXCEEDED (413) when it
// would not fit (the JSON text is written into the body directly and stops at the limit).
util::StatusOr<RestInferBody> encodeRestInferResponse(const tensor::InferenceResponse& response,
                                                      RestInferRequest& request);

}  // namespace mserve::api::kfs

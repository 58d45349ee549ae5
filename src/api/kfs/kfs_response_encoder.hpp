// Protocol-neutral tensor::InferenceResponse → KServe v2 gRPC ModelInferResponse. Outputs always
// go to raw_output_contents, one entry per output in order (REFERENCE.md §4.5: perf_analyzer
// indexes it without bounds checks). Pure function, safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kfs/grpc_predict_v2.pb.h"
#include "shm/region_registry.hpp"
#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::api::kfs {

// Fills `out` (expected empty) from `response`: model name, version as a decimal string, id,
// each output's name, datatype and shape, and its bytes copied once into raw_output_contents
// (BYTES outputs framed as repeated [uint32 little-endian length][bytes]). Fails with
// OV_INTERNAL_SERIALIZATION_ERROR if an output's bytes do not match its shape or a BYTES
// element is longer than a uint32 length can say.
// Outputs with a slot in `shm_slots` (parallel to `requested_outputs`) are written there
// instead, and get an empty raw_output_contents entry so that indices stay aligned (Triton).
util::Status encodeInferResponse(const tensor::InferenceResponse& response,
                                 inference::ModelInferResponse& out,
                                 const std::vector<std::optional<shm::RegionSlice>>& shm_slots = {},
                                 const std::vector<std::string>& requested_outputs = {});

// Appends the output's bytes to `raw` in KServe's raw layout (shared with REST binary data):
// fixed-size types as they are, BYTES as repeated [uint32 little-endian length][bytes]. Same
// errors as encodeInferResponse.
util::Status appendRawOutput(const tensor::OutputTensor& output, std::string& raw);

}  // namespace mserve::api::kfs

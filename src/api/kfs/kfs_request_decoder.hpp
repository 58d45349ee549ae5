// KServe v2 gRPC ModelInferRequest → protocol-neutral tensor::InferenceRequest. Checks only what
// the message itself says (datatypes, shapes against their contents, framing); checks against
// the model (names, shapes, datatypes) belong to serving/. Pure functions, safe on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "kfs/grpc_predict_v2.pb.h"
#include "shm/region_registry.hpp"
#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::api::kfs {

// KServe model version string: "" → 0 (the default version), decimal digits → that number,
// anything else (signs, spaces, overflow) → MODEL_VERSION_INVALID_FORMAT.
util::StatusOr<int64_t> parseModelVersion(std::string_view version);

// Raw tensor bytes (gRPC raw_input_contents, REST binary data) viewed in place into `tensor`,
// whose name, datatype and shape are set: fixed-size types need exactly shape × itemsize bytes;
// BYTES are repeated [uint32 little-endian length][bytes], exactly elementCount(shape) of them.
// INVALID_CONTENT_SIZE / INVALID_VALUE_COUNT otherwise. `raw` must outlive `tensor`.
util::Status decodeRawFixed(std::string_view raw, tensor::InputTensor& tensor);
util::Status decodeRawBytes(std::string_view raw, int64_t count, tensor::InputTensor& tensor);

// Fills `out` from `request`. Raw inputs and typed contents whose wire layout equals the
// tensor's (FP32, FP64, INT32, INT64, UINT32, UINT64, BOOL) are viewed in place, so `request`
// must outlive `out`; narrower typed contents (INT8/16, UINT8/16) are converted into
// `out.owned_buffers`. On error `out` is left partly filled and must be discarded.
// Inputs and requested outputs in system shared memory (REFERENCE-2.md §3.2) are looked up in
// `shm` (null: the extension is off); an input in shared memory has no raw_input_contents
// entry, and output slots go to `output_slots` (parallel to out.requested_outputs; left empty
// when no output is in shared memory).
util::Status decodeInferRequest(
    const inference::ModelInferRequest& request, tensor::InferenceRequest& out,
    const shm::RegionRegistry* shm = nullptr,
    std::vector<std::optional<shm::RegionSlice>>* output_slots = nullptr);

}  // namespace mserve::api::kfs

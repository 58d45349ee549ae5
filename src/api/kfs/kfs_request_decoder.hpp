// KServe v2 gRPC ModelInferRequest → protocol-neutral tensor::InferenceRequest. Checks only what
// the message itself says (datatypes, shapes against their contents, framing); checks against
// the model (names, shapes, datatypes) belong to serving/. Pure functions, safe on any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "kfs/grpc_predict_v2.pb.h"
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
util::Status decodeInferRequest(const inference::ModelInferRequest& request,
                                tensor::InferenceRequest& out);

}  // namespace mserve::api::kfs

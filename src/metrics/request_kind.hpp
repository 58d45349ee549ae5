// What a request is, as the OVMS metric labels name it: which API, over which interface, for
// which method. Frontends tag their requests with it; serving counts them. Plain enums.
#pragma once

namespace mserve::metrics {

enum class Api { kTensorFlowServing, kKServe };
enum class Interface { kGrpc, kRest };
// The three methods counted per API: Predict/ModelInfer, GetModelMetadata/ModelMetadata,
// GetModelStatus/ModelReady.
enum class Method { kInfer, kMetadata, kStatus };

}  // namespace mserve::metrics

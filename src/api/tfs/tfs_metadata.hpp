// TF Serving GetModelMetadata and GetModelStatus answers built from what the backend reports
// (REFERENCE.md §2.4, §4.4, §4.5). Shared by the gRPC services and the /v1 REST codec, which
// prints the same messages as JSON. Pure functions, safe on any thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "api/kfs/kfs_backend.hpp"
#include "tfs/tensorflow_serving/apis/get_model_metadata.pb.h"
#include "tfs/tensorflow_serving/apis/get_model_status.pb.h"
#include "util/status.hpp"

namespace mserve::api::tfs {

// The one signature an OpenVINO model has, and the one metadata field OVMS answers.
inline constexpr std::string_view kSignatureName = "serving_default";
inline constexpr std::string_view kSignatureDefField = "signature_def";

// OVMS: metadata_field must be exactly ["signature_def"], else INVALID_SIGNATURE_DEF.
util::Status checkMetadataFields(const tensorflow::serving::GetModelMetadataRequest& request);

// model_spec {name, version} and metadata["signature_def"] = SignatureDefMap packed in an Any
// (type URL type.googleapis.com/tensorflow.serving.SignatureDefMap) with the signature
// "serving_default": TensorInfo {name, dtype, tensor_shape (dynamic or bounded dims -1)} per
// input and output, method_name "" (as OVMS).
void buildModelMetadata(const kfs::ModelDescription& model,
                        tensorflow::serving::GetModelMetadataResponse& out);

// Every version (ascending) when `version` is 0, else only that one (MODEL_VERSION_MISSING if
// absent). error_message is the code's name ("OK", "UNKNOWN", ...), as OVMS writes it.
util::Status buildModelStatus(const std::vector<kfs::VersionStatus>& statuses, int64_t version,
                              tensorflow::serving::GetModelStatusResponse& out);

}  // namespace mserve::api::tfs

// KServe v2 REST metadata answers as JSON, written from the same protobuf messages the gRPC
// service sends (kfs_metadata.hpp), so both APIs always say the same: server metadata (GET /v2,
// with "extensions", which perf_analyzer iterates), model metadata and Triton's model
// configuration with Triton's field names (REFERENCE.md §3.2, §5.2). Pure functions.
#pragma once

#include <string>

#include "api/kfs/kfs_backend.hpp"

namespace mserve::api::kfs {

// {"name":"mserve","version":"…","extensions":[…]}
std::string serverMetadataJson();

// {"name","versions":["1",…],"platform":"OpenVINO","inputs":[{"name","datatype","shape"}],
//  "outputs":[…]}
std::string modelMetadataJson(const ModelDescription& model);

// {"name","platform":"openvino","max_batch_size":0,"input":[{"name","data_type":"TYPE_FP32",
//  "dims":[…]}],"output":[…]}
std::string modelConfigJson(const ModelDescription& model);

}  // namespace mserve::api::kfs

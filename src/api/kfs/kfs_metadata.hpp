// KServe v2 metadata answers built from a ModelDescription: ModelMetadata, Triton's ModelConfig
// (what perf_analyzer needs, REFERENCE.md §5.2) and ServerMetadata. Pure functions, safe on any
// thread; the REST frontend can reuse kServerExtensions and the same rules.
#pragma once

#include <span>
#include <string_view>

#include "api/kfs/kfs_backend.hpp"
#include "kfs/grpc_predict_v2.pb.h"

namespace mserve::api::kfs {

// Platform names as OVMS reports them (metadata) and as Triton spells backends (config).
inline constexpr std::string_view kMetadataPlatform = "OpenVINO";
inline constexpr std::string_view kConfigPlatform = "openvino";
inline constexpr std::string_view kServerName = "mserve";

// KServe/Triton extensions mserve implements. "statistics" is deliberately absent: perf_analyzer
// then skips ModelStatistics, which mserve does not implement yet.
std::span<const std::string_view> serverExtensions();

// name, versions (ascending, as strings), platform "OpenVINO", inputs and outputs with KServe
// datatypes and -1 for every dynamic or bounded dimension.
void buildModelMetadata(const ModelDescription& model, inference::ModelMetadataResponse& out);

// Triton ModelConfig: name, platform "openvino", max_batch_size and every input and output
// with its Triton data type and the metadata dims. max_batch_size is 0 unless the model has
// dynamic batching: a positive value makes perf_analyzer strip the first dim from every
// metadata shape, which is then the batch dimension the scheduler concatenates along (config
// dims leave it out, as Triton's do); `dynamic_batching` is present exactly then.
void buildModelConfig(const ModelDescription& model, inference::ModelConfigResponse& out);

// name "mserve", version MSERVE_VERSION, serverExtensions().
void buildServerMetadata(inference::ServerMetadataResponse& out);

}  // namespace mserve::api::kfs

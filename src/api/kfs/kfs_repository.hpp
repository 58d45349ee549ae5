// Triton's model repository extension (REFERENCE-2.md §2): the REST bodies and gRPC parameters
// of index, load and unload turned into backend calls, and the index written back as JSON or
// protobuf. The REST routes are added by addKfsRestRoutes, the RPCs by KfsGrpcService. Pure
// functions apart from the backend calls.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/kfs/kfs_backend.hpp"
#include "kfs/grpc_predict_v2.pb.h"
#include "util/status.hpp"

namespace mserve::api::kfs {

// POST v2/repository/index body: empty, or {"ready": bool}. Returns `ready`.
util::StatusOr<bool> parseIndexBody(std::string_view body, size_t max_json_depth);
// POST v2/repository/models/{m}/load body: empty, or {"parameters": {"config": "<JSON>"}}.
// Returns the config override, if any.
util::StatusOr<std::optional<std::string>> parseLoadBody(std::string_view body,
                                                         size_t max_json_depth);
// POST v2/repository/models/{m}/unload body: empty, or {"parameters":{"unload_dependents":b}}.
util::Status parseUnloadBody(std::string_view body, size_t max_json_depth);

// The gRPC requests' parameters, with the same rules.
util::StatusOr<std::optional<std::string>> loadParameters(
    const google::protobuf::Map<std::string, inference::ModelRepositoryParameter>& parameters);
util::Status unloadParameters(
    const google::protobuf::Map<std::string, inference::ModelRepositoryParameter>& parameters);
// A named repository is not supported (Triton: UNSUPPORTED).
util::Status checkRepositoryName(const std::string& repository_name);

// The index as Triton's top-level JSON array, and as the gRPC response.
std::string repositoryIndexJson(const std::vector<ModelIndexEntry>& models);
void buildRepositoryIndex(const std::vector<ModelIndexEntry>& models,
                          inference::RepositoryIndexResponse& out);

}  // namespace mserve::api::kfs

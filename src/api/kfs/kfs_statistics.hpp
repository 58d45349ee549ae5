// Triton's statistics extension (REFERENCE-2.md §1): the backend's per-version figures as the
// ModelStatistics protobuf answer, and the REST JSON written from that same message so gRPC and
// REST always say the same. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "api/kfs/kfs_backend.hpp"
#include "kfs/grpc_predict_v2.pb.h"

namespace mserve::api::kfs {

void buildModelStatistics(const std::vector<VersionStatistics>& versions,
                          inference::ModelStatisticsResponse& out);

// {"model_stats":[...]} with Triton's field names; counts and ns as JSON unsigned integers,
// `version` as a decimal string, and every collection present (empty when unused).
std::string modelStatisticsJson(const inference::ModelStatisticsResponse& statistics);

}  // namespace mserve::api::kfs

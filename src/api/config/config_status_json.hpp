// The JSON bodies of OVMS's config endpoints (REFERENCE.md §3.6), byte for byte: a model's
// status as protobuf's JSON printer writes GetModelStatusResponse (one-space indent, every
// field printed, trailing newline), the map of all models framed as OVMS frames it, and the
// tab-indented error object. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "api/config/config_backend.hpp"

namespace mserve::api::config {

struct ConfigAnswer {
  int http_status = 200;
  std::string body;  // application/json
};

// {"model_version_status": [...]} with a trailing newline.
std::string modelStatusJson(const std::vector<kfs::VersionStatus>& statuses);
// {"<model>" : {...}, ...}; "{}" when no model is known.
std::string modelStatusesJson(const ModelStatusMap& statuses);
// {\n\t"error": "<message>"\n}
std::string configErrorJson(const std::string& message);

// GET /v1/config.
ConfigAnswer configStatusAnswer(const ModelStatusMap& statuses);
// POST /v1/config/reload, after ConfigBackend::reload() returned `outcome`. OVMS answers 200
// whether or not anything was reloaded; a missing file is 500, an invalid one 412.
ConfigAnswer configReloadAnswer(ReloadOutcome outcome, const ModelStatusMap& statuses);

}  // namespace mserve::api::config

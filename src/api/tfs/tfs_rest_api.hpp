// The TF Serving REST endpoints (REFERENCE.md §3.1, §3.4): registers the /v1/models routes on a
// Router and answers them through the same KfsBackend as KServe, with the pure codec of
// tfs_rest_request/tfs_rest_response. Handlers are thread-safe; predict answers from the
// backend's completion thread.
#pragma once

#include <cstddef>

#include "api/kfs/kfs_backend.hpp"
#include "api/request_memory.hpp"
#include "net/http/router.hpp"

namespace mserve::api::tfs {

struct TfsRestOptions {
  size_t max_json_depth = 100;  // --rest_max_json_depth; OVMS's parsers use 100
  uint64_t max_request_memory_bytes = kDefaultMaxRequestMemoryBytes;  // api/request_memory.hpp
};

// GET /v1/models/{m}[/versions/{v}|/labels/{l}] (status), GET /v1/models/{m}[/versions/{v}]/
// metadata, POST /v1/models/{m}[/versions/{v}|/labels/{l}]:predict. Labels are accepted and
// ignored (default version), as in OVMS; ":classify" and ":regress" are REST_NOT_FOUND.
// `backend` must outlive the router.
void addTfsRestRoutes(net::http::Router& router, kfs::KfsBackend& backend, TfsRestOptions options);

}  // namespace mserve::api::tfs

// The KServe v2 REST endpoints (REFERENCE.md §3.1–3.3): registers their routes on a Router and
// answers them through the KfsBackend, as KfsGrpcService does for gRPC. Depends only on the
// transport-neutral Router/HttpRequest vocabulary, so it is tested without sockets. Handlers are
// thread-safe; inference completes on the connection's strand (HttpRequest::executor), or on
// the receiving thread for models that infer inline.
#pragma once

#include <cstddef>

#include "api/kfs/kfs_backend.hpp"
#include "api/request_memory.hpp"
#include "net/http/router.hpp"
#include "shm/region_registry.hpp"

namespace mserve::api::kfs {

struct KfsRestOptions {
  size_t max_json_depth = 100;  // --rest_max_json_depth; OVMS's parsers use 100
  // Where infer requests find tensors in system shared memory; null = extension off. Must
  // outlive the router.
  const shm::RegionRegistry* shm = nullptr;
  uint64_t max_request_memory_bytes = kDefaultMaxRequestMemoryBytes;  // api/request_memory.hpp
};

// GET /v2, /v2/health/live, /v2/health/ready; for /v2/models/{m}[/versions/{v}]: GET (metadata),
// GET …/ready, GET …/config (Triton's model configuration), POST …/infer. `backend` must
// outlive the router.
void addKfsRestRoutes(net::http::Router& router, KfsBackend& backend, KfsRestOptions options);

}  // namespace mserve::api::kfs

// Triton's shared memory extension over REST (REFERENCE-2.md §3.1): register, unregister and
// status of system shared memory regions under /v2/systemsharedmemory, and the CUDA endpoints
// answered so that perf_analyzer's clean-up is quiet (status: no regions; unregister: done;
// register: not supported). Handlers are thread-safe (the registry is).
#pragma once

#include "net/http/router.hpp"
#include "shm/region_registry.hpp"

namespace mserve::api::kfs {

// `registry` must outlive the router; a disabled registry answers register/unregister with the
// error naming --allow_system_shared_memory, and status with an empty list.
void addShmRestRoutes(net::http::Router& router, shm::RegionRegistry& registry);

}  // namespace mserve::api::kfs

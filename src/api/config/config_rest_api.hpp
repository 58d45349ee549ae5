// OVMS's config endpoints on the REST router (REFERENCE.md §3.6): GET /v1/config lists every
// model's version statuses; POST /v1/config/reload applies config-file and version-folder
// changes first. A reload runs on the calling HTTP worker until the changed models are loaded
// (as in OVMS): other connections are served by the other workers meanwhile.
#pragma once

#include "api/config/config_backend.hpp"
#include "net/http/router.hpp"

namespace mserve::api::config {

// `backend` must outlive the router.
void addConfigRestRoutes(net::http::Router& router, ConfigBackend& backend);

}  // namespace mserve::api::config

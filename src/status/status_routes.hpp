// The status page's routes on the REST port (docs/status.md): GET / and GET /status answer the
// page, GET /status/data the JSON it polls. They take no parameters: the query string is
// ignored (as on every route), so nothing a client sends sizes the answer. `monitor` must
// outlive the router. Not registered at all with --status_page=false.
#pragma once

#include "net/http/router.hpp"
#include "status/status_monitor.hpp"

namespace mserve::status {

void addStatusRoutes(net::http::Router& router, const StatusMonitor& monitor);

}  // namespace mserve::status

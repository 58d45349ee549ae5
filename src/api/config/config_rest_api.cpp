#include "api/config/config_rest_api.hpp"

#include <string>

#include "api/config/config_status_json.hpp"

namespace mserve::api::config {
namespace {

net::http::HttpResponse toResponse(ConfigAnswer answer) {
  net::http::HttpResponse response;
  response.status = answer.http_status;
  response.content_type = std::string(net::http::kJsonContentType);
  response.body = std::move(answer.body);
  return response;
}

}  // namespace

void addConfigRestRoutes(net::http::Router& router, ConfigBackend& backend) {
  router.add(net::http::Method::kGet, "/v1/config",
             [&backend](net::http::HttpRequest&, net::http::Responder respond) {
               respond(toResponse(configStatusAnswer(backend.statuses())));
             });
  router.add(net::http::Method::kPost, "/v1/config/reload",
             [&backend](net::http::HttpRequest&, net::http::Responder respond) {
               const ReloadOutcome outcome = backend.reload();
               respond(toResponse(configReloadAnswer(outcome, backend.statuses())));
             });
}

}  // namespace mserve::api::config

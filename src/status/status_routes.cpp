#include "status/status_routes.hpp"

#include "status/status_page.hpp"

namespace mserve::status {
namespace {

net::http::HttpResponse pageResponse() {
  net::http::HttpResponse response;
  response.content_type = "text/html; charset=utf-8";
  response.headers = {{"Cache-Control", "no-cache"}};
  response.body = std::string(statusPageHtml());
  return response;
}

}  // namespace

void addStatusRoutes(net::http::Router& router, const StatusMonitor& monitor) {
  for (const char* path : {"/", "/status"}) {
    router.add(
        net::http::Method::kGet, path,
        [](net::http::HttpRequest&, net::http::Responder respond) { respond(pageResponse()); });
  }
  router.add(net::http::Method::kGet, "/status/data",
             [&monitor](net::http::HttpRequest&, net::http::Responder respond) {
               net::http::HttpResponse response = net::http::jsonResponse(*monitor.json());
               response.headers.push_back({"Cache-Control", "no-store"});
               respond(std::move(response));
             });
}

}  // namespace mserve::status

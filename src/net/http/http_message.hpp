// The transport-neutral HTTP vocabulary shared by the server and the handlers that protocol
// adapters register: a parsed request, a response, and the callback that sends it. Plain
// standard-library types (no Asio, no Beast), so handlers are unit-testable without sockets.
// Values; one request is used by one thread at a time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.hpp"

namespace mserve::util {
class Executor;
}  // namespace mserve::util

namespace mserve::net::http {

// OVMS accepts GET, POST and OPTIONS; anything else is answered 406 (REFERENCE.md §3.1). HEAD
// is routed as GET and answered without a body (load balancers probe health with it; OVMS
// answers 406 with a body, which corrupts a pipelined connection).
enum class Method { kGet, kHead, kPost, kOptions, kOther };

struct HttpRequest {
  Method method = Method::kGet;
  std::string target;  // as received: path and query
  std::vector<std::pair<std::string, std::string>> headers;
  // The whole body. A handler that answers later (after it returned) must move it out.
  std::string body;
  // Route captures in pattern order (name, percent-decoded value); filled by the Router.
  std::vector<std::pair<std::string_view, std::string>> params;
  // Runs tasks on the connection's strand: where a handler lets an inference complete, so the
  // answer takes one hop (DESIGN.md §3). Set by the connection; valid until it has answered.
  util::Executor* executor = nullptr;

  // The path part of `target` (before '?').
  std::string_view path() const;
  // Value of the first header named `name` (case-insensitive), if present.
  std::optional<std::string_view> header(std::string_view name) const;
  // Value of the route capture `name`; "" if the route has none of that name.
  const std::string& param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // "" = no Content-Type header (empty bodies)
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/Length
  std::string body;
};

// Sends the response to the request it was given for. Call exactly once, from any thread; the
// connection continues on its own executor.
using Responder = std::function<void(HttpResponse)>;

inline constexpr std::string_view kJsonContentType = "application/json";

// {"error":"<status.message()>"} with the status's HTTP code (REFERENCE.md §3.5).
HttpResponse errorResponse(const util::Status& status);

// A 200 response with a JSON body.
HttpResponse jsonResponse(std::string body);

}  // namespace mserve::net::http

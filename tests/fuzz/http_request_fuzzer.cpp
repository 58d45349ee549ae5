// HTTP/1.1 request framing and routing as the REST server does them (toMethod mirrors
// net/http/http_connection.cpp's): Beast's parser with the
// server's header and body limits (chunked bodies, pipelined requests one after another in the
// same bytes), Content-Encoding inflation, then the Router with every KServe, shared-memory and
// TF Serving route over an echo backend, so paths, methods, captures, query strings and bodies
// all reach the real handlers; responses are compressed as Accept-Encoding asks.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/kfs/kfs_rest_api.hpp"
#include "api/kfs/kfs_shm_rest_api.hpp"
#include "api/tfs/tfs_rest_api.hpp"
#include "fuzz_backend.hpp"
#include "net/http/asio.hpp"
#include "net/http/content_coding.hpp"
#include "net/http/router.hpp"

namespace {

using namespace mserve;
namespace bhttp = boost::beast::http;

net::http::Method toMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return net::http::Method::kGet;
    case bhttp::verb::head:
      return net::http::Method::kHead;
    case bhttp::verb::post:
      return net::http::Method::kPost;
    case bhttp::verb::options:
      return net::http::Method::kOptions;
    default:
      return net::http::Method::kOther;
  }
}

struct Routes {
  Routes() {
    api::kfs::addKfsRestRoutes(router, backend,
                               {.shm = &shm, .max_request_memory_bytes = 64 << 20});
    api::kfs::addShmRestRoutes(router, shm);
    api::tfs::addTfsRestRoutes(router, backend, {.max_request_memory_bytes = 64 << 20});
  }
  fuzz::EchoBackend backend;
  // Off, as by default: the routes answer their refusal without touching the OS.
  shm::RegionRegistry shm{false};
  net::http::Router router;
};

// Parses one request from the front of `bytes`; the bytes it used, or 0 when it stopped.
size_t parseAndRoute(std::string_view bytes, const Routes& routes) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(4096);
  parser.body_limit(1 << 20);
  parser.eager(true);
  size_t used = 0;
  while (!parser.is_done()) {
    boost::beast::error_code error;
    const size_t taken =
        parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), error);
    if (error || taken == 0) return 0;  // malformed, or incomplete: the server waits or answers
    used += taken;
  }
  auto message = parser.release();
  net::http::HttpRequest request;
  request.method = toMethod(message.method());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  const net::http::ContentCoding coding = net::http::acceptedCoding(request);
  if (!net::http::decodeRequestBody(request, 1 << 20).isOk()) return used;
  routes.router.dispatch(request, [coding](net::http::HttpResponse response) {
    net::http::encodeResponseBody(response, coding);
  });
  return used;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Routes routes;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (int pipelined = 0; pipelined < 8 && !bytes.empty(); ++pipelined) {
    const size_t used = parseAndRoute(bytes, routes);
    if (used == 0) break;
    bytes.remove_prefix(used);
  }
  return 0;
}

// The REST transport: listens on the REST port on every bind address, runs --rest_workers
// threads over one Asio io_context, and serves each connection with a Connection that hands
// requests to a Router. No thread ever waits for an inference: handlers answer through a
// Responder that posts back to the connection. start() and stop() are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/http/http_limits.hpp"
#include "net/http/router.hpp"
#include "util/status.hpp"

namespace mserve::net::http {

struct HttpServerOptions {
  std::string bind_address = "0.0.0.0";  // comma list of addresses or hostnames
  uint32_t port = 0;                     // 0 = an ephemeral port (tests); the CLI's 0 = "off"
  uint32_t workers = 2;                  // threads running the event loop
  HttpLimits limits;
  // HTTPS: PEM file paths; empty cert = plain HTTP. With a client CA, clients must present a
  // certificate it signed (mutual TLS).
  std::string tls_cert_path, tls_key_path, tls_client_ca_path;
};

class HttpServer {
 public:
  // Binds every address and starts serving `router` (not owned; must outlive the server and
  // not change any more). Fails, logging "Failed to start REST server at <address>", when an
  // address cannot be resolved or bound (for example when the port is taken).
  static util::StatusOr<std::unique_ptr<HttpServer>> start(const HttpServerOptions& options,
                                                           const Router& router);

  ~HttpServer();  // stop(now) unless stopped already
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the ephemeral one when options.port was 0).
  int port() const { return port_; }

  // Stops accepting, closes idle connections and lets requests in flight finish (their
  // responses carry "Connection: close") until `deadline`; then closes what is left. Returns
  // once every connection is gone and the threads have exited, which includes waiting for
  // inferences still running to call back. Later calls return at once.
  void stop(std::chrono::steady_clock::time_point deadline);

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl, int port);

  std::mutex stop_mutex_;
  std::unique_ptr<Impl> impl_;  // null once stopped; guarded by stop_mutex_
  const int port_;
};

}  // namespace mserve::net::http

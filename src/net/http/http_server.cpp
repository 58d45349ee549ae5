#include "net/http/http_server.hpp"

#include <algorithm>
#include <exception>
#include <list>
#include <thread>
#include <utility>

#include "net/http/asio.hpp"
#include "net/http/http_connection.hpp"
#include "util/logging.hpp"

namespace mserve::net::http {
namespace {

using tcp = asio::ip::tcp;
using util::Status;
using util::StatusCode;

// After a failed accept (e.g. out of file descriptors) wait before the next one, rather than
// spinning on the same error.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

std::vector<std::string> splitAddresses(const std::string& list) {
  std::vector<std::string> hosts;
  size_t start = 0;
  while (true) {
    const size_t comma = list.find(',', start);
    std::string host = list.substr(start, comma == std::string::npos ? comma : comma - start);
    std::erase_if(host, [](char c) { return c == ' ' || c == '\t'; });
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    hosts.push_back(std::move(host));
    if (comma == std::string::npos) return hosts;
    start = comma + 1;
  }
}

// One listening socket and its accept loop, on its own strand.
struct Listener {
  Listener(asio::io_context& io, ServerState& server_state)
      : strand(asio::make_strand(io)), acceptor(strand), retry(strand), state(server_state) {}

  void accept() {
    acceptor.async_accept(asio::make_strand(state.io),
                          [this](beast::error_code error, tcp::socket socket) {
                            onAccept(error, std::move(socket));
                          });
  }

  void onAccept(beast::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (error) {
      MSERVE_LOG(util::servingLog(), warn, "REST accept failed: {}", error.message());
      retry.expires_after(kAcceptRetryDelay);
      retry.async_wait([this](beast::error_code wait_error) {
        if (!wait_error) accept();
      });
      return;
    }
    auto connection = makeConnection(std::move(socket), state);
    if (state.add(connection)) connection->start();  // else dropped: the server is stopping
    accept();
  }

  void close() {
    asio::post(strand, [this] {
      beast::error_code ignored;
      acceptor.close(ignored);
      retry.cancel();
    });
  }

  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  asio::steady_timer retry;
  ServerState& state;
};

beast::error_code bindListener(Listener& listener, const tcp::endpoint& endpoint) {
  beast::error_code error;
  tcp::acceptor& acceptor = listener.acceptor;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error && endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  return error;
}

// The server's TLS context from PEM files: TLS 1.2 or newer, the client certificate required
// and verified when a client CA is given.
util::StatusOr<std::unique_ptr<ssl::context>> tlsContext(const HttpServerOptions& options) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  beast::error_code error;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1,
                       error);
  std::string failed;
  if (!error) context->use_certificate_chain_file(options.tls_cert_path, error);
  if (error && failed.empty()) failed = options.tls_cert_path;
  if (!error) context->use_private_key_file(options.tls_key_path, ssl::context::pem, error);
  if (error && failed.empty()) failed = options.tls_key_path;
  if (!error && !options.tls_client_ca_path.empty()) {
    context->load_verify_file(options.tls_client_ca_path, error);
    if (error) failed = options.tls_client_ca_path;
    if (!error) {
      context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, error);
    }
  }
  if (error) {
    return Status(StatusCode::kInternalError,
                  "Cannot use REST TLS file " + failed + ": " + error.message());
  }
  return context;
}

}  // namespace

struct HttpServer::Impl {
  Impl(const Router& router, HttpLimits limits) : state(io, router, limits) {}

  asio::io_context io;
  std::unique_ptr<ssl::context> tls;  // null: plain HTTP
  ServerState state;
  std::list<Listener> listeners;  // a list: listeners never move (handlers hold `this`)
  std::vector<std::thread> threads;

  Status listen(const std::string& bind_address, uint32_t port, int* bound_port);
  void run();
};

Status HttpServer::Impl::listen(const std::string& bind_address, uint32_t port, int* bound_port) {
  for (const std::string& host : splitAddresses(bind_address)) {
    const std::string where = host + ":" + std::to_string(port);
    beast::error_code error;
    tcp::resolver resolver(io);
    // With port 0 (tests) every endpoint after the first takes the port the first one got.
    const auto results =
        resolver.resolve(host, std::to_string(*bound_port > 0 ? *bound_port : port),
                         tcp::resolver::passive | tcp::resolver::numeric_service, error);
    if (error || results.empty()) {
      return Status(StatusCode::kInternalError, "Failed to start REST server at " + where + ": " +
                                                    (error ? error.message() : "no address"));
    }
    for (const auto& entry : results) {
      tcp::endpoint endpoint = entry.endpoint();
      if (*bound_port > 0) endpoint.port(static_cast<uint16_t>(*bound_port));
      Listener& listener = listeners.emplace_back(io, state);
      beast::error_code bind_error = bindListener(listener, endpoint);
      // A hostname may also resolve to an address family this host lacks (::1 without IPv6).
      if (bind_error == boost::system::errc::address_not_available && results.size() > 1) {
        MSERVE_LOG(util::servingLog(), warn, "REST server not listening on {}: {}",
                   endpoint.address().to_string(), bind_error.message());
        listeners.pop_back();
        continue;
      }
      if (bind_error) {
        return Status(StatusCode::kInternalError,
                      "Failed to start REST server at " + where + ": " + bind_error.message());
      }
      *bound_port = listener.acceptor.local_endpoint().port();
    }
  }
  return Status::ok();
}

void HttpServer::Impl::run() {
  // A handler that throws (Beast allocating a body, say) must not take the server down: log
  // and keep running the loop. run() returns normally once no work is left (after stop()).
  while (true) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      MSERVE_LOG(util::servingLog(), err, "REST worker caught an exception: {}", e.what());
    }
  }
}

util::StatusOr<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& options,
                                                              const Router& router) {
  auto impl = std::make_unique<Impl>(router, options.limits);
  if (!options.tls_cert_path.empty()) {
    auto context = tlsContext(options);
    if (!context.isOk()) {
      MSERVE_LOG(util::servingLog(), err, "{}", context.status().details());
      return context.status();
    }
    impl->tls = std::move(context).value();
    impl->state.tls = impl->tls.get();
  }
  int bound_port = 0;
  if (Status status = impl->listen(options.bind_address, options.port, &bound_port);
      !status.isOk()) {
    MSERVE_LOG(util::servingLog(), err, "{}", status.details());
    return status;
  }
  for (Listener& listener : impl->listeners) listener.accept();
  const uint32_t workers = std::max(1u, options.workers);
  for (uint32_t i = 0; i < workers; ++i)
    impl->threads.emplace_back([raw = impl.get()] { raw->run(); });
  MSERVE_LOG(util::servingLog(), info, "Started REST server at {}:{} with {} workers{}",
             options.bind_address, bound_port, workers,
             !impl->tls                           ? ""
             : options.tls_client_ca_path.empty() ? " (HTTPS)"
                                                  : " (HTTPS, mutual TLS)");
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), bound_port));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

HttpServer::~HttpServer() { stop(std::chrono::steady_clock::now()); }

void HttpServer::stop(std::chrono::steady_clock::time_point deadline) {
  std::lock_guard stop_lock(stop_mutex_);
  if (!impl_) return;
  ServerState& state = impl_->state;
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::unique_lock lock(state.mutex);
    state.stopping.store(true);
    for (Listener& listener : impl_->listeners) listener.close();
    for (auto& [raw, weak] : state.connections) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) connection->closeIfIdle();
  open.clear();  // the registry must see them go
  {
    std::unique_lock lock(state.mutex);
    if (!state.drained.wait_until(lock, deadline, [&] { return state.connections.empty(); })) {
      for (auto& [raw, weak] : state.connections) {
        if (auto connection = weak.lock()) open.push_back(std::move(connection));
      }
    }
  }
  for (auto& connection : open) connection->forceClose();
  open.clear();
  for (std::thread& thread : impl_->threads) thread.join();
  impl_.reset();
  MSERVE_LOG(util::servingLog(), info, "Shutdown REST server");
}

}  // namespace mserve::net::http

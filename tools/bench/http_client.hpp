// A minimal asynchronous HTTP/1.1 keep-alive client on Boost.Beast for the REST targets: one
// connection per benchmark client, one request in flight on it, reconnecting after errors.
// Connections run on an HttpIo (an io_context and its threads). A connection is used by one
// client at a time; HttpIo is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/http/asio.hpp"
#include "util/status.hpp"

namespace mserve::bench {

namespace asio = net::http::asio;
namespace beast = net::http::beast;
namespace bhttp = net::http::bhttp;

using HttpRequest = bhttp::request<bhttp::string_body>;
using HttpResponse = bhttp::response<bhttp::string_body>;

class HttpIo {
 public:
  explicit HttpIo(size_t threads);
  ~HttpIo();  // stops the threads; connections must be gone or idle
  asio::io_context& context() { return context_; }

 private:
  asio::io_context context_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  // `error` is empty on success; `response` is valid during the call only.
  using Done = std::function<void(const std::string& error, HttpResponse& response)>;

  HttpConnection(asio::io_context& context, asio::ip::tcp::resolver::results_type endpoints);
  // Sends `request` (the caller keeps it alive until `done`) and reads the response.
  void exchange(const HttpRequest& request, Done done);

 private:
  void connect();
  void write();
  void read();
  void fail(const std::string& what, beast::error_code error);

  beast::tcp_stream stream_;
  const asio::ip::tcp::resolver::results_type endpoints_;
  beast::flat_buffer buffer_;
  std::unique_ptr<bhttp::response_parser<bhttp::string_body>> parser_;
  const HttpRequest* request_ = nullptr;
  Done done_;
  bool connected_ = false;
};

// host:port → endpoints, or an error.
util::StatusOr<asio::ip::tcp::resolver::results_type> resolve(asio::io_context& context,
                                                              const std::string& address,
                                                              std::string* host);

// A blocking GET on its own connection (model metadata before the run): the body or an error
// (any status but 200 is one).
util::StatusOr<std::string> httpGet(const std::string& address, const std::string& target);
// The same for a POST without a body (the tuner's POST /v1/config/reload).
util::StatusOr<std::string> httpPost(const std::string& address, const std::string& target);

}  // namespace mserve::bench

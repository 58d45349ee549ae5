// One accepted HTTP/1.1 connection: reads a request (header, then body, within HttpLimits),
// hands it to the Router, sends the response the handler gives back — from whatever thread the
// handler answers on — and then waits for the next request (keep-alive). One request at a time;
// every step runs on the connection's strand, so the connection's members need no lock.
// ServerState is shared with the HttpServer and guarded as its comments say.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "net/http/asio.hpp"
#include "net/http/http_limits.hpp"
#include "net/http/router.hpp"
#include "util/executor.hpp"

namespace mserve::net::http {

class Connection;

// What every connection of one server shares. Outlives the connections: the server joins its
// threads, which return only when no connection is left, before it destroys this.
struct ServerState {
  ServerState(asio::io_context& io_context, const Router& router_ref, HttpLimits limits_value)
      : io(io_context), router(router_ref), limits(limits_value) {}

  // Adds a connection unless the server is stopping (then false: close it).
  bool add(const std::shared_ptr<Connection>& connection);
  void remove(const Connection* connection);

  asio::io_context& io;
  const Router& router;
  const HttpLimits limits;
  std::atomic<bool> stopping{false};  // set once by HttpServer::stop()

  std::mutex mutex;
  std::condition_variable drained;  // notified when `connections` becomes empty
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections;  // by mutex
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket` must use a strand of `state.io` as its executor.
  Connection(asio::ip::tcp::socket socket, ServerState& state);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts reading the first request. Call once, after ServerState::add.
  void start();
  // Thread-safe. Graceful stop: closes the connection if it waits for a request; otherwise it
  // closes after its current response (ServerState::stopping is set).
  void closeIfIdle();
  // Thread-safe. Closes the socket whatever it is doing; a late response is dropped.
  void forceClose();

 private:
  enum class State { kWaiting, kReading, kHandling, kWriting, kClosed };

  void readHeader();
  void onHeader(beast::error_code error);
  void readBody();
  void onReadFailed(beast::error_code error);
  void handleRequest();
  Responder makeResponder();
  void send(HttpResponse response);
  void writeSome();
  void onWritten(beast::error_code error);
  void failRequest(const util::Status& status);
  void lingerAndClose();
  void drain();
  void close();
  void armTimer();

  // Posts to the connection's strand; handed to handlers as HttpRequest::executor.
  class StrandExecutor final : public util::Executor {
   public:
    explicit StrandExecutor(Connection& connection) : connection_(connection) {}
    void post(std::function<void()> task) override;

   private:
    Connection& connection_;
  };

  beast::tcp_stream stream_;
  StrandExecutor executor_{*this};
  ServerState& state_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::optional<bhttp::response_serializer<bhttp::string_body>> serializer_;
  State phase_ = State::kWaiting;
  unsigned version_ = 11;   // of the current request: the response uses the same
  bool keep_alive_ = true;  // of the current response
};

}  // namespace mserve::net::http

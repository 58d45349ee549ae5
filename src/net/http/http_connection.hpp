// One accepted HTTP/1.1 connection, plain TCP or TLS: reads a request (header, then body, within
// HttpLimits), hands it to the Router, sends the response the handler gives back — from whatever
// thread the handler answers on — and then waits for the next request (keep-alive). One request
// at a time; every step runs on the connection's strand, so the connection's members need no
// lock. ServerState is shared with the HttpServer and guarded as its comments say.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "net/http/asio_ssl.hpp"
#include "net/http/content_coding.hpp"
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

  // Adds a connection unless the server is stopping or it is at limits.max_connections with
  // every connection busy (then false: close it). At the limit, the oldest connection that waits
  // for a request is closed to make room.
  bool add(const std::shared_ptr<Connection>& connection);
  void remove(const Connection* connection);

  asio::io_context& io;
  const Router& router;
  const HttpLimits limits;
  ssl::context* tls = nullptr;        // set: connections speak TLS (HTTPS); owned by the server
  std::atomic<bool> stopping{false};  // set once by HttpServer::stop()

  std::mutex mutex;
  std::condition_variable drained;  // notified when `connections` becomes empty
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections;  // by mutex
  uint64_t next_serial = 0;                                  // by mutex; accept order
  std::chrono::steady_clock::time_point last_limit_warning;  // by mutex

 private:
  // The oldest connection waiting for a request, now marked busy so it is picked once; null if
  // every connection is busy. Call with `mutex` held; release the result after unlocking.
  std::shared_ptr<Connection> takeOldestWaiting();
};

// What the server and its registry hold of a connection, whatever its stream.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  virtual ~Connection() = default;
  // Starts reading the first request (after the TLS handshake, if any). Call once, after
  // ServerState::add.
  virtual void start() = 0;
  // Thread-safe. Graceful stop: closes the connection if it waits for a request; otherwise it
  // closes after its current response (ServerState::stopping is set).
  virtual void closeIfIdle() = 0;
  // Thread-safe. Closes the socket whatever it is doing; a late response is dropped.
  virtual void forceClose() = 0;

 protected:
  // Waiting for a request or receiving its header: may be closed to make room (ServerState).
  std::atomic<bool> waiting_{true};

 private:
  friend struct ServerState;  // serial_ and waiting_, for the connection limit
  uint64_t serial_ = 0;       // accept order; by ServerState::mutex
};

// A connection over `socket` (its executor must be a strand of `state.io`): TLS when state.tls
// is set, plain TCP otherwise.
std::shared_ptr<Connection> makeConnection(asio::ip::tcp::socket socket, ServerState& state);

// Stream: beast::tcp_stream or beast::ssl_stream<beast::tcp_stream> (the two instantiations).
template <class Stream>
class BasicConnection final : public Connection {
 public:
  BasicConnection(Stream stream, ServerState& state);
  ~BasicConnection() override;
  BasicConnection(const BasicConnection&) = delete;
  BasicConnection& operator=(const BasicConnection&) = delete;

  void start() override;
  void closeIfIdle() override;
  void forceClose() override;

 private:
  enum class State { kWaiting, kReading, kHandling, kWriting, kClosed };

  void readHeader();
  void waitForRequest();
  void startHeader();
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
  void armTimer(std::chrono::seconds timeout);
  std::chrono::seconds headerDeadline() const;

  // Posts to the connection's strand; handed to handlers as HttpRequest::executor.
  class StrandExecutor final : public util::Executor {
   public:
    explicit StrandExecutor(BasicConnection& connection) : connection_(connection) {}
    void post(std::function<void()> task) override;

   private:
    BasicConnection& connection_;
  };

  std::shared_ptr<BasicConnection> self() {
    return std::static_pointer_cast<BasicConnection>(shared_from_this());
  }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  void handshake();

  Stream stream_;
  StrandExecutor executor_{*this};
  ServerState& state_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::optional<bhttp::response_serializer<bhttp::string_body>> serializer_;
  State phase_ = State::kWaiting;
  unsigned version_ = 11;        // of the current request: the response uses the same
  bool keep_alive_ = true;       // of the current response
  bool header_started_ = false;  // bytes of the current request arrived: header deadline runs
  bool head_request_ = false;    // the current request is HEAD: its response has no body
  ContentCoding response_coding_ = ContentCoding::kIdentity;  // the current request accepts
};

}  // namespace mserve::net::http

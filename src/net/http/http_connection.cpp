#include "net/http/http_connection.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "net/http/content_coding.hpp"
#include "util/logging.hpp"

namespace mserve::net::http {
namespace {

using tcp = asio::ip::tcp;

// Written before reading a body the client holds back until told to go on.
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// How long a connection that is being closed after an error keeps reading (and dropping) what
// the client still sends, so the error response reaches it instead of a reset.
constexpr auto kLingerTime = std::chrono::seconds(1);
// Read buffer room while a body streams in: Beast's most per read (see readBody()).
constexpr uint64_t kBodyReadBytes = 64 * 1024;
// The first read of a keep-alive connection's next request (then the header parser goes on).
constexpr size_t kFirstReadBytes = 4096;
// An attack at the connection limit would otherwise log a line per accept.
constexpr auto kLimitWarningInterval = std::chrono::seconds(10);

Method toMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

// A copy of the io_context's executor that counts as outstanding work while it exists: the
// server's threads keep running until every response a handler still owes has been posted.
using WorkExecutor = decltype(asio::prefer(std::declval<asio::io_context::executor_type>(),
                                           asio::execution::outstanding_work.tracked));

// Member order matters: `connection` is released before `work`, so that the connection is
// gone (and deregistered) before the server can see its threads run out of work.
template <class Connection>
struct PendingResponse {
  WorkExecutor work;
  std::shared_ptr<Connection> connection;
};

// RFC 9112 §6.1: only "chunked" is decoded here (and must come last); any other transfer coding
// ("gzip, chunked", "deflate", made-up ones) would leave an encoded body read as plain. Returns
// the first coding that is not a single "chunked", or nullopt when all are acceptable.
std::optional<std::string> unsupportedTransferCoding(const bhttp::fields& header) {
  int chunked = 0;
  const auto [first, last] = header.equal_range(bhttp::field::transfer_encoding);
  for (auto field = first; field != last; ++field) {
    for (const auto& coding : bhttp::token_list(field->value())) {
      if (!beast::iequals(coding, "chunked") || ++chunked > 1) return std::string(coding);
    }
  }
  return std::nullopt;
}

std::string limitDetails(uint64_t limit, std::string_view unit, std::string_view flag) {
  return "limit " + std::to_string(limit) + " " + std::string(unit) + ", set by " +
         std::string(flag);
}

}  // namespace

bool ServerState::add(const std::shared_ptr<Connection>& connection) {
  // Released after the lock: if it holds the last reference, its destructor takes the lock.
  std::shared_ptr<Connection> evicted;
  {
    std::lock_guard lock(mutex);
    if (stopping.load()) return false;
    if (connections.size() >= limits.max_connections) {
      evicted = takeOldestWaiting();
      const auto now = std::chrono::steady_clock::now();
      if (now - last_limit_warning >= kLimitWarningInterval) {
        last_limit_warning = now;
        MSERVE_LOG(
            util::servingLog(), warn, "REST connections at the limit of {} ({}): {}",
            limits.max_connections, kMaxConnectionsFlag,
            evicted ? "closing the oldest idle ones" : "every one is busy, refusing new ones");
      }
      if (!evicted) return false;
    }
    connection->serial_ = next_serial++;
    connections.emplace(connection.get(), connection);
  }
  if (evicted) evicted->forceClose();
  return true;
}

std::shared_ptr<Connection> ServerState::takeOldestWaiting() {
  // Raw pointers are safe here: a connection's destructor removes it under `mutex` first, so
  // every one in the map is whole while we hold it. Only the chosen one is locked.
  const Connection* oldest = nullptr;
  for (const auto& [raw, weak] : connections) {
    if (!raw->waiting_.load()) continue;
    if (oldest == nullptr || raw->serial_ < oldest->serial_) oldest = raw;
  }
  if (oldest == nullptr) return nullptr;
  std::shared_ptr<Connection> chosen = connections[oldest].lock();
  // Another accept must not pick it too; if it has just started a request, it is closed all
  // the same (its client sees the connection drop, as with any server at capacity).
  if (chosen) chosen->waiting_.store(false);
  return chosen;
}

void ServerState::remove(const Connection* connection) {
  std::lock_guard lock(mutex);
  connections.erase(connection);
  if (connections.empty()) drained.notify_all();
}

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

std::shared_ptr<Connection> makeConnection(tcp::socket socket, ServerState& state) {
  if (state.tls == nullptr) {
    return std::make_shared<BasicConnection<PlainStream>>(PlainStream(std::move(socket)), state);
  }
  return std::make_shared<BasicConnection<TlsStream>>(
      TlsStream(PlainStream(std::move(socket)), *state.tls), state);
}

template <class Stream>
BasicConnection<Stream>::BasicConnection(Stream stream, ServerState& state)
    : stream_(std::move(stream)), state_(state) {
  beast::error_code ignored;
  lowest().socket().set_option(tcp::no_delay(true), ignored);  // responses are single writes
}

template <class Stream>
BasicConnection<Stream>::~BasicConnection() {
  state_.remove(this);
}

template <class Stream>
void BasicConnection<Stream>::StrandExecutor::post(std::function<void()> task) {
  asio::post(connection_.stream_.get_executor(), std::move(task));
}

template <class Stream>
void BasicConnection<Stream>::start() {
  asio::dispatch(stream_.get_executor(), [self = self()] { self->handshake(); });
}

// TLS: the handshake shares the header's deadline, so a silent client cannot hold a socket.
template <class Stream>
void BasicConnection<Stream>::handshake() {
  if constexpr (std::is_same_v<Stream, PlainStream>) {
    readHeader();
  } else {
    armTimer(headerDeadline());
    stream_.async_handshake(ssl::stream_base::server, [self = self()](beast::error_code error) {
      if (error) {
        MSERVE_LOG(util::servingLog(), debug, "REST TLS handshake failed: {}", error.message());
        return self->close();
      }
      self->readHeader();
    });
  }
}

template <class Stream>
void BasicConnection<Stream>::closeIfIdle() {
  asio::post(stream_.get_executor(), [self = self()] {
    if (self->phase_ == State::kWaiting) self->close();
  });
}

template <class Stream>
void BasicConnection<Stream>::forceClose() {
  asio::post(stream_.get_executor(), [self = self()] { self->close(); });
}

template <class Stream>
void BasicConnection<Stream>::armTimer(std::chrono::seconds timeout) {
  if (timeout.count() > 0) {
    lowest().expires_after(timeout);
  } else {
    lowest().expires_never();
  }
}

template <class Stream>
void BasicConnection<Stream>::readHeader() {
  if (state_.stopping.load()) return close();
  phase_ = State::kWaiting;
  waiting_.store(true);
  response_coding_ = ContentCoding::kIdentity;
  // An idle keep-alive connection does not keep the room a large body needed.
  if (buffer_.size() == 0 && buffer_.capacity() >= kBodyReadBytes) buffer_.shrink_to_fit();
  // A new connection's first request, or a pipelined one already buffered, is a header in
  // progress; otherwise the connection idles (keep-alive) until the next request's first byte.
  if (buffer_.size() == 0 && header_started_) return waitForRequest();
  startHeader();
}

template <class Stream>
void BasicConnection<Stream>::waitForRequest() {
  header_started_ = false;
  armTimer(state_.limits.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          [self = self()](beast::error_code error, size_t bytes) {
                            if (error) return self->onReadFailed(error);
                            self->buffer_.commit(bytes);
                            self->startHeader();
                          });
}

// The shorter of the two limits (a header never had longer than the idle timeout); 0 = none.
template <class Stream>
std::chrono::seconds BasicConnection<Stream>::headerDeadline() const {
  const auto header = state_.limits.header_timeout;
  const auto idle = state_.limits.idle_timeout;
  return header.count() == 0 || (idle.count() > 0 && idle < header) ? idle : header;
}

template <class Stream>
void BasicConnection<Stream>::startHeader() {
  header_started_ = true;
  parser_.emplace();
  parser_->header_limit(state_.limits.max_header_bytes);
  parser_->body_limit(state_.limits.max_body_bytes);
  // One deadline for the whole header: a trickling client cannot hold the descriptor long.
  armTimer(headerDeadline());
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = self()](beast::error_code error, size_t) { self->onHeader(error); });
}

template <class Stream>
void BasicConnection<Stream>::onHeader(beast::error_code error) {
  if (error) return onReadFailed(error);
  waiting_.store(false);
  phase_ = State::kReading;
  const auto& header = parser_->get();
  version_ = header.version();
  if (auto coding = unsupportedTransferCoding(header)) {
    return failRequest(
        util::Status(util::StatusCode::kRestUnsupportedTransferEncoding,
                     "transfer coding '" + *coding + "'; only chunked is supported"));
  }
  const auto expect = header[bhttp::field::expect];
  if (version_ >= 11 && beast::iequals(expect, "100-continue") && !parser_->is_done()) {
    armTimer(state_.limits.idle_timeout);
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = self()](beast::error_code write_error, size_t) {
                        if (write_error) return self->close();
                        self->readBody();
                      });
    return;
  }
  readBody();
}

template <class Stream>
void BasicConnection<Stream>::readBody() {
  if (parser_->is_done()) return handleRequest();
  // Beast reads at most the buffer's free capacity (at least 512 bytes, at most 64 KiB) per
  // call; after the header that is a few KiB, so a 600 KB tensor took hundreds of reads, each
  // an epoll round and a timer re-arm (4 ms of CPU per ResNet request). Room for 64 KiB makes
  // it a dozen.
  const auto remaining = parser_->content_length_remaining();
  if (remaining && *remaining > buffer_.capacity() - buffer_.size()) {
    buffer_.reserve(buffer_.size() + std::min<uint64_t>(*remaining, kBodyReadBytes));
  }
  armTimer(state_.limits.idle_timeout);  // renewed per read: a body must keep moving
  bhttp::async_read_some(stream_, buffer_, *parser_,
                         [self = self()](beast::error_code error, size_t) {
                           if (error) return self->onReadFailed(error);
                           self->readBody();
                         });
}

template <class Stream>
void BasicConnection<Stream>::onReadFailed(beast::error_code error) {
  if (phase_ == State::kClosed) return;
  if (error == bhttp::error::header_limit) {
    return failRequest(
        util::Status(util::StatusCode::kRestHeaderTooLarge,
                     limitDetails(state_.limits.max_header_bytes, "bytes", kMaxHeaderFlag)));
  }
  if (error == bhttp::error::body_limit) {
    return failRequest(
        util::Status(util::StatusCode::kRestPayloadTooLarge,
                     limitDetails(state_.limits.max_body_bytes, "bytes", kMaxBodyFlag)));
  }
  const beast::error_code http_error = bhttp::error::end_of_stream;
  const bool parse_error = error.category() == http_error.category() &&
                           error != bhttp::error::end_of_stream &&
                           error != bhttp::error::partial_message;
  if (parse_error) {
    return failRequest(util::Status(util::StatusCode::kRestMalformedRequest, error.message()));
  }
  // The client closed, went silent past the timeout (the stream closed the socket already), or
  // the server is stopping: there is nobody to answer.
  if (error == beast::error::timeout && phase_ == State::kWaiting && header_started_) {
    MSERVE_LOG(util::servingLog(), debug, "REST request header incomplete in time ({}, {}): closed",
               kHeaderTimeoutFlag, kIdleTimeoutFlag);
  } else if (error == beast::error::timeout) {
    MSERVE_LOG(util::servingLog(), debug, "REST connection idle for {} s ({}): closed",
               state_.limits.idle_timeout.count(), kIdleTimeoutFlag);
  }
  close();
}

template <class Stream>
void BasicConnection<Stream>::handleRequest() {
  bhttp::request<bhttp::string_body> message = parser_->release();
  parser_.reset();
  HttpRequest request;
  request.method = toMethod(message.method());
  request.target = std::string(message.target());
  request.headers.reserve(8);
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.executor = &executor_;
  keep_alive_ = message.keep_alive();
  head_request_ = request.method == Method::kHead;
  phase_ = State::kHandling;
  lowest().expires_never();  // inference takes what it takes
  response_coding_ = acceptedCoding(request);
  if (util::Status decoded = decodeRequestBody(request, state_.limits.max_body_bytes);
      !decoded.isOk()) {
    return send(decodeErrorResponse(decoded));
  }
  state_.router.dispatch(request, makeResponder());
}

template <class Stream>
Responder BasicConnection<Stream>::makeResponder() {
  PendingResponse<BasicConnection> pending{
      asio::prefer(state_.io.get_executor(), asio::execution::outstanding_work.tracked), self()};
  return [pending = std::move(pending)](HttpResponse response) {
    std::shared_ptr<BasicConnection> self = pending.connection;
    asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      self->send(std::move(response));
    });
  };
}

template <class Stream>
void BasicConnection<Stream>::send(HttpResponse response) {
  if (phase_ != State::kHandling) return;  // closed meanwhile (forced stop), or answered twice
  auto& message = response_.emplace();
  message.version(version_);
  message.result(static_cast<unsigned>(response.status));
  if (!response.content_type.empty())
    message.set(bhttp::field::content_type, response.content_type);
  encodeResponseBody(response, response_coding_);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  keep_alive_ = keep_alive_ && !state_.stopping.load();
  message.keep_alive(keep_alive_);
  message.body() = std::move(response.body);
  message.prepare_payload();
  // A response to HEAD has the headers GET would have and never a body (RFC 9110 §9.3.2):
  // bytes after them would be read as the next response.
  if (head_request_) message.body().clear();
  serializer_.emplace(message);
  phase_ = State::kWriting;
  writeSome();
}

template <class Stream>
void BasicConnection<Stream>::writeSome() {
  armTimer(state_.limits.idle_timeout);  // renewed per write: a reader must keep taking bytes
  bhttp::async_write_some(stream_, *serializer_, [self = self()](beast::error_code error, size_t) {
    self->onWritten(error);
  });
}

template <class Stream>
void BasicConnection<Stream>::onWritten(beast::error_code error) {
  if (error) return close();
  if (!serializer_->is_done()) return writeSome();
  serializer_.reset();
  response_.reset();
  if (!keep_alive_) return lingerAndClose();
  readHeader();
}

// An error before the request was complete: answer it, then close (the rest of the request,
// if any, cannot be told apart from a next one).
template <class Stream>
void BasicConnection<Stream>::failRequest(const util::Status& status) {
  MSERVE_LOG(util::servingLog(), debug, "REST request rejected: {}", status.message());
  phase_ = State::kHandling;
  keep_alive_ = false;
  head_request_ =
      parser_ && parser_->is_header_done() && parser_->get().method() == bhttp::verb::head;
  send(errorResponse(status));
}

template <class Stream>
void BasicConnection<Stream>::lingerAndClose() {
  if (phase_ == State::kClosed) return;
  beast::error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
  lowest().expires_after(kLingerTime);  // one deadline for the whole drain
  drain();
}

template <class Stream>
void BasicConnection<Stream>::drain() {
  buffer_.consume(buffer_.size());
  stream_.async_read_some(buffer_.prepare(64 * 1024),
                          [self = self()](beast::error_code error, size_t) {
                            if (error) return self->close();
                            self->drain();
                          });
}

template <class Stream>
void BasicConnection<Stream>::close() {
  if (phase_ == State::kClosed) return;
  phase_ = State::kClosed;
  beast::error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest().close();
}

template class BasicConnection<PlainStream>;
template class BasicConnection<TlsStream>;

}  // namespace mserve::net::http

#include "net/http/http_connection.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

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

Method toMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
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
struct PendingResponse {
  WorkExecutor work;
  std::shared_ptr<Connection> connection;
};

std::string limitDetails(uint64_t limit, std::string_view unit, std::string_view flag) {
  return "limit " + std::to_string(limit) + " " + std::string(unit) + ", set by " +
         std::string(flag);
}

}  // namespace

bool ServerState::add(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex);
  if (stopping.load()) return false;
  connections.emplace(connection.get(), connection);
  return true;
}

void ServerState::remove(const Connection* connection) {
  std::lock_guard lock(mutex);
  connections.erase(connection);
  if (connections.empty()) drained.notify_all();
}

Connection::Connection(tcp::socket socket, ServerState& state)
    : stream_(std::move(socket)), state_(state) {
  beast::error_code ignored;
  stream_.socket().set_option(tcp::no_delay(true), ignored);  // responses are single writes
}

Connection::~Connection() { state_.remove(this); }

void Connection::StrandExecutor::post(std::function<void()> task) {
  asio::post(connection_.stream_.get_executor(), std::move(task));
}

void Connection::start() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->readHeader(); });
}

void Connection::closeIfIdle() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->phase_ == State::kWaiting) self->close();
  });
}

void Connection::forceClose() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
}

void Connection::armTimer() {
  if (state_.limits.idle_timeout.count() > 0) {
    stream_.expires_after(state_.limits.idle_timeout);
  } else {
    stream_.expires_never();
  }
}

void Connection::readHeader() {
  if (state_.stopping.load()) return close();
  phase_ = State::kWaiting;
  // An idle keep-alive connection does not keep the room a large body needed.
  if (buffer_.size() == 0 && buffer_.capacity() >= kBodyReadBytes) buffer_.shrink_to_fit();
  parser_.emplace();
  parser_->header_limit(state_.limits.max_header_bytes);
  parser_->body_limit(state_.limits.max_body_bytes);
  armTimer();  // one deadline for the whole header: a trickling client cannot hold us forever
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->onHeader(error); });
}

void Connection::onHeader(beast::error_code error) {
  if (error) return onReadFailed(error);
  phase_ = State::kReading;
  const auto& header = parser_->get();
  version_ = header.version();
  const auto expect = header[bhttp::field::expect];
  if (version_ >= 11 && beast::iequals(expect, "100-continue") && !parser_->is_done()) {
    armTimer();
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code write_error, size_t) {
                        if (write_error) return self->close();
                        self->readBody();
                      });
    return;
  }
  readBody();
}

void Connection::readBody() {
  if (parser_->is_done()) return handleRequest();
  // Beast reads at most the buffer's free capacity (at least 512 bytes, at most 64 KiB) per
  // call; after the header that is a few KiB, so a 600 KB tensor took hundreds of reads, each
  // an epoll round and a timer re-arm (4 ms of CPU per ResNet request). Room for 64 KiB makes
  // it a dozen.
  const auto remaining = parser_->content_length_remaining();
  if (remaining && *remaining > buffer_.capacity() - buffer_.size()) {
    buffer_.reserve(buffer_.size() + std::min<uint64_t>(*remaining, kBodyReadBytes));
  }
  armTimer();  // renewed per read: a large body may take long, but must keep moving
  bhttp::async_read_some(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code error, size_t) {
                           if (error) return self->onReadFailed(error);
                           self->readBody();
                         });
}

void Connection::onReadFailed(beast::error_code error) {
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
  if (error == beast::error::timeout) {
    MSERVE_LOG(util::servingLog(), debug, "REST connection idle for {} s ({}): closed",
               state_.limits.idle_timeout.count(), kIdleTimeoutFlag);
  }
  close();
}

void Connection::handleRequest() {
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
  phase_ = State::kHandling;
  stream_.expires_never();  // inference takes what it takes
  state_.router.dispatch(request, makeResponder());
}

Responder Connection::makeResponder() {
  PendingResponse pending{
      asio::prefer(state_.io.get_executor(), asio::execution::outstanding_work.tracked),
      shared_from_this()};
  return [pending = std::move(pending)](HttpResponse response) {
    std::shared_ptr<Connection> self = pending.connection;
    asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      self->send(std::move(response));
    });
  };
}

void Connection::send(HttpResponse response) {
  if (phase_ != State::kHandling) return;  // closed meanwhile (forced stop), or answered twice
  auto& message = response_.emplace();
  message.version(version_);
  message.result(static_cast<unsigned>(response.status));
  if (!response.content_type.empty())
    message.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  keep_alive_ = keep_alive_ && !state_.stopping.load();
  message.keep_alive(keep_alive_);
  message.body() = std::move(response.body);
  message.prepare_payload();
  serializer_.emplace(message);
  phase_ = State::kWriting;
  writeSome();
}

void Connection::writeSome() {
  armTimer();  // renewed per write: a slow reader must keep taking bytes
  bhttp::async_write_some(
      stream_, *serializer_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->onWritten(error); });
}

void Connection::onWritten(beast::error_code error) {
  if (error) return close();
  if (!serializer_->is_done()) return writeSome();
  serializer_.reset();
  response_.reset();
  if (!keep_alive_) return lingerAndClose();
  readHeader();
}

// An error before the request was complete: answer it, then close (the rest of the request,
// if any, cannot be told apart from a next one).
void Connection::failRequest(const util::Status& status) {
  MSERVE_LOG(util::servingLog(), debug, "REST request rejected: {}", status.message());
  phase_ = State::kHandling;
  keep_alive_ = false;
  send(errorResponse(status));
}

void Connection::lingerAndClose() {
  if (phase_ == State::kClosed) return;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTime);  // one deadline for the whole drain
  drain();
}

void Connection::drain() {
  buffer_.consume(buffer_.size());
  stream_.async_read_some(buffer_.prepare(64 * 1024),
                          [self = shared_from_this()](beast::error_code error, size_t) {
                            if (error) return self->close();
                            self->drain();
                          });
}

void Connection::close() {
  if (phase_ == State::kClosed) return;
  phase_ = State::kClosed;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace mserve::net::http

#include "http_client.hpp"

namespace mserve::bench {
namespace {

constexpr size_t kReadRoomBytes = 64 * 1024;
// The largest response body accepted. An explicit number, not body_limit(boost::none): Boost
// 1.74's parser compares a Content-Length against that empty optional as if it were a limit
// below every size, so responses whose headers arrive before their body (a separate write, as
// uvicorn-based servers send them) failed with "body limit exceeded".
constexpr uint64_t kMaxResponseBodyBytes = uint64_t{4} << 30;  // 4 GiB

}  // namespace

HttpIo::HttpIo(size_t threads) : work_(asio::make_work_guard(context_)) {
  for (size_t i = 0; i < std::max<size_t>(1, threads); ++i) {
    threads_.emplace_back([this] { context_.run(); });
  }
}

HttpIo::~HttpIo() {
  work_.reset();
  context_.stop();
  for (std::thread& thread : threads_) thread.join();
}

HttpConnection::HttpConnection(asio::io_context& context,
                               asio::ip::tcp::resolver::results_type endpoints)
    : stream_(asio::make_strand(context)), endpoints_(std::move(endpoints)) {
  // Beast reads at most the buffer's free room (64 KiB at most) per call: without room, a
  // large response would take hundreds of small reads.
  buffer_.reserve(kReadRoomBytes);
}

void HttpConnection::exchange(const HttpRequest& request, Done done) {
  request_ = &request;
  done_ = std::move(done);
  // Onto the connection's strand: the caller may be any thread.
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->connected_) {
      self->write();
    } else {
      self->connect();
    }
  });
}

void HttpConnection::connect() {
  stream_.async_connect(
      endpoints_, [self = shared_from_this()](beast::error_code error, const auto& /*endpoint*/) {
        if (error) return self->fail("connect", error);
        self->stream_.socket().set_option(asio::ip::tcp::no_delay(true));
        self->connected_ = true;
        self->write();
      });
}

void HttpConnection::write() {
  bhttp::async_write(stream_, *request_,
                     [self = shared_from_this()](beast::error_code error, size_t) {
                       if (error) return self->fail("write", error);
                       self->read();
                     });
}

void HttpConnection::read() {
  parser_ = std::make_unique<bhttp::response_parser<bhttp::string_body>>();
  parser_->body_limit(kMaxResponseBodyBytes);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code error, size_t) {
                      if (error) return self->fail("read", error);
                      HttpResponse response = self->parser_->release();
                      if (!response.keep_alive()) {
                        beast::error_code ignored;
                        self->stream_.socket().close(ignored);
                        self->connected_ = false;
                      }
                      Done done = std::move(self->done_);
                      done({}, response);
                    });
}

void HttpConnection::fail(const std::string& what, beast::error_code error) {
  beast::error_code ignored;
  stream_.socket().close(ignored);
  connected_ = false;
  buffer_.clear();
  HttpResponse empty;
  Done done = std::move(done_);
  done(what + ": " + error.message(), empty);
}

util::StatusOr<asio::ip::tcp::resolver::results_type> resolve(asio::io_context& context,
                                                              const std::string& address,
                                                              std::string* host) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return util::Status(util::StatusCode::kInvalidArgument, "expected host:port, got " + address);
  }
  std::string name = address.substr(0, colon);
  if (name.size() > 1 && name.front() == '[') name = name.substr(1, name.size() - 2);
  asio::ip::tcp::resolver resolver(context);
  beast::error_code error;
  auto endpoints = resolver.resolve(name, address.substr(colon + 1), error);
  if (error) {
    return util::Status(util::StatusCode::kInvalidArgument,
                        "cannot resolve " + address + ": " + error.message());
  }
  if (host) *host = address.substr(0, colon);
  return endpoints;
}

namespace {

util::StatusOr<std::string> blockingRequest(bhttp::verb verb, const std::string& address,
                                            const std::string& target) {
  asio::io_context context;
  std::string host;
  auto endpoints = resolve(context, address, &host);
  if (!endpoints.isOk()) return endpoints.status();
  beast::tcp_stream stream(context);
  beast::error_code error;
  stream.connect(*endpoints, error);
  HttpRequest request(verb, target, 11);
  request.set(bhttp::field::host, host);
  request.prepare_payload();
  if (!error) bhttp::write(stream, request, error);
  beast::flat_buffer buffer;
  HttpResponse response;
  if (!error) bhttp::read(stream, buffer, response, error);
  if (error) {
    return util::Status(util::StatusCode::kInvalidArgument, std::string(bhttp::to_string(verb)) +
                                                                " " + target + " at " + address +
                                                                ": " + error.message());
  }
  if (response.result_int() != 200) {
    return util::Status(util::StatusCode::kInvalidArgument,
                        std::string(bhttp::to_string(verb)) + " " + target + ": HTTP " +
                            std::to_string(response.result_int()) + " " + response.body());
  }
  return std::move(response.body());
}

}  // namespace

util::StatusOr<std::string> httpGet(const std::string& address, const std::string& target) {
  return blockingRequest(bhttp::verb::get, address, target);
}

util::StatusOr<std::string> httpPost(const std::string& address, const std::string& target) {
  return blockingRequest(bhttp::verb::post, address, target);
}

}  // namespace mserve::bench

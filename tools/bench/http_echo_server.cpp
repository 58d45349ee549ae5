// mserve-bench-http-echo: the transport floor for REST. A bare Boost.Beast HTTP/1.1 keep-alive
// server (the library and Asio model of mserve's REST server): POST echoes the body (and its
// Inference-Header-Content-Length) with 200, GET /v2/models/... describes a `dummy`-like model
// so mserve-bench can drive it unchanged. THREADS threads run one io_context. Prints
// "listening on PORT" when ready.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/http/asio.hpp"

namespace {

namespace asio = mserve::net::http::asio;
namespace beast = mserve::net::http::beast;
namespace bhttp = mserve::net::http::bhttp;
using tcp = asio::ip::tcp;

constexpr beast::string_view kHeaderLength = "Inference-Header-Content-Length";
constexpr std::string_view kMetadata =
    R"({"name":"dummy","versions":["1"],"platform":"echo",)"
    R"("inputs":[{"name":"b","datatype":"FP32","shape":[1,10]}],)"
    R"("outputs":[{"name":"a","datatype":"FP32","shape":[1,10]}]})";

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : stream_(std::move(socket)) {}
  void read() {
    parser_.emplace();
    parser_->body_limit(1ull << 30);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code error, size_t) {
                        if (!error) self->answer();
                      });
  }

 private:
  void answer() {
    bhttp::request<bhttp::string_body> request = parser_->release();
    response_ = {};
    response_.version(11);
    response_.keep_alive(request.keep_alive());
    if (request.method() == bhttp::verb::post) {
      response_.result(bhttp::status::ok);
      response_.set(bhttp::field::content_type, "application/octet-stream");
      if (auto length = request.find(kHeaderLength); length != request.end()) {
        response_.set(kHeaderLength, length->value());
      }
      response_.body() = std::move(request.body());
    } else {
      response_.result(bhttp::status::ok);
      response_.set(bhttp::field::content_type, "application/json");
      response_.body() = std::string(kMetadata);
    }
    response_.prepare_payload();
    bhttp::async_write(stream_, response_,
                       [self = shared_from_this()](beast::error_code error, size_t) {
                         if (error || !self->response_.keep_alive()) return;
                         self->read();
                       });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
};

void accept(tcp::acceptor& acceptor, asio::io_context& context) {
  acceptor.async_accept(asio::make_strand(context),
                        [&](beast::error_code error, tcp::socket socket) {
                          if (!error) {
                            socket.set_option(tcp::no_delay(true));
                            std::make_shared<Session>(std::move(socket))->read();
                          }
                          accept(acceptor, context);
                        });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--help") {
    std::printf("usage: mserve-bench-http-echo [PORT (0 = any)] [THREADS (2)] [ADDRESS]\n");
    return 0;
  }
  const int port = argc > 1 ? std::atoi(argv[1]) : 0;
  const int threads = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2;
  const std::string address = argc > 3 ? argv[3] : "0.0.0.0";
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the worker threads start

  asio::io_context context;
  tcp::acceptor acceptor(context);
  beast::error_code error;
  const tcp::endpoint endpoint(asio::ip::make_address(address), static_cast<uint16_t>(port));
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    std::fprintf(stderr, "cannot listen on %s:%d: %s\n", address.c_str(), port,
                 error.message().c_str());
    return 1;
  }
  accept(acceptor, context);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) workers.emplace_back([&context] { context.run(); });
  std::printf("listening on %d\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  context.stop();
  for (std::thread& worker : workers) worker.join();
  return 0;
}

// The HTTP transport over real loopback sockets: keep-alive, answers from other threads, the
// limits (431, 413, malformed requests, idle timeout), 100-continue and graceful stop.
#include "net/http/http_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace mserve::net::http {
namespace {

using namespace std::chrono_literals;

struct Reply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

// A blocking client socket that speaks just enough HTTP/1.1 for these tests.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { close(fd_); }

  bool connected() const { return connected_; }
  void send(const std::string& data) {
    ASSERT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
  }

  // One response (Content-Length framed), or nullopt if the server closed or went silent.
  std::optional<Reply> read() {
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    Reply reply;
    reply.head = pending_.substr(0, end + 2);
    reply.status = std::stoi(reply.head.substr(9, 3));
    size_t length = 0;
    if (const size_t at = lower(reply.head).find("content-length:"); at != std::string::npos) {
      length = std::stoul(reply.head.substr(at + 15));
    }
    while (pending_.size() < end + 4 + length) {
      if (!fill()) return std::nullopt;
    }
    reply.body = pending_.substr(end + 4, length);
    pending_.erase(0, end + 4 + length);
    return reply;
  }

  // Whether the server closes the connection (EOF or reset) within the receive timeout.
  bool closedByServer() {
    char byte;
    const ssize_t got = recv(fd_, &byte, 1, 0);
    return got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  static std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }
  bool fill() {
    char buffer[4096];
    const ssize_t got = recv(fd_, buffer, sizeof(buffer), 0);
    if (got <= 0) return false;
    pending_.append(buffer, static_cast<size_t>(got));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string pending_;
};

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add(Method::kGet, "/hello", [](HttpRequest&, Responder respond) {
      respond(jsonResponse(R"({"hello":true})"));
    });
    router_.add(Method::kPost, "/echo", [](HttpRequest& request, Responder respond) {
      HttpResponse response;
      response.content_type = "application/octet-stream";
      response.body = std::move(request.body);
      respond(std::move(response));
    });
    // Answers from another thread later, as inference completions do.
    router_.add(Method::kGet, "/slow", [](HttpRequest&, Responder respond) {
      std::thread([respond] {
        std::this_thread::sleep_for(300ms);
        respond(jsonResponse("{}"));
      }).detach();
    });
  }

  void start(HttpLimits limits = {}) {
    HttpServerOptions options;
    options.bind_address = "127.0.0.1";
    options.limits = limits;
    auto started = HttpServer::start(options, router_);
    ASSERT_TRUE(started.isOk()) << started.status().message();
    server_ = std::move(started.value());
  }

  Router router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  RawClient client(server_->port());
  ASSERT_TRUE(client.connected());
  client.send(get("/hello") + get("/nowhere"));  // pipelined
  auto first = client.read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, R"({"hello":true})");
  EXPECT_NE(first->head.find("Content-Type: application/json"), std::string::npos);
  auto second = client.read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 400);
  EXPECT_EQ(second->body, R"({"error":"Invalid request URL"})");
  const std::string body("ab\0cd", 5);
  client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\n" + body);
  auto echoed = client.read();
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->status, 200);
  EXPECT_EQ(echoed->body, body);
}

TEST_F(HttpServerTest, ChunkedBodiesAreReassembled) {
  start();
  RawClient client(server_->port());
  client.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  auto reply = client.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "abcde");
}

TEST_F(HttpServerTest, LateAnswerFromAnotherThreadDoesNotBlockOtherConnections) {
  start();
  RawClient slow(server_->port());
  slow.send(get("/slow"));
  RawClient quick(server_->port());
  const auto before = std::chrono::steady_clock::now();
  quick.send(get("/hello"));
  ASSERT_TRUE(quick.read());
  EXPECT_LT(std::chrono::steady_clock::now() - before, 250ms);
  auto reply = slow.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpServerTest, OversizedHeaderIs431NamingTheFlag) {
  start({.max_body_bytes = 1024, .max_header_bytes = 512});
  RawClient client(server_->port());
  client.send(get("/hello", "X-Big: " + std::string(1000, 'x') + "\r\n"));
  auto reply = client.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  EXPECT_NE(reply->body.find("--rest_max_header_bytes"), std::string::npos) << reply->body;
  EXPECT_NE(reply->head.find("Connection: close"), std::string::npos);
}

TEST_F(HttpServerTest, OversizedBodyIs413BeforeTheBodyArrives) {
  start({.max_body_bytes = 1024, .max_header_bytes = 4096});
  RawClient client(server_->port());
  client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n");
  auto reply = client.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_NE(reply->body.find("--rest_max_body_bytes"), std::string::npos) << reply->body;
  // A chunked body crossing the limit is refused too.
  RawClient chunked(server_->port());
  chunked.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
               std::string(2048, 'x') + "\r\n0\r\n\r\n");
  reply = chunked.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
}

TEST_F(HttpServerTest, MalformedRequestIs400AndServerKeepsServing) {
  start();
  RawClient bad(server_->port());
  bad.send("GARBAGE\r\n\r\n");
  auto reply = bad.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  RawClient good(server_->port());
  good.send(get("/hello"));
  reply = good.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpServerTest, ExpectContinueGets100First) {
  start();
  RawClient client(server_->port());
  client.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
  auto interim = client.read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  client.send("hi");
  auto reply = client.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "hi");
}

TEST_F(HttpServerTest, IdleConnectionsAreClosedAfterTheTimeout) {
  start({.idle_timeout = 1s});
  RawClient client(server_->port());
  client.send(get("/hello"));
  ASSERT_TRUE(client.read());
  EXPECT_TRUE(client.closedByServer());  // within the 5 s receive timeout
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAndWaitsForAnswersInFlight) {
  start();
  RawClient idle(server_->port());
  idle.send(get("/hello"));
  ASSERT_TRUE(idle.read());
  RawClient busy(server_->port());
  busy.send(get("/slow"));
  std::this_thread::sleep_for(50ms);  // let the request reach its handler
  server_->stop(std::chrono::steady_clock::now() + 5s);
  EXPECT_TRUE(idle.closedByServer());
  auto reply = busy.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->head.find("Connection: close"), std::string::npos);
}

TEST_F(HttpServerTest, BusyPortFailsToStart) {
  start();
  HttpServerOptions options;
  options.bind_address = "127.0.0.1";
  options.port = static_cast<uint32_t>(server_->port());
  auto second = HttpServer::start(options, router_);
  ASSERT_FALSE(second.isOk());
  EXPECT_NE(second.status().details().find("Failed to start REST server"), std::string::npos);
}

}  // namespace
}  // namespace mserve::net::http

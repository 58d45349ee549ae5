// The HTTP transport over real loopback sockets: keep-alive, answers from other threads, the
// limits (431, 413, malformed requests, idle timeout), 100-continue and graceful stop.
#include "net/http/http_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/raw_http_client.hpp"

namespace mserve::net::http {
namespace {

using namespace std::chrono_literals;

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
  // Beast itself refuses a coding after chunked (the body's end could not be found): 400.
  RawClient after(server_->port());
  after.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
      "Transfer-Encoding: gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  auto refused = after.read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
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

TEST_F(HttpServerTest, HeadIsAnsweredLikeGetWithoutABodyAndKeepsThePipeline) {
  start();
  RawClient client(server_->port());
  // HEAD on a GET route, HEAD on a POST-only route, HEAD on no route, then a GET: each HEAD
  // reply has headers only, so the next reply starts right after it.
  client.send(
      "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"
      "HEAD /echo HTTP/1.1\r\nHost: t\r\n\r\n"
      "HEAD /nowhere HTTP/1.1\r\nHost: t\r\n\r\n" +
      get("/hello"));
  auto head = client.read(/*head_only=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_NE(head->head.find("Content-Length: 14"), std::string::npos) << head->head;
  auto not_allowed = client.read(true);
  ASSERT_TRUE(not_allowed);
  EXPECT_EQ(not_allowed->status, 406);
  auto unknown = client.read(true);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  auto reply = client.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, R"({"hello":true})");
}

TEST_F(HttpServerTest, TransferCodingsOtherThanChunkedAre501) {
  start();
  for (const std::string coding : {"gzip, chunked", "deflate", "x-made-up", "chunked, chunked"}) {
    RawClient client(server_->port());
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + coding +
                "\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    auto reply = client.read();
    ASSERT_TRUE(reply) << coding;
    EXPECT_EQ(reply->status, 501) << coding;
    EXPECT_NE(reply->body.find("Unsupported Transfer-Encoding"), std::string::npos) << reply->body;
    EXPECT_NE(reply->head.find("Connection: close"), std::string::npos);
  }
  // Beast itself refuses a coding after chunked (the body's end could not be found): 400.
  RawClient after(server_->port());
  after.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
      "Transfer-Encoding: gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  auto refused = after.read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  RawClient chunked(server_->port());
  chunked.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "2\r\n{}\r\n0\r\n\r\n");
  auto reply = chunked.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "{}");
}

TEST_F(HttpServerTest, HalfSentHeaderIsClosedAfterTheHeaderTimeout) {
  start({.idle_timeout = 30s, .header_timeout = 1s});
  RawClient half(server_->port());
  half.send("GET /hello HTTP/1.1\r\nHost: t\r\n");  // never finished
  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(half.closedByServer());  // within the 5 s receive timeout
  EXPECT_LT(std::chrono::steady_clock::now() - before, 3s);
  // An idle keep-alive connection waits for its next request the idle timeout, not the
  // header's.
  RawClient idle(server_->port());
  idle.send(get("/hello"));
  ASSERT_TRUE(idle.read());
  std::this_thread::sleep_for(1500ms);
  idle.send(get("/hello"));
  auto reply = idle.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpServerTest, ConnectionsAboveTheLimitCloseTheOldestWaitingOne) {
  start({.max_connections = 4});
  std::vector<std::unique_ptr<RawClient>> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.push_back(std::make_unique<RawClient>(server_->port()));
    waiting.back()->send("GET /hello HTTP/1.1\r\n");  // half a header: waiting
  }
  std::this_thread::sleep_for(100ms);  // all four accepted, in order
  RawClient fresh(server_->port());
  fresh.send(get("/hello"));
  auto reply = fresh.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_TRUE(waiting.front()->closedByServer());  // the oldest made room
}

TEST_F(HttpServerTest, ConnectionsAboveTheLimitAreRefusedWhenAllAreBusy) {
  start({.max_connections = 1});
  RawClient busy(server_->port());
  busy.send(get("/slow"));
  std::this_thread::sleep_for(50ms);  // the request is with its handler: not evictable
  RawClient refused(server_->port());
  EXPECT_TRUE(refused.closedByServer());
  auto reply = busy.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

}  // namespace
}  // namespace mserve::net::http

#include "status/status_routes.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "status/status_page.hpp"

namespace mserve::status {
namespace {

using net::http::HttpRequest;
using net::http::HttpResponse;
using net::http::Method;

HttpResponse get(const net::http::Router& router, std::string target) {
  HttpRequest request;
  request.method = Method::kGet;
  request.target = std::move(target);
  std::optional<HttpResponse> answer;
  router.dispatch(request, [&](HttpResponse response) { answer = std::move(response); });
  EXPECT_TRUE(answer.has_value());
  return answer.value_or(HttpResponse{});
}

TEST(StatusRoutesTest, PageAtRootAndStatusDataAsJsonQueryIgnored) {
  StatusMonitor monitor([] { return ServerFacts{}; },
                        {.version = "9.9", .openvino_version = "2026.4"}, {.start_thread = false},
                        [](const std::string&) {});
  net::http::Router router;
  addStatusRoutes(router, monitor);
  for (const char* path : {"/", "/status", "/status/"}) {
    const HttpResponse page = get(router, path);
    EXPECT_EQ(page.status, 200) << path;
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("<title>mserve status</title>"), std::string::npos);
    EXPECT_NE(page.body.find("fetch(\"/status/data\""), std::string::npos);
  }
  const HttpResponse data = get(router, "/status/data?anything=1");
  EXPECT_EQ(data.status, 200);
  EXPECT_EQ(data.content_type, "application/json");
  EXPECT_NE(data.body.find("\"version\":\"9.9\""), std::string::npos) << data.body;
  EXPECT_NE(data.body.find("\"models\":[]"), std::string::npos) << data.body;
}

TEST(StatusRoutesTest, ThePageLoadsNothingFromElsewhere) {
  const std::string_view page = statusPageHtml();
  EXPECT_EQ(page.find("http://"), page.find("http://www.w3.org/2000/svg"));  // a namespace name
  EXPECT_EQ(page.find("https://"), std::string_view::npos);
  EXPECT_EQ(page.find("src="), std::string_view::npos);
  EXPECT_EQ(page.find("innerHTML"), std::string_view::npos);
}

}  // namespace
}  // namespace mserve::status

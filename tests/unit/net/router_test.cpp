#include "net/http/router.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace mserve::net::http {
namespace {

// Dispatches and returns what the router (or the handler) answered synchronously.
HttpResponse route(const Router& router, Method method, std::string target,
                   HttpRequest* seen = nullptr) {
  HttpRequest request;
  request.method = method;
  request.target = std::move(target);
  std::optional<HttpResponse> answer;
  router.dispatch(request, [&](HttpResponse response) { answer = std::move(response); });
  if (seen != nullptr) *seen = request;
  EXPECT_TRUE(answer.has_value());
  return answer.value_or(HttpResponse{});
}

Handler echoParams(std::string tag) {
  return [tag](HttpRequest& request, Responder respond) {
    HttpResponse response;
    response.body = tag;
    for (const auto& [name, value] : request.params) {
      response.body += " " + std::string(name) + "=" + value;
    }
    respond(std::move(response));
  };
}

Router modelRouter() {
  Router router;
  router.add(Method::kGet, "/v2", echoParams("server"));
  router.add(Method::kGet, "/v2/models/{model}", echoParams("meta"));
  router.add(Method::kGet, "/v2/models/{model}/versions/{version:int}", echoParams("meta"));
  router.add(Method::kPost, "/v2/models/{model}/infer", echoParams("infer"));
  return router;
}

TEST(PercentDecode, DecodesEscapesAndRejectsMalformedOnes) {
  EXPECT_EQ(percentDecode("plain"), "plain");
  EXPECT_EQ(percentDecode("a%2Fb%3a%20c"), "a/b: c");
  EXPECT_EQ(percentDecode("a+b"), "a+b");
  EXPECT_EQ(percentDecode("%"), std::nullopt);
  EXPECT_EQ(percentDecode("%4"), std::nullopt);
  EXPECT_EQ(percentDecode("ab%zz"), std::nullopt);
}

TEST(SplitPath, IgnoresOuterSlashesKeepsInnerEmptySegments) {
  EXPECT_EQ(splitPath("/"), std::vector<std::string_view>{});
  EXPECT_EQ(splitPath("/v2/models/"), (std::vector<std::string_view>{"v2", "models"}));
  EXPECT_EQ(splitPath("/a//b"), (std::vector<std::string_view>{"a", "", "b"}));
}

TEST(Router, MatchesLiteralsAndCaptures) {
  const Router router = modelRouter();
  EXPECT_EQ(route(router, Method::kGet, "/v2").body, "server");
  EXPECT_EQ(route(router, Method::kGet, "/v2/models/dummy").body, "meta model=dummy");
  EXPECT_EQ(route(router, Method::kGet, "/v2/models/dummy/").body, "meta model=dummy");
  EXPECT_EQ(route(router, Method::kGet, "/v2/models/dummy?x=1").body, "meta model=dummy");
  EXPECT_EQ(route(router, Method::kGet, "/v2/models/d/versions/12").body,
            "meta model=d version=12");
  EXPECT_EQ(route(router, Method::kPost, "/v2/models/dummy/infer").body, "infer model=dummy");
}

TEST(Router, PercentDecodesModelNames) {
  const Router router = modelRouter();
  EXPECT_EQ(route(router, Method::kGet, "/v2/models/my%20model").body, "meta model=my model");
  EXPECT_EQ(route(router, Method::kGet, "/v2/models/%zz").status, 400);
}

TEST(Router, VersionSegmentIsDigitsOnly) {
  const Router router = modelRouter();
  for (const char* target : {"/v2/models/d/versions/x", "/v2/models/d/versions/-1",
                             "/v2/models/d/versions/1a", "/v2/models/d/versions/"}) {
    const HttpResponse response = route(router, Method::kGet, target);
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_EQ(response.body, R"({"error":"Invalid request URL"})") << target;
  }
}

TEST(Router, UnknownPathIs400KnownPathWithOtherMethodIs406) {
  const Router router = modelRouter();
  EXPECT_EQ(route(router, Method::kGet, "/v3").status, 400);
  EXPECT_EQ(route(router, Method::kGet, "/v2/models").status, 400);
  const HttpResponse wrong = route(router, Method::kPost, "/v2/models/dummy");
  EXPECT_EQ(wrong.status, 406);
  EXPECT_EQ(wrong.body, R"({"error":"Unsupported method"})");
  EXPECT_EQ(wrong.content_type, "application/json");
  EXPECT_EQ(route(router, Method::kGet, "/v2/models/dummy/infer").status, 406);
  EXPECT_EQ(route(router, Method::kOther, "/v2").status, 406);
  EXPECT_EQ(route(router, Method::kOther, "/nowhere").status, 406);
}

TEST(Router, RefusesDotDotEscapedOrNot) {
  const Router router = modelRouter();
  for (const char* target : {"/v2/models/..", "/v2/models/%2e%2E", "/v2/../v2"}) {
    const HttpResponse response = route(router, Method::kGet, target);
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_NE(response.body.find("base path is invalid"), std::string::npos) << target;
  }
}

TEST(Router, OptionsIsAnEmptyPreflightAnswerAnywhere) {
  const Router router = modelRouter();
  const HttpResponse response = route(router, Method::kOptions, "/anything");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
  EXPECT_FALSE(response.headers.empty());
}

TEST(Router, LongPathsDoNotRecurse) {
  // std::regex would overflow the stack on inputs like this (REFERENCE.md §9.1).
  const Router router = modelRouter();
  EXPECT_EQ(route(router, Method::kGet, "/v2/models/" + std::string(1 << 20, 'a')).status, 200);
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "/x";
  EXPECT_EQ(route(router, Method::kGet, deep).status, 400);
}

TEST(HttpRequest, HeadersAreCaseInsensitive) {
  HttpRequest request;
  request.headers = {{"Inference-Header-Content-Length", "12"}, {"content-type", "x"}};
  EXPECT_EQ(request.header("inference-header-content-length"), "12");
  EXPECT_EQ(request.header("Content-Type"), "x");
  EXPECT_EQ(request.header("Accept"), std::nullopt);
}

TEST(ErrorResponse, IsCompactJsonWithTheStatusCode) {
  const HttpResponse response =
      errorResponse(util::Status(util::StatusCode::kModelNameMissing, "a \"quoted\" name"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body,
            R"({"error":"Model with requested name is not found - a \"quoted\" name"})");
}

}  // namespace
}  // namespace mserve::net::http

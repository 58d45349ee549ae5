// The TF Serving REST endpoints through the Router with a fake backend: no sockets, no model.
#include "api/tfs/tfs_rest_api.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "fake_kfs_backend.hpp"

namespace mserve::api::tfs {
namespace {

using net::http::HttpRequest;
using net::http::HttpResponse;
using net::http::Method;

class TfsRestApi : public ::testing::Test {
 protected:
  TfsRestApi() { addTfsRestRoutes(router_, backend_, {}); }

  HttpResponse call(Method method, std::string target, std::string body = "") {
    HttpRequest request;
    request.method = method;
    request.target = std::move(target);
    request.body = std::move(body);
    std::optional<HttpResponse> answer;
    router_.dispatch(request, [&](HttpResponse response) { answer = std::move(response); });
    EXPECT_TRUE(answer.has_value());
    return answer.value_or(HttpResponse{});
  }

  api::testing::FakeKfsBackend backend_;
  net::http::Router router_;
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The predict body without the printer's whitespace (the values hold no strings).
std::string compact(const std::string& json) {
  std::string out;
  for (char c : json) {
    if (c != ' ' && c != '\n') out.push_back(c);
  }
  return out;
}

TEST_F(TfsRestApi, StatusListsAllVersionsOrTheOneAsked) {
  const HttpResponse all = call(Method::kGet, "/v1/models/dummy");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.content_type, "application/json");
  EXPECT_TRUE(contains(all.body, R"("version": "1")")) << all.body;
  EXPECT_TRUE(contains(all.body, R"("version": "2")")) << all.body;
  const HttpResponse one = call(Method::kGet, "/v1/models/dummy/versions/2");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_FALSE(contains(one.body, R"("version": "1")")) << one.body;
  EXPECT_TRUE(contains(one.body, R"("state": "LOADING")")) << one.body;
  // Labels are parsed and ignored: every version, as without one.
  EXPECT_EQ(call(Method::kGet, "/v1/models/dummy/labels/stable").body, all.body);
  EXPECT_EQ(call(Method::kGet, "/v1/models/dummy/").body, all.body);
}

TEST_F(TfsRestApi, StatusErrors) {
  const HttpResponse unknown = call(Method::kGet, "/v1/models/other");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, R"({"error":"Model with requested name is not found"})");
  EXPECT_EQ(call(Method::kGet, "/v1/models/dummy/versions/7").status, 404);
  EXPECT_EQ(call(Method::kGet, "/v1/models/dummy/versions/x").status, 400);
  EXPECT_EQ(call(Method::kGet, "/v1/models/dummy:predict").status, 406);
  EXPECT_EQ(call(Method::kGet, "/v1/models/dummy:foo").status, 400);
}

TEST_F(TfsRestApi, Metadata) {
  for (const char* target : {"/v1/models/dummy/metadata", "/v1/models/dummy/versions/1/metadata"}) {
    const HttpResponse response = call(Method::kGet, target);
    ASSERT_EQ(response.status, 200) << target;
    EXPECT_TRUE(contains(response.body, R"("modelSpec")")) << response.body;
    EXPECT_TRUE(contains(response.body, R"("serving_default")")) << response.body;
    EXPECT_TRUE(contains(response.body, R"("DT_FLOAT")")) << response.body;
  }
  EXPECT_EQ(call(Method::kGet, "/v1/models/nope/metadata").status, 404);
  EXPECT_EQ(call(Method::kGet, "/v1/models/dummy/versions/3/metadata").status, 404);
  EXPECT_EQ(call(Method::kPost, "/v1/models/dummy/metadata").status, 406);
}

TEST_F(TfsRestApi, PredictRowAndColumnFormats) {
  struct Case {
    const char* body;
    const char* expected;
  };
  for (const Case& c : {
           Case{R"({"instances":[[1,2]]})", R"({"predictions":[[2,3]]})"},
           Case{R"({"instances":[{"b":[1,2]}]})", R"({"predictions":[[2,3]]})"},
           Case{R"({"signature_name":"serving_default","inputs":[[1,2]]})",
                R"({"outputs":[[2,3]]})"},
           Case{R"({"inputs":{"b":[[0.5,1]]}})", R"({"outputs":[[1.5,2]]})"},
       }) {
    const HttpResponse response = call(Method::kPost, "/v1/models/dummy:predict", c.body);
    EXPECT_EQ(response.status, 200) << c.body << " " << response.body;
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_EQ(compact(response.body), c.expected) << c.body;
  }
  EXPECT_EQ(backend_.last_name, "dummy");
  EXPECT_EQ(backend_.last_version, 0);
}

TEST_F(TfsRestApi, PredictVersionAndLabelInPath) {
  const std::string body = R"({"instances":[[1,2]]})";
  EXPECT_EQ(call(Method::kPost, "/v1/models/dummy/versions/2:predict", body).status, 200);
  EXPECT_EQ(backend_.last_version, 2);
  EXPECT_EQ(call(Method::kPost, "/v1/models/dummy/labels/canary:predict", body).status, 200);
  EXPECT_EQ(backend_.last_version, 0);
  EXPECT_EQ(call(Method::kPost, "/v1/models/dummy/versions/9:predict", body).status, 404);
  EXPECT_EQ(call(Method::kPost, "/v1/models/dummy/versions/x:predict", body).status, 400);
  EXPECT_EQ(call(Method::kPost, "/v1/models/:predict", body).status, 400);
}

TEST_F(TfsRestApi, PredictRoutingErrors) {
  const std::string body = R"({"instances":[[1,2]]})";
  for (const char* target : {"/v1/models/dummy:classify", "/v1/models/dummy/versions/1:regress"}) {
    const HttpResponse response = call(Method::kPost, target, body);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_EQ(response.body, R"({"error":"Requested REST resource not found"})");
  }
  EXPECT_EQ(call(Method::kPost, "/v1/models/dummy", body).status, 406);
  EXPECT_EQ(call(Method::kPost, "/v1/models/dummy:explain", body).status, 400);
  const HttpResponse unknown = call(Method::kPost, "/v1/models/other:predict", body);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, R"({"error":"Model with requested name is not found"})");
  EXPECT_EQ(backend_.infer_calls, 0);
}

TEST_F(TfsRestApi, PredictBodyErrors) {
  const HttpResponse no_format = call(Method::kPost, "/v1/models/dummy:predict", R"({"x":1})");
  EXPECT_EQ(no_format.status, 400);
  EXPECT_EQ(no_format.body,
            R"({"error":"Invalid JSON structure. Could not detect row or column format"})");
  const HttpResponse bad_json = call(Method::kPost, "/v1/models/dummy:predict", "{");
  EXPECT_EQ(bad_json.status, 412);
  EXPECT_TRUE(contains(bad_json.body, "The file is not valid json")) << bad_json.body;
  EXPECT_EQ(backend_.infer_calls, 0);
  // The backend's own refusal is passed through.
  const HttpResponse wrong_input =
      call(Method::kPost, "/v1/models/dummy:predict", R"({"inputs":{"c":[[1,2]]}})");
  EXPECT_EQ(wrong_input.status, 400);
  EXPECT_TRUE(contains(wrong_input.body, "Required input: b")) << wrong_input.body;
}

}  // namespace
}  // namespace mserve::api::tfs

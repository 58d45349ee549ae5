// The KServe REST endpoints through the Router with a fake backend: no sockets, no model.
#include "api/kfs/kfs_rest_api.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "fake_kfs_backend.hpp"

namespace mserve::api::kfs {
namespace {

using net::http::HttpRequest;
using net::http::HttpResponse;
using net::http::Method;

class KfsRestApi : public ::testing::Test {
 protected:
  KfsRestApi() { addKfsRestRoutes(router_, backend_, {}); }

  HttpResponse call(Method method, std::string target, std::string body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest request;
    request.method = method;
    request.target = std::move(target);
    request.body = std::move(body);
    request.headers = std::move(headers);
    std::optional<HttpResponse> answer;
    router_.dispatch(request, [&](HttpResponse response) { answer = std::move(response); });
    EXPECT_TRUE(answer.has_value());
    return answer.value_or(HttpResponse{});
  }

  api::testing::FakeKfsBackend backend_;
  net::http::Router router_;
};

TEST_F(KfsRestApi, Health) {
  const HttpResponse live = call(Method::kGet, "/v2/health/live");
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(live.content_type, "application/json");
  EXPECT_EQ(live.body, R"({"live":true})");
  const HttpResponse ready = call(Method::kGet, "/v2/health/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"ready":true})");
  backend_.ready_ = false;
  const HttpResponse not_ready = call(Method::kGet, "/v2/health/ready");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_EQ(not_ready.body, R"({"error":"Server is not ready"})");
  EXPECT_EQ(call(Method::kPost, "/v2/health/live").status, 406);
}

TEST_F(KfsRestApi, MetadataAndConfigWithAndWithoutVersion) {
  for (const char* target :
       {"/v2/models/dummy", "/v2/models/dummy/", "/v2/models/dummy/versions/1"}) {
    const HttpResponse response = call(Method::kGet, target);
    EXPECT_EQ(response.status, 200) << target;
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_NE(response.body.find(R"("platform":"OpenVINO")"), std::string::npos) << target;
  }
  const HttpResponse config = call(Method::kGet, "/v2/models/dummy/config");
  EXPECT_EQ(config.status, 200);
  EXPECT_NE(config.body.find(R"("max_batch_size":0)"), std::string::npos);
  const HttpResponse unknown = call(Method::kGet, "/v2/models/other/config");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, R"({"error":"Model with requested name is not found"})");
  EXPECT_EQ(call(Method::kGet, "/v2/models/dummy/versions/7").status, 404);
  EXPECT_EQ(call(Method::kGet, "/v2/models/dummy/versions/99999999999999999999").status, 400);
  EXPECT_NE(call(Method::kGet, "/v2").body.find("extensions"), std::string::npos);
}

TEST_F(KfsRestApi, ModelReady) {
  const HttpResponse ready = call(Method::kGet, "/v2/models/dummy/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"ready":true})");
  EXPECT_EQ(call(Method::kGet, "/v2/models/dummy/versions/2/ready").status, 404);
  EXPECT_EQ(call(Method::kGet, "/v2/models/nope/ready").status, 404);
}

TEST_F(KfsRestApi, InferJsonPassesPathModelAndVersion) {
  const HttpResponse response =
      call(Method::kPost, "/v2/models/dummy/versions/1/infer",
           R"({"id":"x","inputs":[{"name":"b","shape":[1,2],"datatype":"FP32","data":[1,2]}]})");
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"model_name":"dummy","id":"x","model_version":"1","outputs":[)"
                           R"({"name":"a","datatype":"FP32","shape":[1,2],"data":[2.0,3.0]}]})");
  EXPECT_EQ(backend_.last_name, "dummy");
  EXPECT_EQ(backend_.last_version, 1);
}

TEST_F(KfsRestApi, InferBinaryBothWays) {
  const std::string json =
      R"({"inputs":[{"name":"b","shape":[1,2],"datatype":"FP32","parameters":{"binary_data_size":8}}],)"
      R"("parameters":{"binary_data_output":true}})";
  const float values[2] = {0.5f, 1.5f};
  std::string body = json;
  body.append(reinterpret_cast<const char*>(values), sizeof(values));
  const HttpResponse response =
      call(Method::kPost, "/v2/models/dummy/infer", body,
           {{"inference-header-content-length", std::to_string(json.size())}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/octet-stream");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Inference-Header-Content-Length");
  const size_t json_length = std::stoul(response.headers[0].second);
  ASSERT_EQ(response.body.size(), json_length + 8);
  float out[2];
  std::memcpy(out, response.body.data() + json_length, sizeof(out));
  EXPECT_EQ(out[0], 1.5f);
  EXPECT_EQ(out[1], 2.5f);
}

TEST_F(KfsRestApi, InferErrorsAreJsonWithOvmsCodes) {
  HttpResponse response = call(Method::kPost, "/v2/models/dummy/infer", "{not json");
  EXPECT_EQ(response.status, 412);
  EXPECT_EQ(response.body.rfind(R"({"error":"The file is not valid json - Error: )", 0), 0u);
  response = call(Method::kPost, "/v2/models/dummy/infer",
                  R"({"inputs":[{"name":"c","shape":[1],"datatype":"FP32","data":[1]}]})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, R"({"error":"Missing input with specific name - Required input: b"})");
  response = call(Method::kPost, "/v2/models/dummy/infer", "{}",
                  {{"Inference-Header-Content-Length", "3"}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("exceeds actual payload length"), std::string::npos);
  EXPECT_EQ(call(Method::kGet, "/v2/models/dummy/infer").status, 406);
}

}  // namespace
}  // namespace mserve::api::kfs

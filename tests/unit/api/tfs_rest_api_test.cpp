// The TF Serving REST endpoints through the Router with a fake backend: no sockets, no model.
#include "api/tfs/tfs_rest_api.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace mserve::api::tfs {
namespace {

using kfs::InferCallback;
using kfs::ModelDescription;
using kfs::VersionState;
using kfs::VersionStatus;
using net::http::HttpRequest;
using net::http::HttpResponse;
using net::http::Method;
using tensor::DataType;
using tensor::Dimension;

// One model "dummy" (versions 1 and 2; b FP32 [1,2] → a = b + 1); version 2 is loading.
class FakeBackend final : public kfs::KfsBackend {
 public:
  bool live() const override { return true; }
  bool ready() const override { return true; }
  util::StatusOr<bool> modelReady(std::string_view name, int64_t version) const override {
    if (name != "dummy") return util::Status(util::StatusCode::kModelNameMissing);
    return version != 2;
  }
  util::StatusOr<ModelDescription> describe(std::string_view name, int64_t version) const override {
    if (name != "dummy") return util::Status(util::StatusCode::kModelNameMissing);
    if (version > 2) return util::Status(util::StatusCode::kModelVersionMissing);
    ModelDescription model;
    model.name = "dummy";
    model.version = version == 0 ? 1 : version;
    model.versions = {1};
    model.inputs.push_back({"b", DataType::kFp32, {Dimension::fixed(1), Dimension::fixed(2)}});
    model.outputs.push_back({"a", DataType::kFp32, {Dimension::fixed(1), Dimension::fixed(2)}});
    return model;
  }
  util::StatusOr<std::vector<VersionStatus>> versionStatuses(std::string_view name) const override {
    if (name != "dummy") return util::Status(util::StatusCode::kModelNameMissing);
    return std::vector<VersionStatus>{{1}, {2, VersionState::kLoading}};
  }
  // Answers from another thread, as the real backend's completion pool does.
  void infer(std::shared_ptr<const tensor::InferenceRequest> request, InferCallback done) override {
    ++infer_calls;
    last_name = request->model_name;
    last_version = request->model_version;
    std::thread([request, done] {
      if (request->inputs.size() != 1 || request->inputs[0].name != "b") {
        return done(util::Status(util::StatusCode::kInvalidMissingInput, "Required input: b"),
                    nullptr);
      }
      std::vector<float> values(request->inputs[0].data.size() / sizeof(float));
      std::memcpy(values.data(), request->inputs[0].data.data(), values.size() * sizeof(float));
      for (float& value : values) value += 1;
      tensor::InferenceResponse response;
      response.model_name = request->model_name;
      response.model_version = 1;
      tensor::OutputTensor& a = response.outputs.emplace_back();
      a.name = "a";
      a.shape = request->inputs[0].shape;
      a.data = std::as_bytes(std::span(values));
      done(util::Status::ok(), &response);
    }).join();
  }

  int infer_calls = 0;
  std::string last_name;
  int64_t last_version = -1;
};

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

  FakeBackend backend_;
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

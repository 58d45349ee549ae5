#include "api/tfs/tfs_rest_response.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "api/tfs/tfs_metadata.hpp"

namespace mserve::api::tfs {
namespace {

using tensor::DataType;

template <typename T>
tensor::OutputTensor output(std::string_view name, DataType type, tensor::Shape shape,
                            const std::vector<T>& values) {
  return {name, type, std::move(shape), std::as_bytes(std::span(values)), {}};
}

std::string compact(std::string json) {
  std::string out;
  for (char c : json) {
    if (c != ' ' && c != '\n') out.push_back(c);
  }
  return out;
}

// Encodes with the default memory limit.
util::StatusOr<std::string> encodeTfsRestPredict(const tensor::InferenceResponse& response,
                                                 RestFormat format) {
  RequestMemory memory;
  return tfs::encodeTfsRestPredict(response, format, memory);
}

std::string encode(const tensor::InferenceResponse& response, RestFormat format) {
  auto json = encodeTfsRestPredict(response, format);
  EXPECT_TRUE(json.isOk()) << json.status().message();
  return json.isOk() ? compact(*json) : "";
}

TEST(TfsRestResponse, OneOutputDropsItsName) {
  const std::vector<float> values = {1.5f, 0.1f, -2, 3};
  tensor::InferenceResponse response;
  response.outputs.push_back(output("a", DataType::kFp32, {2, 2}, values));
  EXPECT_EQ(encode(response, RestFormat::kRow), R"({"predictions":[[1.5,0.1],[-2,3]]})");
  EXPECT_EQ(encode(response, RestFormat::kColumn), R"({"outputs":[[1.5,0.1],[-2,3]]})");
}

TEST(TfsRestResponse, SeveralOutputsByRowOrByName) {
  const std::vector<int32_t> ids = {7, 8};
  const std::vector<double> scores = {0.25, 0.5, 0.75, 1};
  tensor::InferenceResponse response;
  response.outputs.push_back(output("id", DataType::kInt32, {2}, ids));
  response.outputs.push_back(output("score", DataType::kFp64, {2, 2}, scores));
  EXPECT_EQ(encode(response, RestFormat::kRow),
            R"({"predictions":[{"id":7,"score":[0.25,0.5]},{"id":8,"score":[0.75,1]}]})");
  EXPECT_EQ(encode(response, RestFormat::kColumn),
            R"({"outputs":{"id":[7,8],"score":[[0.25,0.5],[0.75,1]]}})");
}

TEST(TfsRestResponse, RowsNeedACommonBatch) {
  const std::vector<int32_t> two = {1, 2}, three = {1, 2, 3};
  tensor::InferenceResponse response;
  response.outputs.push_back(output("p", DataType::kInt32, {2}, two));
  response.outputs.push_back(output("q", DataType::kInt32, {3}, three));
  EXPECT_EQ(encodeTfsRestPredict(response, RestFormat::kRow).status().code(),
            util::StatusCode::kRestCouldNotParseOutput);
  EXPECT_TRUE(encodeTfsRestPredict(response, RestFormat::kColumn).isOk());
}

TEST(TfsRestResponse, SpecialFloatsBoolsIntegersAndStrings) {
  const std::vector<float> floats = {std::nanf(""), std::numeric_limits<float>::infinity(),
                                     -std::numeric_limits<float>::infinity()};
  const std::vector<uint8_t> flags = {1, 0};
  const std::vector<uint64_t> big = {UINT64_MAX};
  const std::vector<std::string_view> text = {"hi", "\x01"};
  tensor::InferenceResponse response;
  response.outputs.push_back(output("f", DataType::kFp32, {3}, floats));
  response.outputs.push_back(output("b", DataType::kBool, {2}, flags));
  response.outputs.push_back(output("u", DataType::kUint64, {1}, big));
  response.outputs.push_back({"s", DataType::kBytes, {2}, {}, text});
  response.outputs.push_back({"s_bytes", DataType::kBytes, {2}, {}, text});
  EXPECT_EQ(encode(response, RestFormat::kColumn),
            R"({"outputs":{"f":[NaN,Infinity,-Infinity],"b":[true,false],)"
            R"("u":[18446744073709551615],"s":["hi","\u0001"],)"
            R"("s_bytes":[{"b64":"aGk="},{"b64":"AQ=="}]}})");
}

TEST(TfsRestResponse, HalfPrecisionOutputsAreRefused) {
  const std::vector<uint16_t> halves = {0x3C00};
  tensor::InferenceResponse response;
  response.outputs.push_back(output("h", DataType::kFp16, {1}, halves));
  EXPECT_EQ(encodeTfsRestPredict(response, RestFormat::kRow).status().code(),
            util::StatusCode::kRestUnsupportedPrecision);
}

TEST(TfsRestResponse, ScalarOutput) {
  const std::vector<int64_t> value = {42};
  tensor::InferenceResponse response;
  response.outputs.push_back(output("n", DataType::kInt64, {}, value));
  EXPECT_EQ(encode(response, RestFormat::kColumn), R"({"outputs":42})");
}

TEST(TfsRestResponse, StatusJsonAsOvmsPrintsIt) {
  tensorflow::serving::GetModelStatusResponse status;
  ASSERT_TRUE(buildModelStatus({{1}}, 0, status).isOk());
  EXPECT_EQ(modelStatusJson(status),
            "{\n \"model_version_status\": [\n  {\n   \"version\": \"1\",\n   \"state\": "
            "\"AVAILABLE\",\n   \"status\": {\n    \"error_code\": \"OK\",\n    "
            "\"error_message\": \"OK\"\n   }\n  }\n ]\n}\n");
}

TEST(TfsRestResponse, MetadataJsonHasTheAnyType) {
  kfs::ModelDescription model;
  model.name = "m";
  model.version = 1;
  model.inputs.push_back({"b", DataType::kFp32, {tensor::Dimension::dynamic()}});
  tensorflow::serving::GetModelMetadataResponse metadata;
  buildModelMetadata(model, metadata);
  const std::string json = compact(modelMetadataJson(metadata));
  EXPECT_NE(json.find(R"("modelSpec":{"name":"m","signatureName":"","version":"1"})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("@type":"type.googleapis.com/tensorflow.serving.SignatureDefMap")"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("dtype":"DT_FLOAT","tensorShape":{"dim":[{"size":"-1","name":""}],)"
                      R"("unknownRank":false})"),
            std::string::npos)
      << json;
}

TEST(TfsRestResponse, JsonPastTheMemoryLimitIsRefused) {
  const std::vector<float> values(1000, 0.5f);
  tensor::InferenceResponse response;
  response.outputs.push_back(output("a", DataType::kFp32, {1000}, values));
  RequestMemory unlimited;
  auto full = tfs::encodeTfsRestPredict(response, RestFormat::kColumn, unlimited);
  ASSERT_TRUE(full.isOk());
  EXPECT_EQ(unlimited.used(), full->size());
  RequestMemory tight(full->size() - 1);
  auto refused = tfs::encodeTfsRestPredict(response, RestFormat::kColumn, tight);
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), util::StatusCode::kRequestMemoryExceeded);
  EXPECT_NE(refused.status().message().find("--rest_max_request_memory_bytes"), std::string::npos);
}

}  // namespace
}  // namespace mserve::api::tfs

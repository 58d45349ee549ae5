// KServe REST response bodies: JSON data of each datatype, binary outputs chosen per request,
// per output or both, and the binary layout after the JSON.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "api/kfs/kfs_json_metadata.hpp"
#include "api/kfs/kfs_json_response.hpp"

namespace mserve::api::kfs {
namespace {

using tensor::DataType;

template <typename T>
tensor::OutputTensor output(std::string_view name, DataType type, tensor::Shape shape,
                            const std::vector<T>& values) {
  tensor::OutputTensor out;
  out.name = name;
  out.datatype = type;
  out.shape = std::move(shape);
  out.data = std::as_bytes(std::span(values.data(), values.size()));
  return out;
}

class KfsRestResponse : public ::testing::Test {
 protected:
  KfsRestResponse() {
    response_.model_name = "m";
    response_.model_version = 3;
    response_.outputs.push_back(output("f", DataType::kFp32, {1, 2}, floats_));
    response_.outputs.push_back(output("i", DataType::kInt64, {2}, ints_));
    tensor::OutputTensor text;
    text.name = "s";
    text.datatype = DataType::kBytes;
    text.shape = {2};
    text.strings = {"ab", "c"};
    response_.outputs.push_back(text);
  }

  std::vector<float> floats_ = {0.1f, -2.0f};
  std::vector<int64_t> ints_ = {-5, 1ll << 40};
  tensor::InferenceResponse response_;
};

TEST_F(KfsRestResponse, JsonOnlyByDefault) {
  response_.id = "req-7";
  RestInferRequest request;
  auto encoded = encodeRestInferResponse(response_, request);
  ASSERT_TRUE(encoded.isOk());
  EXPECT_FALSE(encoded->json_length.has_value());
  EXPECT_EQ(encoded->body,
            R"({"model_name":"m","id":"req-7","model_version":"3","outputs":[)"
            R"({"name":"f","datatype":"FP32","shape":[1,2],"data":[0.10000000149011612,-2.0]},)"
            R"({"name":"i","datatype":"INT64","shape":[2],"data":[-5,1099511627776]},)"
            R"({"name":"s","datatype":"BYTES","shape":[2],"data":["ab","c"]}]})");
}

TEST_F(KfsRestResponse, RequestLevelBinaryWithPerOutputOverride) {
  RestInferRequest request;
  request.binary_data_output = true;
  request.request.requested_outputs = {"i"};
  request.output_binary = {false};
  auto encoded = encodeRestInferResponse(response_, request);
  ASSERT_TRUE(encoded.isOk());
  ASSERT_TRUE(encoded->json_length.has_value());
  const std::string json = encoded->body.substr(0, *encoded->json_length);
  EXPECT_EQ(
      json,
      R"({"model_name":"m","model_version":"3","outputs":[)"
      R"({"name":"f","datatype":"FP32","shape":[1,2],"parameters":{"binary_data_size":8}},)"
      R"({"name":"i","datatype":"INT64","shape":[2],"data":[-5,1099511627776]},)"
      R"({"name":"s","datatype":"BYTES","shape":[2],"parameters":{"binary_data_size":11}}]})");
  std::string expected_tail(reinterpret_cast<const char*>(floats_.data()), 8);
  expected_tail += std::string("\x02\0\0\0ab\x01\0\0\0c", 11);
  EXPECT_EQ(encoded->body.substr(*encoded->json_length), expected_tail);
}

TEST_F(KfsRestResponse, EveryRequestedOutputKeepsItsOwnFlag) {
  // OVMS keeps only the last entry's flag; every entry counts here.
  RestInferRequest request;
  request.request.requested_outputs = {"f", "i", "s"};
  request.output_binary = {true, std::nullopt, true};
  auto encoded = encodeRestInferResponse(response_, request);
  ASSERT_TRUE(encoded.isOk());
  const std::string json = encoded->body.substr(0, *encoded->json_length);
  EXPECT_NE(json.find(R"("name":"f","datatype":"FP32","shape":[1,2],"parameters")"),
            std::string::npos);
  EXPECT_NE(json.find(R"("name":"i","datatype":"INT64","shape":[2],"data")"), std::string::npos);
  EXPECT_NE(json.find(R"("name":"s","datatype":"BYTES","shape":[2],"parameters")"),
            std::string::npos);
  EXPECT_EQ(encoded->body.size(), json.size() + 8 + 11);
}

TEST(KfsRestResponseTypes, HalfFloatsBoolsAndSpecialValuesInJson) {
  const std::vector<uint16_t> halves = {0x3c00, 0xc000, 0x3555, 0x0001};  // 1, -2, ~1/3, 2^-24
  const std::vector<uint16_t> bf16 = {0x3f80, 0x7f80};                    // 1, +inf
  const std::vector<uint8_t> bools = {1, 0};
  const std::vector<double> doubles = {std::nan(""), -0.5};
  tensor::InferenceResponse response;
  response.model_name = "m";
  response.outputs.push_back(output("h", DataType::kFp16, {4}, halves));
  response.outputs.push_back(output("b", DataType::kBf16, {2}, bf16));
  response.outputs.push_back(output("o", DataType::kBool, {2}, bools));
  response.outputs.push_back(output("d", DataType::kFp64, {2}, doubles));
  RestInferRequest request;
  auto encoded = encodeRestInferResponse(response, request);
  ASSERT_TRUE(encoded.isOk());
  EXPECT_NE(encoded->body.find(R"("data":[1.0,-2.0,0.333251953125,5.960464477539063e-8])"),
            std::string::npos)
      << encoded->body;
  EXPECT_NE(encoded->body.find(R"("data":[1.0,Infinity])"), std::string::npos) << encoded->body;
  EXPECT_NE(encoded->body.find(R"("data":[true,false])"), std::string::npos);
  EXPECT_NE(encoded->body.find(R"("data":[NaN,-0.5])"), std::string::npos);
}

// Found by fuzzing (UBSan: "load of value 93, which is not a valid value for type 'bool'"): a
// BOOL output holding a client's bytes unchanged is true for every non-zero byte.
TEST(KfsRestResponseTypes, BoolBytesOtherThanZeroAndOneAreTrue) {
  const std::vector<uint8_t> bools = {93, 0, 255, 1};
  tensor::InferenceResponse response;
  response.model_name = "m";
  response.outputs.push_back(output("o", DataType::kBool, {4}, bools));
  RestInferRequest request;
  auto encoded = encodeRestInferResponse(response, request);
  ASSERT_TRUE(encoded.isOk());
  EXPECT_NE(encoded->body.find(R"("data":[true,false,true,true])"), std::string::npos)
      << encoded->body;
}

TEST(KfsRestResponseTypes, BytesThatDoNotMatchTheShapeAreASerializationError) {
  const std::vector<float> three = {1, 2, 3};
  tensor::InferenceResponse response;
  response.outputs.push_back(output("f", DataType::kFp32, {2}, three));
  RestInferRequest request;
  auto encoded = encodeRestInferResponse(response, request);
  ASSERT_FALSE(encoded.isOk());
  EXPECT_EQ(encoded.status().code(), util::StatusCode::kOvInternalSerializationError);
}

// The JSON text is written into the body directly and stops at the request's memory limit.
TEST_F(KfsRestResponse, JsonPastTheMemoryLimitIsRefused) {
  RestInferRequest unlimited;
  auto full = encodeRestInferResponse(response_, unlimited);
  ASSERT_TRUE(full.isOk());
  EXPECT_EQ(unlimited.memory.used(), full->body.size());
  RestInferRequest exact;
  exact.memory = api::RequestMemory(full->body.size());
  auto fits = encodeRestInferResponse(response_, exact);
  ASSERT_TRUE(fits.isOk());
  EXPECT_EQ(fits->body, full->body);
  RestInferRequest tight;
  tight.memory = api::RequestMemory(full->body.size() - 1);
  auto refused = encodeRestInferResponse(response_, tight);
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), util::StatusCode::kRequestMemoryExceeded);
  EXPECT_NE(refused.status().message().find("--rest_max_request_memory_bytes"), std::string::npos);
}

TEST_F(KfsRestResponse, BinaryOutputsAreChargedToo) {
  RestInferRequest request;
  request.binary_data_output = true;
  request.memory = api::RequestMemory(sizeof(float) * 2 + sizeof(int64_t) * 2);  // no room left
  auto refused = encodeRestInferResponse(response_, request);
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), util::StatusCode::kRequestMemoryExceeded);
}

// A large float output: every value fits the reserved room, so the body never reallocates and
// prints exactly as before (no separate buffer copied at the end).
TEST(KfsRestResponseTypes, LargeOutputIsReservedOnce) {
  std::vector<float> values(100000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = -1.0f / static_cast<float>(i + 3);
  tensor::InferenceResponse response;
  response.outputs.push_back(
      output("f", DataType::kFp32, {static_cast<int64_t>(values.size())}, values));
  RestInferRequest request;
  auto encoded = encodeRestInferResponse(response, request);
  ASSERT_TRUE(encoded.isOk());
  EXPECT_NE(encoded->body.find("-0.3333333432674408,-0.25,"), std::string::npos);
  EXPECT_GE(encoded->body.capacity(), encoded->body.size());
  EXPECT_LE(encoded->body.capacity(), 26 * values.size() + 1024);
}

TEST(KfsRestMetadata, ServerModelAndConfigJson) {
  const std::string server = serverMetadataJson();
  EXPECT_EQ(server.rfind(R"({"name":"mserve","version":")", 0), 0u) << server;
  EXPECT_NE(
      server.find(
          R"("extensions":["model_configuration","binary_tensor_data","statistics","model_repository","system_shared_memory"])"),
      std::string::npos)
      << server;
  ModelDescription model;
  model.name = "dummy";
  model.version = 1;
  model.versions = {1, 2};
  model.inputs.push_back(
      {"b", DataType::kFp32, {tensor::Dimension::dynamic(), tensor::Dimension::fixed(10)}});
  model.outputs.push_back({"a", DataType::kBytes, {tensor::Dimension::fixed(1)}});
  EXPECT_EQ(modelMetadataJson(model),
            R"({"name":"dummy","versions":["1","2"],"platform":"OpenVINO",)"
            R"("inputs":[{"name":"b","datatype":"FP32","shape":[-1,10]}],)"
            R"("outputs":[{"name":"a","datatype":"BYTES","shape":[1]}]})");
  EXPECT_EQ(modelConfigJson(model),
            R"({"name":"dummy","platform":"openvino","max_batch_size":0,)"
            R"("input":[{"name":"b","data_type":"TYPE_FP32","dims":[-1,10]}],)"
            R"("output":[{"name":"a","data_type":"TYPE_STRING","dims":[1]}]})");
}

}  // namespace
}  // namespace mserve::api::kfs

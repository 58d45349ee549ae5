#include "api/kfs/kfs_response_encoder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/kfs/kfs_request_decoder.hpp"

namespace mserve::api::kfs {
namespace {

using tensor::DataType;

template <typename T>
std::span<const std::byte> bytesOf(const std::vector<T>& values) {
  return std::as_bytes(std::span(values));
}

tensor::OutputTensor fixedOutput(std::string_view name, DataType type, tensor::Shape shape,
                                 std::span<const std::byte> data) {
  tensor::OutputTensor output;
  output.name = name;
  output.datatype = type;
  output.shape = std::move(shape);
  output.data = data;
  return output;
}

TEST(KfsResponseEncoder, WritesHeaderFieldsAndRawOutputsInOrder) {
  const std::vector<float> a = {2.0f, 3.0f, 4.0f};
  const std::vector<int64_t> b = {-1, 1LL << 50};
  const std::vector<uint8_t> c = {7};
  tensor::InferenceResponse response;
  response.model_name = "dummy";
  response.model_version = 2;
  response.id = "req-9";
  response.outputs.push_back(fixedOutput("a", DataType::kFp32, {1, 3}, bytesOf(a)));
  response.outputs.push_back(fixedOutput("b", DataType::kInt64, {2}, bytesOf(b)));
  response.outputs.push_back(fixedOutput("c", DataType::kBool, {}, bytesOf(c)));

  inference::ModelInferResponse out;
  ASSERT_TRUE(encodeInferResponse(response, out).isOk());
  EXPECT_EQ(out.model_name(), "dummy");
  EXPECT_EQ(out.model_version(), "2");
  EXPECT_EQ(out.id(), "req-9");
  ASSERT_EQ(out.outputs_size(), 3);
  ASSERT_EQ(out.raw_output_contents_size(), 3);
  EXPECT_EQ(out.outputs(0).name(), "a");
  EXPECT_EQ(out.outputs(0).datatype(), "FP32");
  EXPECT_EQ(std::vector<int64_t>(out.outputs(0).shape().begin(), out.outputs(0).shape().end()),
            (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(out.outputs(1).datatype(), "INT64");
  EXPECT_EQ(out.outputs(2).datatype(), "BOOL");
  EXPECT_EQ(out.outputs(2).shape_size(), 0);
  EXPECT_EQ(out.raw_output_contents(0), std::string(reinterpret_cast<const char*>(a.data()), 12));
  EXPECT_EQ(out.raw_output_contents(1), std::string(reinterpret_cast<const char*>(b.data()), 16));
  EXPECT_EQ(out.raw_output_contents(2), std::string("\x07", 1));
  // Typed contents are never used: Triton's C++ client only reads raw_output_contents.
  for (const auto& output : out.outputs()) EXPECT_FALSE(output.has_contents());
}

TEST(KfsResponseEncoder, FramesBytesOutputsWithLittleEndianLengths) {
  const std::string long_element(300, 'q');
  tensor::InferenceResponse response;
  tensor::OutputTensor& output = response.outputs.emplace_back();
  output.name = "s";
  output.datatype = DataType::kBytes;
  output.shape = {2, 2};
  output.strings = {"ab", "", "xyz", long_element};

  inference::ModelInferResponse out;
  ASSERT_TRUE(encodeInferResponse(response, out).isOk());
  EXPECT_EQ(out.outputs(0).datatype(), "BYTES");
  const std::string expected = std::string("\x02\0\0\0ab", 6) + std::string("\0\0\0\0", 4) +
                               std::string("\x03\0\0\0xyz", 7) + std::string("\x2c\x01\0\0", 4) +
                               long_element;
  EXPECT_EQ(out.raw_output_contents(0), expected);
}

TEST(KfsResponseEncoder, BytesOutputDecodesBackThroughTheRequestDecoder) {
  tensor::InferenceResponse response;
  tensor::OutputTensor& output = response.outputs.emplace_back();
  output.name = "s";
  output.datatype = DataType::kBytes;
  output.shape = {3};
  output.strings = {"one", "", std::string_view("\0\xff", 2)};
  inference::ModelInferResponse encoded;
  ASSERT_TRUE(encodeInferResponse(response, encoded).isOk());

  inference::ModelInferRequest request;
  auto& input = *request.add_inputs();
  input.set_name("s");
  input.set_datatype("BYTES");
  input.add_shape(3);
  request.add_raw_input_contents(encoded.raw_output_contents(0));
  tensor::InferenceRequest decoded;
  ASSERT_TRUE(decodeInferRequest(request, decoded).isOk());
  EXPECT_EQ(decoded.inputs[0].strings, output.strings);
}

TEST(KfsResponseEncoder, EmptyResponseHasNoOutputs) {
  tensor::InferenceResponse response;
  response.model_name = "m";
  response.model_version = 1;
  inference::ModelInferResponse out;
  ASSERT_TRUE(encodeInferResponse(response, out).isOk());
  EXPECT_EQ(out.outputs_size(), 0);
  EXPECT_EQ(out.raw_output_contents_size(), 0);
  EXPECT_EQ(out.model_version(), "1");
  EXPECT_EQ(out.id(), "");
}

TEST(KfsResponseEncoder, OutputBytesMustMatchShape) {
  const std::vector<float> a = {1.0f, 2.0f};
  tensor::InferenceResponse response;
  response.outputs.push_back(fixedOutput("a", DataType::kFp32, {3}, bytesOf(a)));
  inference::ModelInferResponse out;
  const util::Status status = encodeInferResponse(response, out);
  EXPECT_EQ(status.code(), util::StatusCode::kOvInternalSerializationError);
  EXPECT_EQ(status.details(), "Output a holds 8 bytes for shape (3)");
}

TEST(KfsResponseEncoder, BytesCountMustMatchShape) {
  tensor::InferenceResponse response;
  tensor::OutputTensor& output = response.outputs.emplace_back();
  output.name = "s";
  output.datatype = DataType::kBytes;
  output.shape = {2};
  output.strings = {"a"};
  inference::ModelInferResponse out;
  EXPECT_EQ(encodeInferResponse(response, out).code(),
            util::StatusCode::kOvInternalSerializationError);
}

}  // namespace
}  // namespace mserve::api::kfs

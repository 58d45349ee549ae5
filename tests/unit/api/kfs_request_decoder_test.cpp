#include "api/kfs/kfs_request_decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace mserve::api::kfs {
namespace {

using tensor::DataType;
using util::StatusCode;
using InputProto = inference::ModelInferRequest::InferInputTensor;

InputProto& addInput(inference::ModelInferRequest& request, const std::string& name,
                     const std::string& datatype, const std::vector<int64_t>& shape) {
  InputProto& input = *request.add_inputs();
  input.set_name(name);
  input.set_datatype(datatype);
  for (int64_t dim : shape) input.add_shape(dim);
  return input;
}

template <typename T>
std::string rawOf(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

// [uint32 LE length][bytes] per element.
std::string framed(const std::vector<std::string>& elements) {
  std::string raw;
  for (const std::string& element : elements) {
    const auto length = static_cast<uint32_t>(element.size());
    raw.append(reinterpret_cast<const char*>(&length), sizeof(length));
    raw += element;
  }
  return raw;
}

template <typename T>
std::vector<T> valuesOf(const tensor::InputTensor& tensor) {
  std::vector<T> values(tensor.data.size() / sizeof(T));
  std::memcpy(values.data(), tensor.data.data(), tensor.data.size());
  return values;
}

util::Status decode(const inference::ModelInferRequest& request, tensor::InferenceRequest& out) {
  return decodeInferRequest(request, out);
}

// --- Model version -------------------------------------------------------------------------

TEST(KfsModelVersion, ParsesDigitsAndEmpty) {
  EXPECT_EQ(*parseModelVersion(""), 0);
  EXPECT_EQ(*parseModelVersion("0"), 0);
  EXPECT_EQ(*parseModelVersion("17"), 17);
  EXPECT_EQ(*parseModelVersion("007"), 7);
  EXPECT_EQ(*parseModelVersion("9223372036854775807"), INT64_MAX);
}

TEST(KfsModelVersion, RejectsEverythingElse) {
  for (const char* text : {"-1", "+1", "1.0", " 1", "1 ", "abc", "1a", "9223372036854775808"}) {
    const auto version = parseModelVersion(text);
    ASSERT_FALSE(version.isOk()) << text;
    EXPECT_EQ(version.status().code(), StatusCode::kModelVersionInvalidFormat) << text;
    EXPECT_EQ(version.status().message(), "invalid model version format in request");
  }
}

TEST(KfsRequestDecoder, CopiesNameVersionAndId) {
  inference::ModelInferRequest request;
  request.set_model_name("dummy");
  request.set_model_version("3");
  request.set_id("req-1");
  tensor::InferenceRequest out;
  ASSERT_TRUE(decode(request, out).isOk());
  EXPECT_EQ(out.model_name, "dummy");
  EXPECT_EQ(out.model_version, 3);
  EXPECT_EQ(out.id, "req-1");
  EXPECT_TRUE(out.inputs.empty());
}

TEST(KfsRequestDecoder, InvalidVersionFails) {
  inference::ModelInferRequest request;
  request.set_model_version("latest");
  tensor::InferenceRequest out;
  EXPECT_EQ(decode(request, out).code(), StatusCode::kModelVersionInvalidFormat);
}

// --- Raw contents --------------------------------------------------------------------------

TEST(KfsRequestDecoder, RawInputsAreViewedInPlace) {
  inference::ModelInferRequest request;
  addInput(request, "b", "FP32", {1, 3});
  addInput(request, "c", "INT64", {2});
  addInput(request, "d", "UINT8", {4});
  request.add_raw_input_contents(rawOf<float>({1.5f, 2.5f, -3.0f}));
  request.add_raw_input_contents(rawOf<int64_t>({-7, 1LL << 40}));
  request.add_raw_input_contents(rawOf<uint8_t>({0, 1, 254, 255}));
  tensor::InferenceRequest out;
  ASSERT_TRUE(decode(request, out).isOk());
  ASSERT_EQ(out.inputs.size(), 3u);
  EXPECT_EQ(out.inputs[0].name, "b");
  EXPECT_EQ(out.inputs[0].datatype, DataType::kFp32);
  EXPECT_EQ(out.inputs[0].shape, (tensor::Shape{1, 3}));
  EXPECT_EQ(valuesOf<float>(out.inputs[0]), (std::vector<float>{1.5f, 2.5f, -3.0f}));
  EXPECT_EQ(valuesOf<int64_t>(out.inputs[1]), (std::vector<int64_t>{-7, 1LL << 40}));
  EXPECT_EQ(valuesOf<uint8_t>(out.inputs[2]), (std::vector<uint8_t>{0, 1, 254, 255}));
  // Zero copy: the views point at the message's own bytes.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(reinterpret_cast<const char*>(out.inputs[i].data.data()),
              request.raw_input_contents(i).data());
  }
  EXPECT_TRUE(out.owned_buffers.empty());
}

TEST(KfsRequestDecoder, RawFp16AndBf16AreAccepted) {
  inference::ModelInferRequest request;
  addInput(request, "h", "FP16", {2});
  addInput(request, "g", "BF16", {1});
  request.add_raw_input_contents(std::string(4, '\x3c'));
  request.add_raw_input_contents(std::string(2, '\x3f'));
  tensor::InferenceRequest out;
  ASSERT_TRUE(decode(request, out).isOk());
  EXPECT_EQ(out.inputs[0].datatype, DataType::kFp16);
  EXPECT_EQ(out.inputs[0].data.size(), 4u);
  EXPECT_EQ(out.inputs[1].datatype, DataType::kBf16);
}

TEST(KfsRequestDecoder, RawScalarHasOneElement) {
  inference::ModelInferRequest request;
  addInput(request, "s", "INT32", {});
  request.add_raw_input_contents(rawOf<int32_t>({42}));
  tensor::InferenceRequest out;
  ASSERT_TRUE(decode(request, out).isOk());
  EXPECT_EQ(valuesOf<int32_t>(out.inputs[0]), (std::vector<int32_t>{42}));
}

TEST(KfsRequestDecoder, RawSizeMismatchSaysBothSizes) {
  inference::ModelInferRequest request;
  addInput(request, "b", "FP32", {1, 10});
  request.add_raw_input_contents(std::string(36, '\0'));
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidContentSize);
  EXPECT_EQ(status.message(),
            "Invalid content size of tensor proto - Expected: 40 bytes; Actual: 36 bytes; input "
            "name: b");
}

TEST(KfsRequestDecoder, RawCountMustMatchInputs) {
  inference::ModelInferRequest request;
  addInput(request, "a", "FP32", {1});
  addInput(request, "b", "FP32", {1});
  request.add_raw_input_contents(rawOf<float>({1.0f}));
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidNoOfInputs);
  EXPECT_EQ(status.details(),
            "Size of raw_input_contents: 1 is different than number of inputs: 2");
}

TEST(KfsRequestDecoder, MixingRawAndTypedContentsFails) {
  inference::ModelInferRequest request;
  addInput(request, "a", "FP32", {1});
  addInput(request, "b", "FP32", {1}).mutable_contents()->add_fp32_contents(1.0f);
  request.add_raw_input_contents(rawOf<float>({1.0f}));
  request.add_raw_input_contents(rawOf<float>({2.0f}));
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidMessageStructure);
  EXPECT_EQ(status.details(), "Detected buffer in InferInputTensor contents for input: b");
}

TEST(KfsRequestDecoder, HugeShapesOverflowCleanly) {
  // Element count overflows int64.
  inference::ModelInferRequest request;
  addInput(request, "b", "FP32", {1LL << 40, 1LL << 40});
  request.add_raw_input_contents("");
  tensor::InferenceRequest out;
  util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidContentSize);
  EXPECT_EQ(status.details(), "Shape dimensions overflow; input name: b");

  // Element count fits, byte count does not.
  inference::ModelInferRequest bytes;
  addInput(bytes, "b", "FP64", {1LL << 61});
  bytes.add_raw_input_contents("");
  tensor::InferenceRequest out2;
  status = decode(bytes, out2);
  EXPECT_EQ(status.code(), StatusCode::kInvalidContentSize);
  EXPECT_EQ(status.details(), "Shape dimensions overflow; input name: b");

  // Same in typed contents.
  inference::ModelInferRequest typed;
  addInput(typed, "b", "INT32", {1LL << 40, 1LL << 40, 1LL << 40});
  tensor::InferenceRequest out3;
  EXPECT_EQ(decode(typed, out3).code(), StatusCode::kInvalidContentSize);
}

TEST(KfsRequestDecoder, NegativeDimensionIsInvalidShape) {
  inference::ModelInferRequest request;
  addInput(request, "b", "FP32", {1, -1});
  request.add_raw_input_contents("");
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidShape);
  EXPECT_EQ(status.details(), "Negative dimension in shape (1,-1); input name: b");
}

TEST(KfsRequestDecoder, UnknownDatatypeIsInvalidPrecision) {
  inference::ModelInferRequest request;
  addInput(request, "b", "FP8", {1});
  request.add_raw_input_contents("x");
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidPrecision);
  EXPECT_EQ(status.details(), "Unsupported datatype: FP8; input name: b");
}

TEST(KfsRequestDecoder, DuplicateInputNameFails) {
  inference::ModelInferRequest request;
  addInput(request, "b", "FP32", {1});
  addInput(request, "b", "FP32", {1});
  request.add_raw_input_contents(rawOf<float>({1.0f}));
  request.add_raw_input_contents(rawOf<float>({2.0f}));
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidDuplicateInput);
  EXPECT_EQ(status.details(), "input name: b");
}

// --- BYTES framing -------------------------------------------------------------------------

TEST(KfsRequestDecoder, RawBytesElementsAreViewedInPlace) {
  inference::ModelInferRequest request;
  addInput(request, "s", "BYTES", {3});
  request.add_raw_input_contents(framed({"ab", "", "xyz"}));
  tensor::InferenceRequest out;
  ASSERT_TRUE(decode(request, out).isOk());
  const tensor::InputTensor& tensor = out.inputs[0];
  EXPECT_EQ(tensor.datatype, DataType::kBytes);
  EXPECT_TRUE(tensor.data.empty());
  ASSERT_EQ(tensor.strings.size(), 3u);
  EXPECT_EQ(tensor.strings[0], "ab");
  EXPECT_EQ(tensor.strings[1], "");
  EXPECT_EQ(tensor.strings[2], "xyz");
  EXPECT_EQ(tensor.strings[0].data(), request.raw_input_contents(0).data() + 4);
}

TEST(KfsRequestDecoder, RawBytesTruncatedPrefixFails) {
  inference::ModelInferRequest request;
  addInput(request, "s", "BYTES", {2});
  request.add_raw_input_contents(framed({"abcde"}) + std::string(2, '\0'));
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidContentSize);
  EXPECT_EQ(status.details(), "Processed bytes: 9 do not equal to buffer size: 11; input name: s");
}

TEST(KfsRequestDecoder, RawBytesLengthBeyondBufferFails) {
  inference::ModelInferRequest request;
  addInput(request, "s", "BYTES", {1});
  std::string raw = framed({"ab"});
  raw.replace(0, 4, std::string(4, '\xff'));  // length 4294967295, and no uint32 wrap-around
  request.add_raw_input_contents(raw);
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidContentSize);
  EXPECT_EQ(status.details(),
            "Batch length metadata exceeded buffer size, buffer size: 6, batch length: 4294967295; "
            "input name: s");
}

TEST(KfsRequestDecoder, RawBytesTruncatedElementFails) {
  inference::ModelInferRequest request;
  addInput(request, "s", "BYTES", {1});
  request.add_raw_input_contents(framed({"abcdef"}).substr(0, 7));
  tensor::InferenceRequest out;
  EXPECT_EQ(decode(request, out).code(), StatusCode::kInvalidContentSize);
}

TEST(KfsRequestDecoder, RawBytesCountMustMatchShape) {
  inference::ModelInferRequest request;
  addInput(request, "s", "BYTES", {1, 3});
  request.add_raw_input_contents(framed({"a", "b"}));
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidValueCount);
  EXPECT_EQ(status.message(),
            "Invalid number of values in tensor proto container - Expected: 3 values; Actual: 2 "
            "values; input name: s");

  // More elements than the shape says: counted, not stored.
  inference::ModelInferRequest more;
  addInput(more, "s", "BYTES", {1});
  more.add_raw_input_contents(framed({"a", "b", "c"}));
  tensor::InferenceRequest out2;
  EXPECT_EQ(decode(more, out2).details(), "Expected: 1 values; Actual: 3 values; input name: s");
}

TEST(KfsRequestDecoder, RawBytesHugeShapeDoesNotReserveHugeMemory) {
  inference::ModelInferRequest request;
  addInput(request, "s", "BYTES", {1LL << 50});
  request.add_raw_input_contents(framed({"a"}));
  tensor::InferenceRequest out;
  EXPECT_EQ(decode(request, out).code(), StatusCode::kInvalidValueCount);
}

TEST(KfsRequestDecoder, EmptyRawBytesForEmptyShape) {
  inference::ModelInferRequest request;
  addInput(request, "s", "BYTES", {0});
  request.add_raw_input_contents("");
  tensor::InferenceRequest out;
  ASSERT_TRUE(decode(request, out).isOk());
  EXPECT_TRUE(out.inputs[0].strings.empty());
}

// --- Typed contents ------------------------------------------------------------------------

TEST(KfsRequestDecoder, TypedFieldsWithTheTensorLayoutAreViewed) {
  inference::ModelInferRequest request;
  auto& f32 = addInput(request, "f32", "FP32", {2});
  f32.mutable_contents()->add_fp32_contents(1.25f);
  f32.mutable_contents()->add_fp32_contents(-2.0f);
  addInput(request, "f64", "FP64", {1}).mutable_contents()->add_fp64_contents(0.1);
  addInput(request, "i32", "INT32", {1}).mutable_contents()->add_int_contents(-5);
  addInput(request, "i64", "INT64", {1}).mutable_contents()->add_int64_contents(-(1LL << 40));
  addInput(request, "u32", "UINT32", {1}).mutable_contents()->add_uint_contents(4000000000u);
  addInput(request, "u64", "UINT64", {1}).mutable_contents()->add_uint64_contents(1ULL << 63);
  auto& b = addInput(request, "b", "BOOL", {3});
  for (bool v : {true, false, true}) b.mutable_contents()->add_bool_contents(v);
  tensor::InferenceRequest out;
  ASSERT_TRUE(decode(request, out).isOk());
  ASSERT_EQ(out.inputs.size(), 7u);
  EXPECT_EQ(valuesOf<float>(out.inputs[0]), (std::vector<float>{1.25f, -2.0f}));
  EXPECT_EQ(valuesOf<double>(out.inputs[1]), (std::vector<double>{0.1}));
  EXPECT_EQ(valuesOf<int32_t>(out.inputs[2]), (std::vector<int32_t>{-5}));
  EXPECT_EQ(valuesOf<int64_t>(out.inputs[3]), (std::vector<int64_t>{-(1LL << 40)}));
  EXPECT_EQ(valuesOf<uint32_t>(out.inputs[4]), (std::vector<uint32_t>{4000000000u}));
  EXPECT_EQ(valuesOf<uint64_t>(out.inputs[5]), (std::vector<uint64_t>{1ULL << 63}));
  EXPECT_EQ(valuesOf<uint8_t>(out.inputs[6]), (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_EQ(out.inputs[0].data.data(),
            reinterpret_cast<const std::byte*>(f32.contents().fp32_contents().data()));
  EXPECT_TRUE(out.owned_buffers.empty());
}

TEST(KfsRequestDecoder, NarrowTypedFieldsAreConverted) {
  inference::ModelInferRequest request;
  auto& i8 = addInput(request, "i8", "INT8", {3});
  for (int v : {-128, 0, 127}) i8.mutable_contents()->add_int_contents(v);
  auto& i16 = addInput(request, "i16", "INT16", {2});
  for (int v : {-32768, 32767}) i16.mutable_contents()->add_int_contents(v);
  auto& u8 = addInput(request, "u8", "UINT8", {2});
  for (unsigned v : {0u, 255u}) u8.mutable_contents()->add_uint_contents(v);
  auto& u16 = addInput(request, "u16", "UINT16", {1});
  u16.mutable_contents()->add_uint_contents(65535u);
  tensor::InferenceRequest out;
  ASSERT_TRUE(decode(request, out).isOk());
  EXPECT_EQ(valuesOf<int8_t>(out.inputs[0]), (std::vector<int8_t>{-128, 0, 127}));
  EXPECT_EQ(valuesOf<int16_t>(out.inputs[1]), (std::vector<int16_t>{-32768, 32767}));
  EXPECT_EQ(valuesOf<uint8_t>(out.inputs[2]), (std::vector<uint8_t>{0, 255}));
  EXPECT_EQ(valuesOf<uint16_t>(out.inputs[3]), (std::vector<uint16_t>{65535}));
  EXPECT_EQ(out.owned_buffers.size(), 4u);
}

TEST(KfsRequestDecoder, NarrowingOutOfRangeFails) {
  inference::ModelInferRequest request;
  addInput(request, "i8", "INT8", {1}).mutable_contents()->add_int_contents(300);
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.details(), "Value 300 is out of range for INT8; input name: i8");
}

TEST(KfsRequestDecoder, TypedValueCountMustMatchShape) {
  inference::ModelInferRequest request;
  auto& input = addInput(request, "b", "FP32", {2, 2});
  for (float v : {1.0f, 2.0f, 3.0f}) input.mutable_contents()->add_fp32_contents(v);
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidValueCount);
  EXPECT_EQ(status.message(),
            "Invalid number of values in tensor proto container - Expected: 4 values; Actual: 3 "
            "values; input name: b");
}

TEST(KfsRequestDecoder, TypedValuesInTheWrongFieldCountAsMissing) {
  inference::ModelInferRequest request;
  addInput(request, "b", "FP32", {1}).mutable_contents()->add_int_contents(1);
  tensor::InferenceRequest out;
  EXPECT_EQ(decode(request, out).details(), "Expected: 1 values; Actual: 0 values; input name: b");
}

TEST(KfsRequestDecoder, TypedFp16MustBeRaw) {
  inference::ModelInferRequest request;
  addInput(request, "h", "FP16", {2}).mutable_contents()->add_fp32_contents(1.0f);
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidValueCount);
  EXPECT_EQ(status.details(),
            "FP16 has no typed contents field and must be sent in raw_input_contents; input name: "
            "h");

  inference::ModelInferRequest empty;
  addInput(empty, "h", "BF16", {0});
  tensor::InferenceRequest out2;
  EXPECT_TRUE(decode(empty, out2).isOk());
}

TEST(KfsRequestDecoder, TypedBytesAreViewedInPlace) {
  inference::ModelInferRequest request;
  auto& input = addInput(request, "s", "BYTES", {2});
  input.mutable_contents()->add_bytes_contents("hello");
  input.mutable_contents()->add_bytes_contents(std::string("\0x", 2));
  tensor::InferenceRequest out;
  ASSERT_TRUE(decode(request, out).isOk());
  ASSERT_EQ(out.inputs[0].strings.size(), 2u);
  EXPECT_EQ(out.inputs[0].strings[0], "hello");
  EXPECT_EQ(out.inputs[0].strings[1], std::string_view("\0x", 2));
  EXPECT_EQ(out.inputs[0].strings[0].data(), input.contents().bytes_contents(0).data());
}

TEST(KfsRequestDecoder, MissingContentsIsZeroValues) {
  inference::ModelInferRequest request;
  addInput(request, "b", "INT64", {2});
  tensor::InferenceRequest out;
  EXPECT_EQ(decode(request, out).details(), "Expected: 2 values; Actual: 0 values; input name: b");
}

// --- Requested outputs ---------------------------------------------------------------------

TEST(KfsRequestDecoder, RequestedOutputsKeepTheirOrder) {
  inference::ModelInferRequest request;
  request.add_outputs()->set_name("z");
  request.add_outputs()->set_name("a");
  tensor::InferenceRequest out;
  ASSERT_TRUE(decode(request, out).isOk());
  EXPECT_EQ(out.requested_outputs, (std::vector<std::string>{"z", "a"}));
}

TEST(KfsRequestDecoder, DuplicateRequestedOutputFails) {
  inference::ModelInferRequest request;
  request.add_outputs()->set_name("a");
  request.add_outputs()->set_name("a");
  tensor::InferenceRequest out;
  const util::Status status = decode(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.details(), "Duplicate requested output name: a");
}

}  // namespace
}  // namespace mserve::api::kfs

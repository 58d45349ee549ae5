#include "api/tfs/tfs_request_decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace mserve::api::tfs {
namespace {

using tensor::DataType;
using util::StatusCode;

tensorflow::TensorProto& addInput(tensorflow::serving::PredictRequest& request,
                                  const std::string& name, tensorflow::DataType dtype,
                                  const std::vector<int64_t>& shape) {
  tensorflow::TensorProto& proto = (*request.mutable_inputs())[name];
  proto.set_dtype(dtype);
  for (int64_t dim : shape) proto.mutable_tensor_shape()->add_dim()->set_size(dim);
  return proto;
}

tensorflow::serving::PredictRequest requestFor(const std::string& model, int64_t version = -1) {
  tensorflow::serving::PredictRequest request;
  request.mutable_model_spec()->set_name(model);
  if (version >= 0) request.mutable_model_spec()->mutable_version()->set_value(version);
  return request;
}

template <typename T>
std::string bytesOf(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

template <typename T>
std::vector<T> valuesOf(const tensor::InputTensor& tensor) {
  std::vector<T> values(tensor.data.size() / sizeof(T));
  std::memcpy(values.data(), tensor.data.data(), tensor.data.size());
  return values;
}

const tensor::InputTensor& inputNamed(const tensor::InferenceRequest& request,
                                      const std::string& name) {
  for (const auto& input : request.inputs) {
    if (input.name == name) return input;
  }
  ADD_FAILURE() << "no input " << name;
  static const tensor::InputTensor kNone;
  return kNone;
}

TEST(TfsModelSpec, NameAndVersion) {
  tensorflow::serving::ModelSpec spec;
  spec.set_name("m");
  EXPECT_EQ(readModelSpec(&spec)->version, 0);
  spec.mutable_version()->set_value(3);
  EXPECT_EQ(readModelSpec(&spec)->name, "m");
  EXPECT_EQ(readModelSpec(&spec)->version, 3);
  spec.set_version_label("stable");  // clears the version (oneof): the default version
  EXPECT_EQ(readModelSpec(&spec)->version, 0);
}

TEST(TfsModelSpec, MissingSpecIsAnError) {
  auto ref = readModelSpec(nullptr);
  ASSERT_FALSE(ref.isOk());
  EXPECT_EQ(ref.status().message(), "model_spec missing in request");
  EXPECT_EQ(ref.status().grpcCode(), 3);  // INVALID_ARGUMENT
  tensorflow::serving::PredictRequest request;
  tensor::InferenceRequest out;
  EXPECT_EQ(decodePredictRequest(request, out).code(), StatusCode::kModelSpecMissing);
}

TEST(TfsPredictDecoder, TensorContentIsViewedInPlace) {
  auto request = requestFor("dummy", 2);
  const std::vector<float> values = {1, 2, 3, 4, 5, 6};
  addInput(request, "b", tensorflow::DT_FLOAT, {2, 3}).set_tensor_content(bytesOf(values));
  tensor::InferenceRequest out;
  ASSERT_TRUE(decodePredictRequest(request, out).isOk());
  EXPECT_EQ(out.model_name, "dummy");
  EXPECT_EQ(out.model_version, 2);
  ASSERT_EQ(out.inputs.size(), 1u);
  const tensor::InputTensor& input = out.inputs[0];
  EXPECT_EQ(input.name, "b");
  EXPECT_EQ(input.datatype, DataType::kFp32);
  EXPECT_EQ(input.shape, (tensor::Shape{2, 3}));
  EXPECT_EQ(valuesOf<float>(input), values);
  EXPECT_EQ(reinterpret_cast<const char*>(input.data.data()),
            request.inputs().at("b").tensor_content().data());
  EXPECT_TRUE(out.owned_buffers.empty());
}

TEST(TfsPredictDecoder, ContentSizeMismatchUsesOvmsText) {
  auto request = requestFor("dummy");
  addInput(request, "b", tensorflow::DT_FLOAT, {1, 10}).set_tensor_content(std::string(12, '\0'));
  tensor::InferenceRequest out;
  const util::Status status = decodePredictRequest(request, out);
  EXPECT_EQ(status.message(),
            "Invalid content size of tensor proto - Expected: 40 bytes; Actual: 12 bytes; "
            "input name: b");
}

TEST(TfsPredictDecoder, NoValuesAtAllIsAContentSizeError) {
  auto request = requestFor("dummy");
  addInput(request, "b", tensorflow::DT_FLOAT, {1, 10});
  tensor::InferenceRequest out;
  EXPECT_EQ(decodePredictRequest(request, out).message(),
            "Invalid content size of tensor proto - Expected: 40 bytes; Actual: 0 bytes; "
            "input name: b");
}

TEST(TfsPredictDecoder, TypedFieldsAreAccepted) {
  auto request = requestFor("types");
  auto& f32 = addInput(request, "f32", tensorflow::DT_FLOAT, {2});
  f32.add_float_val(1.5f);
  f32.add_float_val(-2);
  addInput(request, "f64", tensorflow::DT_DOUBLE, {1}).add_double_val(0.25);
  addInput(request, "i32", tensorflow::DT_INT32, {1}).add_int_val(-7);
  addInput(request, "i64", tensorflow::DT_INT64, {1}).add_int64_val(INT64_MIN);
  addInput(request, "u32", tensorflow::DT_UINT32, {1}).add_uint32_val(UINT32_MAX);
  addInput(request, "u64", tensorflow::DT_UINT64, {1}).add_uint64_val(UINT64_MAX);
  auto& flags = addInput(request, "bool", tensorflow::DT_BOOL, {2});
  flags.add_bool_val(true);
  flags.add_bool_val(false);
  tensor::InferenceRequest out;
  ASSERT_TRUE(decodePredictRequest(request, out).isOk());
  auto find = [&](const std::string& name) { return inputNamed(out, name); };
  EXPECT_EQ(valuesOf<float>(find("f32")), (std::vector<float>{1.5f, -2}));
  EXPECT_EQ(valuesOf<double>(find("f64")), (std::vector<double>{0.25}));
  EXPECT_EQ(valuesOf<int32_t>(find("i32")), (std::vector<int32_t>{-7}));
  EXPECT_EQ(valuesOf<int64_t>(find("i64")), (std::vector<int64_t>{INT64_MIN}));
  EXPECT_EQ(valuesOf<uint32_t>(find("u32")), (std::vector<uint32_t>{UINT32_MAX}));
  EXPECT_EQ(valuesOf<uint64_t>(find("u64")), (std::vector<uint64_t>{UINT64_MAX}));
  EXPECT_EQ(valuesOf<uint8_t>(find("bool")), (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(find("bool").datatype, DataType::kBool);
}

TEST(TfsPredictDecoder, NarrowIntegersAndHalvesAreConverted) {
  auto request = requestFor("types");
  auto& i8 = addInput(request, "i8", tensorflow::DT_INT8, {2});
  i8.add_int_val(-128);
  i8.add_int_val(127);
  addInput(request, "u8", tensorflow::DT_UINT8, {1}).add_int_val(255);
  addInput(request, "i16", tensorflow::DT_INT16, {1}).add_int_val(-32768);
  addInput(request, "u16", tensorflow::DT_UINT16, {1}).add_int_val(65535);
  addInput(request, "f16", tensorflow::DT_HALF, {1}).add_half_val(0x3C00);  // 1.0
  tensor::InferenceRequest out;
  ASSERT_TRUE(decodePredictRequest(request, out).isOk());
  EXPECT_EQ(valuesOf<int8_t>(inputNamed(out, "i8")), (std::vector<int8_t>{-128, 127}));
  EXPECT_EQ(valuesOf<uint8_t>(inputNamed(out, "u8")), (std::vector<uint8_t>{255}));
  EXPECT_EQ(valuesOf<int16_t>(inputNamed(out, "i16")), (std::vector<int16_t>{-32768}));
  EXPECT_EQ(valuesOf<uint16_t>(inputNamed(out, "u16")), (std::vector<uint16_t>{65535}));
  EXPECT_EQ(inputNamed(out, "f16").datatype, DataType::kFp16);
  EXPECT_EQ(valuesOf<uint16_t>(inputNamed(out, "f16")), (std::vector<uint16_t>{0x3C00}));
  EXPECT_EQ(out.owned_buffers.size(), 5u);
}

TEST(TfsPredictDecoder, OutOfRangeNarrowValuesAreRefused) {
  auto request = requestFor("types");
  addInput(request, "u8", tensorflow::DT_UINT8, {1}).add_int_val(256);
  tensor::InferenceRequest out;
  const util::Status status = decodePredictRequest(request, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("out of range for UINT8"), std::string::npos);
}

TEST(TfsPredictDecoder, TypedValueCountMustMatchTheShape) {
  // A single value is not broadcast over a larger shape.
  auto request = requestFor("dummy");
  addInput(request, "b", tensorflow::DT_FLOAT, {1, 10}).add_float_val(1);
  tensor::InferenceRequest out;
  EXPECT_EQ(decodePredictRequest(request, out).message(),
            "Invalid number of values in tensor proto container - Expected: 10 values; "
            "Actual: 1 values; input name: b");
}

TEST(TfsPredictDecoder, TensorContentWinsOverTypedFields) {
  auto request = requestFor("dummy");
  auto& proto = addInput(request, "b", tensorflow::DT_FLOAT, {1});
  proto.set_tensor_content(bytesOf(std::vector<float>{7}));
  proto.add_float_val(1);
  tensor::InferenceRequest out;
  ASSERT_TRUE(decodePredictRequest(request, out).isOk());
  EXPECT_EQ(valuesOf<float>(out.inputs[0]), (std::vector<float>{7}));
}

TEST(TfsPredictDecoder, StringsComeFromStringVal) {
  auto request = requestFor("strings");
  auto& proto = addInput(request, "text", tensorflow::DT_STRING, {2});
  proto.add_string_val("abc");
  proto.add_string_val(std::string("\0z", 2));
  tensor::InferenceRequest out;
  ASSERT_TRUE(decodePredictRequest(request, out).isOk());
  const tensor::InputTensor& input = out.inputs[0];
  EXPECT_EQ(input.datatype, DataType::kBytes);
  ASSERT_EQ(input.strings.size(), 2u);
  EXPECT_EQ(input.strings[0], "abc");
  EXPECT_EQ(input.strings[1], std::string_view("\0z", 2));
  EXPECT_TRUE(input.data.empty());

  proto.add_string_val("extra");
  tensor::InferenceRequest again;
  EXPECT_EQ(decodePredictRequest(request, again).code(), StatusCode::kInvalidValueCount);
}

TEST(TfsPredictDecoder, UnsupportedTypesAndShapesAreRefused) {
  {
    auto request = requestFor("m");
    addInput(request, "c", tensorflow::DT_COMPLEX64, {1}).add_scomplex_val(1);
    tensor::InferenceRequest out;
    EXPECT_EQ(decodePredictRequest(request, out).message(),
              "Invalid input precision - Unsupported data type: DT_COMPLEX64; input name: c");
  }
  {
    auto request = requestFor("m");
    auto& proto = addInput(request, "x", tensorflow::DT_FLOAT, {});
    proto.mutable_tensor_shape()->set_unknown_rank(true);
    tensor::InferenceRequest out;
    EXPECT_EQ(decodePredictRequest(request, out).code(), StatusCode::kInvalidShape);
  }
  {
    auto request = requestFor("m");
    addInput(request, "x", tensorflow::DT_FLOAT, {1, -1});
    tensor::InferenceRequest out;
    EXPECT_EQ(decodePredictRequest(request, out).code(), StatusCode::kInvalidShape);
  }
  {
    auto request = requestFor("m");
    addInput(request, "x", tensorflow::DT_FLOAT, {INT64_MAX, INT64_MAX});
    tensor::InferenceRequest out;
    EXPECT_EQ(decodePredictRequest(request, out).code(), StatusCode::kInvalidContentSize);
  }
  {
    auto request = requestFor("m");
    (*request.mutable_inputs())["x"].set_dtype(static_cast<tensorflow::DataType>(999));
    tensor::InferenceRequest out;
    EXPECT_EQ(decodePredictRequest(request, out).message(),
              "Invalid input precision - Unsupported data type: 999; input name: x");
  }
}

TEST(TfsPredictDecoder, ScalarsAndEmptyTensors) {
  auto request = requestFor("m");
  addInput(request, "scalar", tensorflow::DT_INT64, {}).add_int64_val(5);
  addInput(request, "empty", tensorflow::DT_FLOAT, {0, 3});
  tensor::InferenceRequest out;
  ASSERT_TRUE(decodePredictRequest(request, out).isOk());
  EXPECT_EQ(valuesOf<int64_t>(inputNamed(out, "scalar")), (std::vector<int64_t>{5}));
  EXPECT_TRUE(inputNamed(out, "empty").data.empty());
}

TEST(TfsPredictDecoder, OutputFilterBecomesRequestedOutputs) {
  auto request = requestFor("add_two");
  request.add_output_filter("diff");
  request.add_output_filter("sum");
  tensor::InferenceRequest out;
  ASSERT_TRUE(decodePredictRequest(request, out).isOk());
  EXPECT_EQ(out.requested_outputs, (std::vector<std::string>{"diff", "sum"}));
  request.add_output_filter("diff");
  tensor::InferenceRequest again;
  EXPECT_EQ(decodePredictRequest(request, again).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mserve::api::tfs

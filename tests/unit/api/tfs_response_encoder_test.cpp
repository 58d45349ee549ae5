#include "api/tfs/tfs_response_encoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace mserve::api::tfs {
namespace {

using tensor::DataType;

TEST(TfsPredictEncoder, NumbersGoToTensorContentStringsToStringVal) {
  const std::vector<float> values = {1, 2, 3, 4};
  const std::vector<std::string_view> strings = {"ab", "c"};
  tensor::InferenceResponse response;
  response.model_name = "m";
  response.model_version = 3;
  response.outputs.push_back({"y", DataType::kFp32, {2, 2}, std::as_bytes(std::span(values)), {}});
  response.outputs.push_back({"text", DataType::kBytes, {2}, {}, strings});
  tensorflow::serving::PredictResponse out;
  ASSERT_TRUE(encodePredictResponse(response, out).isOk());
  EXPECT_EQ(out.model_spec().name(), "m");
  EXPECT_EQ(out.model_spec().version().value(), 3);
  const tensorflow::TensorProto& y = out.outputs().at("y");
  EXPECT_EQ(y.dtype(), tensorflow::DT_FLOAT);
  ASSERT_EQ(y.tensor_shape().dim_size(), 2);
  EXPECT_EQ(y.tensor_shape().dim(0).size(), 2);
  EXPECT_EQ(y.tensor_content(), std::string(reinterpret_cast<const char*>(values.data()), 16));
  EXPECT_EQ(y.float_val_size(), 0);
  const tensorflow::TensorProto& text = out.outputs().at("text");
  EXPECT_EQ(text.dtype(), tensorflow::DT_STRING);
  ASSERT_EQ(text.string_val_size(), 2);
  EXPECT_EQ(text.string_val(0), "ab");
  EXPECT_TRUE(text.tensor_content().empty());
}

TEST(TfsPredictEncoder, HalfAndNarrowTypesKeepTheirDtype) {
  const std::vector<uint16_t> halves = {0x3C00};
  const std::vector<int8_t> bytes = {-1, 2};
  tensor::InferenceResponse response;
  response.outputs.push_back({"h", DataType::kFp16, {1}, std::as_bytes(std::span(halves)), {}});
  response.outputs.push_back({"b", DataType::kInt8, {2}, std::as_bytes(std::span(bytes)), {}});
  tensorflow::serving::PredictResponse out;
  ASSERT_TRUE(encodePredictResponse(response, out).isOk());
  EXPECT_EQ(out.outputs().at("h").dtype(), tensorflow::DT_HALF);
  EXPECT_EQ(out.outputs().at("h").tensor_content().size(), 2u);
  EXPECT_EQ(out.outputs().at("b").dtype(), tensorflow::DT_INT8);
}

TEST(TfsPredictEncoder, SizeMismatchIsASerializationError) {
  const std::vector<float> values = {1, 2, 3};
  tensor::InferenceResponse response;
  response.outputs.push_back({"y", DataType::kFp32, {2, 2}, std::as_bytes(std::span(values)), {}});
  tensorflow::serving::PredictResponse out;
  EXPECT_EQ(encodePredictResponse(response, out).code(),
            util::StatusCode::kOvInternalSerializationError);
}

}  // namespace
}  // namespace mserve::api::tfs

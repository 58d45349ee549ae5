#include "serving/binary_inputs.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../image/image_test_util.hpp"

namespace mserve::serving {
namespace {

using tensor::DataType;
using tensor::Dimension;

std::vector<engine::TensorInfo> models() {
  return {
      {"image",
       DataType::kFp32,
       {Dimension::fixed(1), Dimension::fixed(8), Dimension::fixed(8), Dimension::fixed(3)},
       ""},
      {"text", DataType::kBytes, {Dimension::dynamic()}, ""},
      {"text4d",
       DataType::kBytes,
       {Dimension::fixed(1), Dimension::fixed(1), Dimension::fixed(1), Dimension::fixed(1)},
       ""},
      {"scale", DataType::kFp32, {Dimension::fixed(1)}, ""},
  };
}

std::shared_ptr<tensor::InferenceRequest> requestWith(const std::string& input,
                                                      const std::vector<std::string>& strings) {
  auto request = std::make_shared<tensor::InferenceRequest>();
  request->model_name = "m";
  request->id = "7";
  request->requested_outputs = {"out"};
  for (const std::string& s : strings) request->owned_strings.push_back(s);
  tensor::InputTensor& tensor = request->inputs.emplace_back();
  tensor.name = input;
  tensor.datatype = DataType::kBytes;
  tensor.shape = {static_cast<int64_t>(strings.size())};
  for (const std::string& s : request->owned_strings) tensor.strings.emplace_back(s);
  return request;
}

TEST(BinaryInputs, RequestsWithoutImagesPassUnchanged) {
  for (const char* name : {"text", "text4d", "unknown"}) {
    std::shared_ptr<const tensor::InferenceRequest> request = requestWith(name, {"abc"});
    auto prepared = prepareBinaryInputs(models(), request, {});
    ASSERT_TRUE(prepared.isOk());
    EXPECT_EQ(prepared->get(), request.get()) << name;
  }
}

TEST(BinaryInputs, ImagesBecomeATensorOfTheModelPrecision) {
  auto request =
      requestWith("image", {image::testing::encode(image::testing::pattern(8, 8, 3), ".png")});
  const float scale = 2;
  tensor::InputTensor& other = request->inputs.emplace_back();
  other.name = "scale";
  other.shape = {1};
  other.data = std::as_bytes(std::span(&scale, 1));
  std::weak_ptr<const tensor::InferenceRequest> original = request;
  auto prepared = prepareBinaryInputs(models(), std::move(request), {});
  ASSERT_TRUE(prepared.isOk()) << prepared.status().message();
  const tensor::InferenceRequest& result = **prepared;
  EXPECT_EQ(result.model_name, "m");
  EXPECT_EQ(result.id, "7");
  EXPECT_EQ(result.requested_outputs, (std::vector<std::string>{"out"}));
  ASSERT_EQ(result.inputs.size(), 2u);
  EXPECT_EQ(result.inputs[0].datatype, DataType::kFp32);
  EXPECT_EQ(result.inputs[0].shape, (tensor::Shape{1, 8, 8, 3}));
  EXPECT_EQ(result.inputs[0].data.size(), 8u * 8 * 3 * 4);
  EXPECT_TRUE(result.inputs[0].strings.empty());
  EXPECT_EQ(result.inputs[1].data.data(), reinterpret_cast<const std::byte*>(&scale));
  // The prepared request keeps the original (whose bytes other inputs view) alive.
  EXPECT_FALSE(original.expired());
  prepared = util::Status(util::StatusCode::kInternalError);
  EXPECT_TRUE(original.expired());
}

TEST(BinaryInputs, NchwInputsRefuseImages) {
  auto inputs = models();
  inputs[0].layout = "NCHW";
  auto prepared = prepareBinaryInputs(inputs, requestWith("image", {"junk"}), {});
  ASSERT_FALSE(prepared.isOk());
  EXPECT_EQ(prepared.status().message(),
            "Received binary image input but resource not configured to accept NHWC layout - "
            "input image has layout NCHW");
  inputs[0].layout = "NHWC";
  EXPECT_EQ(prepareBinaryInputs(inputs, requestWith("image", {"junk"}), {}).status().code(),
            util::StatusCode::kImageParsingFailed);
}

TEST(BinaryInputs, DecodeErrorsAreReturned) {
  auto prepared = prepareBinaryInputs(models(), requestWith("image", {"junk"}), {});
  ASSERT_FALSE(prepared.isOk());
  EXPECT_EQ(prepared.status().code(), util::StatusCode::kImageParsingFailed);
  EXPECT_EQ(prepared.status().httpStatus(), 400);
}

}  // namespace
}  // namespace mserve::serving

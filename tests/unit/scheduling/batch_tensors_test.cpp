// Batching's tensor work: batch rows and their checks, which requests may share a batch, one
// concatenation along dimension 0 (numbers and strings) and per-request row views.
#include "scheduling/batch_tensors.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>

namespace mserve::scheduling {
namespace {

using tensor::DataType;

tensor::InputTensor floats(const std::vector<float>& values, tensor::Shape shape) {
  static std::deque<std::vector<float>> storage;  // keeps the views' bytes alive
  storage.push_back(values);
  tensor::InputTensor input;
  input.name = "b";
  input.datatype = DataType::kFp32;
  input.shape = std::move(shape);
  input.data = std::as_bytes(std::span<const float>(storage.back()));
  return input;
}

tensor::InferenceRequest requestOf(std::vector<tensor::InputTensor> inputs) {
  tensor::InferenceRequest request;
  request.inputs = std::move(inputs);
  return request;
}

TEST(BatchTensorsTest, RowsAreDimensionZeroOfEveryInput) {
  auto request = requestOf({floats({1, 2, 3, 4}, {2, 2}), floats({5, 6}, {2, 1})});
  auto rows = batchRows(request, {0, 1});
  ASSERT_TRUE(rows.isOk());
  EXPECT_EQ(rows.value(), 2);
}

TEST(BatchTensorsTest, RowsRefuseMismatchesAndWrongSizes) {
  auto uneven = requestOf({floats({1, 2, 3, 4}, {2, 2}), floats({5, 6, 7}, {3, 1})});
  EXPECT_EQ(batchRows(uneven, {0, 1}).status().code(), util::StatusCode::kInvalidBatchSize);
  auto short_data = requestOf({floats({1, 2, 3}, {2, 2})});
  EXPECT_EQ(batchRows(short_data, {0}).status().code(), util::StatusCode::kInvalidContentSize);
  auto scalar = requestOf({floats({1}, {})});
  EXPECT_FALSE(batchRows(scalar, {0}).isOk());
}

TEST(BatchTensorsTest, OnlyEqualNonBatchDimensionsAndTypesMerge) {
  auto a = requestOf({floats({1, 2}, {1, 2})});
  auto b = requestOf({floats({1, 2, 3, 4}, {2, 2})});
  auto c = requestOf({floats({1, 2, 3}, {1, 3})});
  EXPECT_TRUE(batchCompatible(a, {0}, b, {0}));
  EXPECT_FALSE(batchCompatible(a, {0}, c, {0}));
  auto d = requestOf({floats({1, 2}, {1, 2})});
  d.inputs[0].datatype = DataType::kInt32;
  EXPECT_FALSE(batchCompatible(a, {0}, d, {0}));
}

TEST(BatchTensorsTest, ConcatenatesOnceAndSlicesBack) {
  const tensor::InputTensor x = floats({1, 2}, {1, 2});
  const tensor::InputTensor y = floats({3, 4, 5, 6}, {2, 2});
  const tensor::InputTensor* parts[] = {&x, &y};
  std::vector<std::byte> buffer;
  const tensor::InputTensor batched = concatenate(parts, buffer);
  EXPECT_EQ(batched.shape, (tensor::Shape{3, 2}));
  std::vector<float> values(6);
  ASSERT_EQ(batched.data.size(), sizeof(float) * 6);
  std::memcpy(values.data(), batched.data.data(), batched.data.size());
  EXPECT_EQ(values, (std::vector<float>{1, 2, 3, 4, 5, 6}));

  tensor::OutputTensor output;
  output.name = "a";
  output.shape = {3, 2};
  output.data = batched.data;
  auto second = sliceRows(output, 1, 2);
  ASSERT_TRUE(second.isOk());
  EXPECT_EQ(second->shape, (tensor::Shape{2, 2}));
  ASSERT_EQ(second->data.size(), sizeof(float) * 4);
  EXPECT_EQ(std::memcmp(second->data.data(), values.data() + 2, sizeof(float) * 4), 0);
  EXPECT_FALSE(sliceRows(output, 2, 2).isOk());  // beyond the batch
}

TEST(BatchTensorsTest, StringsConcatenateAsViewsAndSliceByRow) {
  tensor::InputTensor x;
  x.datatype = DataType::kBytes;
  x.shape = {1, 2};
  x.strings = {"a", "b"};
  tensor::InputTensor y = x;
  y.strings = {"c", "d"};
  const tensor::InputTensor* parts[] = {&x, &y};
  std::vector<std::byte> buffer;
  const tensor::InputTensor batched = concatenate(parts, buffer);
  EXPECT_EQ(batched.shape, (tensor::Shape{2, 2}));
  EXPECT_EQ(batched.strings, (std::vector<std::string_view>{"a", "b", "c", "d"}));
  tensor::OutputTensor output;
  output.datatype = DataType::kBytes;
  output.shape = {2, 2};
  output.strings = batched.strings;
  auto second = sliceRows(output, 1, 1);
  ASSERT_TRUE(second.isOk());
  EXPECT_EQ(second->strings, (std::vector<std::string_view>{"c", "d"}));
}

}  // namespace
}  // namespace mserve::scheduling

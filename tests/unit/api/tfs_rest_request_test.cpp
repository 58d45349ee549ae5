#include "api/tfs/tfs_rest_request.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace mserve::api::tfs {
namespace {

using tensor::DataType;
using tensor::Dimension;
using util::StatusCode;

kfs::ModelDescription modelWith(std::vector<kfs::TensorDescription> inputs) {
  kfs::ModelDescription model;
  model.name = "m";
  model.inputs = std::move(inputs);
  return model;
}

const kfs::ModelDescription kOneInput = modelWith({{"b", DataType::kFp32, {}}});
const kfs::ModelDescription kTwoInputs =
    modelWith({{"x", DataType::kInt32, {}}, {"y", DataType::kFp64, {}}});

struct Decoded {
  TfsRestPredictRequest predict;
  util::Status status;
};

std::unique_ptr<Decoded> decode(const kfs::ModelDescription& model, const std::string& body) {
  auto decoded = std::make_unique<Decoded>();
  decoded->predict.body = body;
  decoded->status = decodeTfsRestPredict(model, 100, decoded->predict);
  return decoded;
}

const tensor::InputTensor& input(const Decoded& decoded, const std::string& name) {
  for (const auto& tensor : decoded.predict.request.inputs) {
    if (tensor.name == name) return tensor;
  }
  ADD_FAILURE() << "no input " << name;
  static const tensor::InputTensor kNone;
  return kNone;
}

template <typename T>
std::vector<T> valuesOf(const tensor::InputTensor& tensor) {
  std::vector<T> values(tensor.data.size() / sizeof(T));
  std::memcpy(values.data(), tensor.data.data(), tensor.data.size());
  return values;
}

TEST(TfsRestRequest, RowNamedStacksInstances) {
  auto d = decode(kTwoInputs, R"({"signature_name": "serving_default", "instances": [
      {"x": [1, 2], "y": 0.5}, {"x": [3, 4], "y": -1}]})");
  ASSERT_TRUE(d->status.isOk()) << d->status.message();
  EXPECT_EQ(d->predict.format, RestFormat::kRow);
  EXPECT_EQ(input(*d, "x").datatype, DataType::kInt32);
  EXPECT_EQ(input(*d, "x").shape, (tensor::Shape{2, 2}));
  EXPECT_EQ(valuesOf<int32_t>(input(*d, "x")), (std::vector<int32_t>{1, 2, 3, 4}));
  EXPECT_EQ(input(*d, "y").shape, (tensor::Shape{2}));
  EXPECT_EQ(valuesOf<double>(input(*d, "y")), (std::vector<double>{0.5, -1}));
}

TEST(TfsRestRequest, RowUnnamedNeedsOneInput) {
  auto d = decode(kOneInput, R"({"instances": [[1, 2, 3], [4, 5, 6]]})");
  ASSERT_TRUE(d->status.isOk()) << d->status.message();
  EXPECT_EQ(input(*d, "b").shape, (tensor::Shape{2, 3}));
  EXPECT_EQ(valuesOf<float>(input(*d, "b")), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(decode(kTwoInputs, R"({"instances": [[1]]})")->status.code(),
            StatusCode::kRestCouldNotParseInstance);
}

TEST(TfsRestRequest, ColumnNamedAndUnnamed) {
  auto named = decode(kTwoInputs, R"({"inputs": {"x": [[1, 2]], "y": 3}})");
  ASSERT_TRUE(named->status.isOk()) << named->status.message();
  EXPECT_EQ(named->predict.format, RestFormat::kColumn);
  EXPECT_EQ(input(*named, "x").shape, (tensor::Shape{1, 2}));
  EXPECT_EQ(input(*named, "y").shape, (tensor::Shape{}));  // a scalar stays a scalar
  auto unnamed = decode(kOneInput, R"({"inputs": [[1.5], [2.5]]})");
  ASSERT_TRUE(unnamed->status.isOk());
  EXPECT_EQ(input(*unnamed, "b").shape, (tensor::Shape{2, 1}));
  EXPECT_EQ(valuesOf<float>(input(*unnamed, "b")), (std::vector<float>{1.5, 2.5}));
}

TEST(TfsRestRequest, Base64ValuesBecomeBytes) {
  auto d = decode(modelWith({{"image", DataType::kFp32, {}}}),
                  R"({"instances": [{"image": {"b64": "aGVsbG8="}}, {"image": {"b64": ""}}]})");
  ASSERT_TRUE(d->status.isOk()) << d->status.message();
  const tensor::InputTensor& image = input(*d, "image");
  EXPECT_EQ(image.datatype, DataType::kBytes);
  EXPECT_EQ(image.shape, (tensor::Shape{2}));
  ASSERT_EQ(image.strings.size(), 2u);
  EXPECT_EQ(image.strings[0], "hello");
  EXPECT_EQ(image.strings[1], "");
  auto unnamed = decode(kOneInput, R"({"instances": [{"b64": "aGk="}]})");
  ASSERT_TRUE(unnamed->status.isOk()) << unnamed->status.message();
  EXPECT_EQ(input(*unnamed, "b").strings[0], "hi");
  EXPECT_EQ(decode(kOneInput, R"({"instances": [{"b64": "a"}]})")->status.code(),
            StatusCode::kRestBase64DecodeError);
}

TEST(TfsRestRequest, StringInputsTakePlainStrings) {
  auto d =
      decode(modelWith({{"text", DataType::kBytes, {}}}), R"({"inputs": {"text": ["a", "bc"]}})");
  ASSERT_TRUE(d->status.isOk());
  EXPECT_EQ(input(*d, "text").strings, (std::vector<std::string_view>{"a", "bc"}));
}

TEST(TfsRestRequest, UnknownInputsAreTypedByTheirValues) {
  auto d = decode(kOneInput, R"({"inputs": {"b": [1], "flag": [true], "c": [2]}})");
  ASSERT_TRUE(d->status.isOk());
  EXPECT_EQ(input(*d, "flag").datatype, DataType::kBool);
  EXPECT_EQ(input(*d, "c").datatype, DataType::kFp32);
}

TEST(TfsRestRequest, StructureErrorsUseOvmsTexts) {
  const struct {
    const char* body;
    const char* message;
  } cases[] = {
      {"[1]", "Request body should be JSON object"},
      {R"({"x": 1})", "Invalid JSON structure. Could not detect row or column format"},
      {R"({"instances": [[1]], "inputs": [[1]]})",
       "Invalid JSON structure. Could not detect row or column format"},
      {R"({"instances": []})", "Invalid JSON structure. Missing instances in row format"},
      {R"({"instances": {"b": 1}})", "Invalid JSON structure. Missing instances in row format"},
      {R"({"inputs": {}})", "Invalid JSON structure, missing inputs"},
      {R"({"instances": [{"x": 1, "y": 2}, {"x": 1}]})",
       "Invalid JSON structure. Request inputs have different batch sizes"},
      {R"({"instances": [{"x": 1, "y": 2}, {"x": 1, "z": 2}]})",
       "Invalid JSON structure. Request inputs have different batch sizes"},
  };
  for (const auto& c : cases) {
    auto d = decode(kTwoInputs, c.body);
    EXPECT_EQ(d->status.message(), c.message) << c.body;
    EXPECT_EQ(d->status.httpStatus(), 400) << c.body;
  }
  EXPECT_EQ(decode(kTwoInputs, "{")->status.code(), StatusCode::kJsonInvalid);
}

TEST(TfsRestRequest, ValuesMustBeRectangularAndOfTheInputType) {
  const struct {
    const char* body;
    StatusCode code;
  } cases[] = {
      {R"({"instances": [{"x": [1, 2], "y": 1}, {"x": [1], "y": 1}]})",
       StatusCode::kRestCouldNotParseInstance},
      {R"({"inputs": {"x": [[1, 2], [3]], "y": 1}})", StatusCode::kRestCouldNotParseInput},
      {R"({"inputs": {"x": [[1, 2], 3], "y": 1}})", StatusCode::kRestCouldNotParseInput},
      {R"({"inputs": {"x": [1.5], "y": 1}})", StatusCode::kRestCouldNotParseInput},
      {R"({"inputs": {"x": [3000000000], "y": 1}})", StatusCode::kRestCouldNotParseInput},
      {R"({"inputs": {"x": [null], "y": 1}})", StatusCode::kRestCouldNotParseInput},
      {R"({"inputs": {"x": [{"a": 1}], "y": 1}})", StatusCode::kRestCouldNotParseInput},
      {R"({"instances": [{"x": [1], "y": true}]})", StatusCode::kRestCouldNotParseInstance},
      {R"({"inputs": {"x": [1], "x": [2], "y": 1}})", StatusCode::kInvalidDuplicateInput},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(decode(kTwoInputs, c.body)->status.code(), c.code) << c.body;
  }
  EXPECT_EQ(decode(modelWith({{"h", DataType::kFp16, {}}}), R"({"inputs": [1]})")->status.code(),
            StatusCode::kRestUnsupportedPrecision);
}

TEST(TfsRestRequest, NestingLimitApplies) {
  TfsRestPredictRequest predict;
  predict.body = R"({"inputs": [[[[1]]]]})";
  EXPECT_EQ(decodeTfsRestPredict(kOneInput, 4, predict).code(),
            StatusCode::kJsonNestingDepthExceeded);
}

TEST(TfsRestRequest, EmptyArraysAreEmptyTensors) {
  auto d = decode(kOneInput, R"({"inputs": [[], []]})");
  ASSERT_TRUE(d->status.isOk()) << d->status.message();
  EXPECT_EQ(input(*d, "b").shape, (tensor::Shape{2, 0}));
  EXPECT_TRUE(input(*d, "b").data.empty());
}

TEST(TfsRestRequest, JsonDocumentIsChargedToTheRequestMemory) {
  std::string instances = "[0";
  for (int i = 1; i < 50000; ++i) instances += ",0";
  TfsRestPredictRequest predict;
  predict.body = R"({"instances":)" + instances + "]}";
  predict.memory = RequestMemory(1 << 20);
  const util::Status status = decodeTfsRestPredict(kOneInput, 100, predict);
  EXPECT_EQ(status.code(), util::StatusCode::kRequestMemoryExceeded);
  EXPECT_NE(status.message().find("--rest_max_request_memory_bytes"), std::string::npos);
}

}  // namespace
}  // namespace mserve::api::tfs

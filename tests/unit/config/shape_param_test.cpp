#include "config/shape_param.hpp"

#include <gtest/gtest.h>

namespace mserve::config {
namespace {

using tensor::Dimension;
using tensor::ModelShape;
using util::StatusCode;

ShapeParam parsed(const std::string& text) {
  auto param = parseShapeParam(text);
  EXPECT_TRUE(param.isOk()) << text << ": " << param.status().message();
  return param.isOk() ? param.value() : ShapeParam{};
}

void expectError(const std::string& text, const std::string& why) {
  auto param = parseShapeParam(text);
  ASSERT_FALSE(param.isOk()) << text;
  EXPECT_EQ(param.status().code(), StatusCode::kModelConfigInvalid);
  EXPECT_EQ(param.status().details(), "Couldn't parse shape parameter. " + why) << text;
}

TEST(ShapeParamTest, AutoMakesEveryInputDynamic) {
  const ShapeParam param = parsed("auto");
  ASSERT_EQ(param.shapes.size(), 1u);
  EXPECT_TRUE(param.shapes.at("").empty());
  EXPECT_EQ(param.auto_inputs, (std::vector<std::string>{""}));
}

TEST(ShapeParamTest, TupleAppliesToEveryInput) {
  const ShapeParam param = parsed("(1,3,224,224)");
  EXPECT_EQ(param.shapes.at(""), (ModelShape{Dimension::fixed(1), Dimension::fixed(3),
                                             Dimension::fixed(224), Dimension::fixed(224)}));
  EXPECT_TRUE(param.auto_inputs.empty());
}

TEST(ShapeParamTest, SquareBracketsSpacesDynamicAndRanges) {
  EXPECT_EQ(parsed("[1,3]").shapes.at(""), (ModelShape{Dimension::fixed(1), Dimension::fixed(3)}));
  const ModelShape shape = parsed(" ( 1 , -1 , 100:200 ) ").shapes.at("");
  EXPECT_EQ(shape, (ModelShape{Dimension::fixed(1), Dimension::dynamic(), Dimension{100, 200}}));
  EXPECT_EQ(tensor::toString(shape), "(1,-1,100:200)");
}

TEST(ShapeParamTest, EmptyTupleIsAScalarAndEmptyTextIsNothing) {
  const ShapeParam scalar = parsed("()");
  ASSERT_EQ(scalar.shapes.count(""), 1u);
  EXPECT_TRUE(scalar.shapes.at("").empty());
  EXPECT_TRUE(scalar.auto_inputs.empty());
  EXPECT_TRUE(parsed("").shapes.empty());
}

TEST(ShapeParamTest, JsonObjectNamesInputs) {
  const ShapeParam param = parsed(R"j({"in": "(1,3)", "in2": "auto", "in3": "[2, 1:4]"})j");
  EXPECT_EQ(param.shapes.size(), 3u);
  EXPECT_EQ(param.shapes.at("in"), (ModelShape{Dimension::fixed(1), Dimension::fixed(3)}));
  EXPECT_TRUE(param.shapes.at("in2").empty());
  EXPECT_EQ(param.shapes.at("in3"), (ModelShape{Dimension::fixed(2), Dimension{1, 4}}));
  EXPECT_EQ(param.auto_inputs, (std::vector<std::string>{"in2"}));
}

TEST(ShapeParamTest, RejectsMalformedShapes) {
  expectError("1,3", "Expected (d1,d2,...) or [d1,d2,...], got \"1,3\"");
  expectError("(1,3", "Expected (d1,d2,...) or [d1,d2,...], got \"(1,3\"");
  expectError("[1,3)", "Expected (d1,d2,...) or [d1,d2,...], got \"[1,3)\"");
  expectError("(1,a)", "Invalid dimension \"a\"");
  expectError("(1,,3)", "Invalid dimension \"\"");
  expectError("(1,3,)", "Invalid dimension \"\"");
  expectError("(-2)", "Invalid dimension \"-2\"");
  expectError("(+2)", "Invalid dimension \"+2\"");
  expectError("(5:2)", "Invalid dimension \"5:2\"");
  expectError("(1:-1)", "Invalid dimension \"1:-1\"");
  expectError("(1:2:3)", "Invalid dimension \"1:2:3\"");
  expectError("(99999999999999999999)", "Invalid dimension \"99999999999999999999\"");
  expectError("(1.5)", "Invalid dimension \"1.5\"");
  expectError("AUTO", "Expected (d1,d2,...) or [d1,d2,...], got \"AUTO\"");
}

TEST(ShapeParamTest, RejectsMalformedJson) {
  expectError("{", "Invalid JSON: Missing a name for object member.");
  expectError(R"({"in": [1, 3]})", "Shape of in must be a string");
  expectError(R"j({"": "(1)"})j", "Input name must not be empty");
  expectError(R"j({"in": "(x)"})j", "Invalid dimension \"x\"");
}

TEST(ShapeParamTest, ErrorMessageStartsWithOvmsText) {
  auto param = parseShapeParam("(x)");
  ASSERT_FALSE(param.isOk());
  EXPECT_EQ(param.status().message(),
            "Model config is invalid - Couldn't parse shape parameter. Invalid dimension \"x\"");
}

TEST(BatchSizeTest, ParsesAutoFixedDynamicAndRanges) {
  auto check = [](const std::string& text, Dimension expected) {
    auto dim = parseBatchSize(text);
    ASSERT_TRUE(dim.isOk()) << text << ": " << dim.status().message();
    EXPECT_EQ(dim.value(), expected) << text;
  };
  check("auto", Dimension::dynamic());
  check("8", Dimension::fixed(8));
  check(" 1 ", Dimension::fixed(1));
  check("1:16", Dimension{1, 16});
  check("-1", Dimension::dynamic());
}

TEST(BatchSizeTest, RejectsOthers) {
  for (const char* text : {"", "0", "abc", "4:2", "-2", "1.5", "(1)", "0:0"}) {
    auto dim = parseBatchSize(text);
    ASSERT_FALSE(dim.isOk()) << text;
    EXPECT_EQ(dim.status().code(), StatusCode::kModelConfigInvalid);
    EXPECT_EQ(dim.status().details(),
              std::string("Couldn't parse batch size parameter. Expected auto, N >= 1, -1 or a:b, "
                          "got \"") +
                  text + "\"");
  }
}

}  // namespace
}  // namespace mserve::config

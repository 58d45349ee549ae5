#include "tensor/shape.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace mserve::tensor {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(ShapeTest, ShapeToString) {
  EXPECT_EQ(toString(Shape{1, 3, 224, 224}), "(1,3,224,224)");
  EXPECT_EQ(toString(Shape{}), "()");
  EXPECT_EQ(toString(Shape{0}), "(0)");
}

TEST(ShapeTest, ModelShapeToStringUsesOvmsFormat) {
  EXPECT_EQ(toString(ModelShape{Dimension::fixed(1), Dimension::dynamic(), Dimension{2, 5}}),
            "(1,-1,2:5)");
  EXPECT_EQ(toString(ModelShape{}), "()");
}

TEST(ShapeTest, MetadataDimsReportAnyNonStaticAsMinusOne) {
  EXPECT_EQ(toMetadataDims(ModelShape{Dimension::fixed(1), Dimension::dynamic(), Dimension{2, 5}}),
            (std::vector<int64_t>{1, -1, -1}));
}

TEST(ShapeTest, DimensionAccepts) {
  EXPECT_TRUE(Dimension::fixed(3).accepts(3));
  EXPECT_FALSE(Dimension::fixed(3).accepts(4));
  EXPECT_TRUE(Dimension::dynamic().accepts(0));
  EXPECT_TRUE(Dimension::dynamic().accepts(kMax));
  EXPECT_TRUE((Dimension{2, 5}).accepts(5));
  EXPECT_FALSE((Dimension{2, 5}).accepts(1));
  EXPECT_FALSE((Dimension{2, 5}).accepts(6));
}

TEST(ShapeTest, ElementCount) {
  EXPECT_EQ(elementCount(Shape{2, 3, 4}), 24);
  EXPECT_EQ(elementCount(Shape{}), 1);  // a scalar
  EXPECT_EQ(elementCount(Shape{5, 0}), 0);
}

TEST(ShapeTest, ElementCountRejectsNegativeAndOverflow) {
  EXPECT_FALSE(elementCount(Shape{2, -1}).has_value());
  EXPECT_FALSE(elementCount(Shape{kMax, 2}).has_value());
  EXPECT_FALSE(elementCount(Shape{1LL << 32, 1LL << 32}).has_value());
  EXPECT_EQ(elementCount(Shape{kMax, 1}), kMax);
}

TEST(ShapeTest, ByteSize) {
  EXPECT_EQ(byteSize(Shape{1, 10}, DataType::kFp32), 40);
  EXPECT_EQ(byteSize(Shape{3}, DataType::kInt64), 24);
  EXPECT_EQ(byteSize(Shape{}, DataType::kUint8), 1);
}

TEST(ShapeTest, ByteSizeRejectsOverflowNegativeAndBytes) {
  EXPECT_FALSE(byteSize(Shape{kMax / 2}, DataType::kFp32).has_value());
  EXPECT_EQ(byteSize(Shape{kMax / 8}, DataType::kFp64), (kMax / 8) * 8);
  EXPECT_FALSE(byteSize(Shape{-1}, DataType::kFp32).has_value());
  EXPECT_FALSE(byteSize(Shape{4}, DataType::kBytes).has_value());
}

TEST(ShapeTest, Matches) {
  const ModelShape model{Dimension::fixed(1), Dimension::dynamic(), Dimension{2, 5}};
  EXPECT_TRUE(matches(model, Shape{1, 100, 3}));
  EXPECT_FALSE(matches(model, Shape{2, 100, 3}));
  EXPECT_FALSE(matches(model, Shape{1, 100, 6}));
  EXPECT_FALSE(matches(model, Shape{1, 100}));
  EXPECT_TRUE(matches(ModelShape{}, Shape{}));
}

}  // namespace
}  // namespace mserve::tensor

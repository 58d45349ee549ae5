#include "tensor/datatype.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mserve::tensor {
namespace {

struct Expected {
  DataType type;
  std::string name;
  size_t size;
  int triton;
};

const std::vector<Expected> kAll = {
    {DataType::kBool, "BOOL", 1, 1},     {DataType::kUint8, "UINT8", 1, 2},
    {DataType::kUint16, "UINT16", 2, 3}, {DataType::kUint32, "UINT32", 4, 4},
    {DataType::kUint64, "UINT64", 8, 5}, {DataType::kInt8, "INT8", 1, 6},
    {DataType::kInt16, "INT16", 2, 7},   {DataType::kInt32, "INT32", 4, 8},
    {DataType::kInt64, "INT64", 8, 9},   {DataType::kFp16, "FP16", 2, 10},
    {DataType::kFp32, "FP32", 4, 11},    {DataType::kFp64, "FP64", 8, 12},
    {DataType::kBf16, "BF16", 2, 14},    {DataType::kBytes, "BYTES", 0, 13},
};

TEST(DataTypeTest, KserveNamesRoundTrip) {
  for (const Expected& e : kAll) {
    EXPECT_EQ(kserveName(e.type), e.name);
    EXPECT_EQ(fromKserveName(e.name), e.type) << e.name;
  }
}

TEST(DataTypeTest, UnknownNamesAreRejected) {
  EXPECT_FALSE(fromKserveName("fp32").has_value());  // names are case-sensitive
  EXPECT_FALSE(fromKserveName("FLOAT").has_value());
  EXPECT_FALSE(fromKserveName("").has_value());
  EXPECT_FALSE(fromKserveName("STRING").has_value());
}

TEST(DataTypeTest, ElementSizes) {
  for (const Expected& e : kAll) EXPECT_EQ(elementSize(e.type), e.size) << e.name;
}

TEST(DataTypeTest, TritonConfigTypes) {
  for (const Expected& e : kAll) EXPECT_EQ(tritonConfigType(e.type), e.triton) << e.name;
}

}  // namespace
}  // namespace mserve::tensor

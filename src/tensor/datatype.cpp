#include "tensor/datatype.hpp"

#include <array>

namespace mserve::tensor {
namespace {

struct TypeRow {
  DataType type;
  std::string_view kserve;
  size_t size;
  int triton;
};

constexpr std::array<TypeRow, 14> kTypes = {{
    {DataType::kBool, "BOOL", 1, 1},
    {DataType::kUint8, "UINT8", 1, 2},
    {DataType::kUint16, "UINT16", 2, 3},
    {DataType::kUint32, "UINT32", 4, 4},
    {DataType::kUint64, "UINT64", 8, 5},
    {DataType::kInt8, "INT8", 1, 6},
    {DataType::kInt16, "INT16", 2, 7},
    {DataType::kInt32, "INT32", 4, 8},
    {DataType::kInt64, "INT64", 8, 9},
    {DataType::kFp16, "FP16", 2, 10},
    {DataType::kFp32, "FP32", 4, 11},
    {DataType::kFp64, "FP64", 8, 12},
    {DataType::kBf16, "BF16", 2, 14},
    {DataType::kBytes, "BYTES", 0, 13},
}};

const TypeRow& row(DataType type) {
  for (const TypeRow& r : kTypes) {
    if (r.type == type) return r;
  }
  return kTypes.back();  // unreachable: every enumerator has a row
}

}  // namespace

std::string_view kserveName(DataType type) { return row(type).kserve; }

std::optional<DataType> fromKserveName(std::string_view name) {
  for (const TypeRow& r : kTypes) {
    if (r.kserve == name) return r.type;
  }
  return std::nullopt;
}

size_t elementSize(DataType type) { return row(type).size; }

int tritonConfigType(DataType type) { return row(type).triton; }

}  // namespace mserve::tensor

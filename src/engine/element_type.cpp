#include "engine/element_type.hpp"

#include <array>

namespace mserve::engine {
namespace {

struct TypePair {
  tensor::DataType data_type;
  ov_element_type_e ov_type;
};

constexpr std::array<TypePair, 14> kTypes = {{
    {tensor::DataType::kBool, BOOLEAN},
    {tensor::DataType::kUint8, U8},
    {tensor::DataType::kUint16, U16},
    {tensor::DataType::kUint32, U32},
    {tensor::DataType::kUint64, U64},
    {tensor::DataType::kInt8, I8},
    {tensor::DataType::kInt16, I16},
    {tensor::DataType::kInt32, I32},
    {tensor::DataType::kInt64, I64},
    {tensor::DataType::kFp16, F16},
    {tensor::DataType::kFp32, F32},
    {tensor::DataType::kFp64, F64},
    {tensor::DataType::kBf16, BF16},
    {tensor::DataType::kBytes, STRING},
}};

}  // namespace

std::optional<tensor::DataType> toDataType(ov_element_type_e type) {
  for (const TypePair& pair : kTypes) {
    if (pair.ov_type == type) return pair.data_type;
  }
  return std::nullopt;
}

ov_element_type_e toOvElementType(tensor::DataType type) {
  for (const TypePair& pair : kTypes) {
    if (pair.data_type == type) return pair.ov_type;
  }
  return DYNAMIC;  // unreachable: every DataType has a pair
}

std::string_view ovElementTypeName(ov_element_type_e type) {
  // No default: -Wswitch flags an enumerator added by a newer OpenVINO.
  switch (type) {
    case DYNAMIC:
      return "dynamic";
    case BOOLEAN:
      return "boolean";
    case BF16:
      return "bf16";
    case F16:
      return "f16";
    case F32:
      return "f32";
    case F64:
      return "f64";
    case I4:
      return "i4";
    case I8:
      return "i8";
    case I16:
      return "i16";
    case I32:
      return "i32";
    case I64:
      return "i64";
    case U1:
      return "u1";
    case U2:
      return "u2";
    case U3:
      return "u3";
    case U4:
      return "u4";
    case U6:
      return "u6";
    case U8:
      return "u8";
    case U16:
      return "u16";
    case U32:
      return "u32";
    case U64:
      return "u64";
    case NF4:
      return "nf4";
    case F8E4M3:
      return "f8e4m3";
    case F8E5M3:
      return "f8e5m2";  // sic: the C enumerator is misspelt, the type is f8e5m2
    case STRING:
      return "string";
    case F4E2M1:
      return "f4e2m1";
    case F8E8M0:
      return "f8e8m0";
  }
  return "unknown";
}

}  // namespace mserve::engine

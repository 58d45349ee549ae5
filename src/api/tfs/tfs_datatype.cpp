#include "api/tfs/tfs_datatype.hpp"

#include <utility>

namespace mserve::api::tfs {
namespace {

using tensor::DataType;

constexpr std::pair<tensorflow::DataType, DataType> kTypes[] = {
    {tensorflow::DT_FLOAT, DataType::kFp32},    {tensorflow::DT_DOUBLE, DataType::kFp64},
    {tensorflow::DT_HALF, DataType::kFp16},     {tensorflow::DT_BFLOAT16, DataType::kBf16},
    {tensorflow::DT_INT8, DataType::kInt8},     {tensorflow::DT_INT16, DataType::kInt16},
    {tensorflow::DT_INT32, DataType::kInt32},   {tensorflow::DT_INT64, DataType::kInt64},
    {tensorflow::DT_UINT8, DataType::kUint8},   {tensorflow::DT_UINT16, DataType::kUint16},
    {tensorflow::DT_UINT32, DataType::kUint32}, {tensorflow::DT_UINT64, DataType::kUint64},
    {tensorflow::DT_BOOL, DataType::kBool},     {tensorflow::DT_STRING, DataType::kBytes},
};

}  // namespace

std::optional<tensor::DataType> fromTfDataType(tensorflow::DataType type) {
  for (const auto& [tf, ours] : kTypes) {
    if (tf == type) return ours;
  }
  return std::nullopt;
}

tensorflow::DataType toTfDataType(tensor::DataType type) {
  for (const auto& [tf, ours] : kTypes) {
    if (ours == type) return tf;
  }
  return tensorflow::DT_INVALID;  // unreachable: every DataType has a row
}

std::string tfDataTypeName(int type) {
  if (!tensorflow::DataType_IsValid(type)) return std::to_string(type);
  return tensorflow::DataType_Name(static_cast<tensorflow::DataType>(type));
}

}  // namespace mserve::api::tfs

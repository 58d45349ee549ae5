// Tensor element types as clients name them (KServe strings, Triton config enums) and their sizes.
// Engine-specific mappings live in engine/; TF Serving's enum lives in api/tfs/. Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace mserve::tensor {

enum class DataType {
  kBool,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFp16,
  kFp32,
  kFp64,
  kBf16,
  kBytes,  // variable-length byte strings (OpenVINO string tensors, encoded images)
};

// "FP32", "INT64", "BYTES", ...
std::string_view kserveName(DataType type);
std::optional<DataType> fromKserveName(std::string_view name);

// Size of one element in bytes; 0 for kBytes, whose elements vary in size.
size_t elementSize(DataType type);

// Triton model_config.proto DataType enum value (TYPE_FP32 = 11, TYPE_STRING = 13 for BYTES, ...).
int tritonConfigType(DataType type);

}  // namespace mserve::tensor

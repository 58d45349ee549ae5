// TensorFlow's DataType enum ⇄ mserve's tensor::DataType (REFERENCE.md §4.4 type map). Pure
// functions, safe on any thread.
#pragma once

#include <optional>
#include <string>

#include "tensor/datatype.hpp"
#include "tfs/tensorflow/core/framework/types.pb.h"

namespace mserve::api::tfs {

// DT_FLOAT → kFp32, DT_STRING → kBytes, ...; nullopt for types mserve does not serve
// (complex, quantized, resource, variant, float8, int4, references).
std::optional<tensor::DataType> fromTfDataType(tensorflow::DataType type);

// kFp32 → DT_FLOAT, kBytes → DT_STRING, ...
tensorflow::DataType toTfDataType(tensor::DataType type);

// "DT_FLOAT"; a number for values outside the enum.
std::string tfDataTypeName(int type);

}  // namespace mserve::api::tfs

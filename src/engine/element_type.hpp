// OpenVINO element types (ov_element_type_e) to and from tensor::DataType. Uses the symbolic
// enumerators only: their numbers change between OpenVINO releases. Internal to engine/; pure.
#pragma once

#include <openvino/c/openvino.h>

#include <optional>
#include <string_view>

#include "tensor/datatype.hpp"

namespace mserve::engine {

// nullopt for types mserve cannot serve (dynamic, sub-byte, nf4, fp8, fp4).
std::optional<tensor::DataType> toDataType(ov_element_type_e type);
ov_element_type_e toOvElementType(tensor::DataType type);
// OpenVINO's own spelling ("f32", "u4", "string"), for messages.
std::string_view ovElementTypeName(ov_element_type_e type);

}  // namespace mserve::engine

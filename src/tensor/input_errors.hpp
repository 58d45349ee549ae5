// The detail texts OVMS gives for a bad input tensor, shared by every decoder (KServe and TF
// Serving, protobuf and JSON, images) so that one mistake reads the same whatever the protocol.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.hpp"

namespace mserve::tensor {

// "; input name: <name>", the suffix of every per-input detail.
std::string inputSuffix(std::string_view name);

// INVALID_VALUE_COUNT: "Expected: N values; Actual: M values; input name: <name>".
util::Status valueCountError(int64_t expected, int64_t actual, std::string_view name);

// INVALID_CONTENT_SIZE: "Expected: N bytes; Actual: M bytes; input name: <name>".
util::Status contentSizeError(int64_t expected, uint64_t actual, std::string_view name);

}  // namespace mserve::tensor

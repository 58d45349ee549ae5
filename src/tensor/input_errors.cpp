#include "tensor/input_errors.hpp"

namespace mserve::tensor {

std::string inputSuffix(std::string_view name) { return "; input name: " + std::string(name); }

util::Status valueCountError(int64_t expected, int64_t actual, std::string_view name) {
  return util::Status(util::StatusCode::kInvalidValueCount,
                      "Expected: " + std::to_string(expected) +
                          " values; Actual: " + std::to_string(actual) + " values" +
                          inputSuffix(name));
}

util::Status contentSizeError(int64_t expected, uint64_t actual, std::string_view name) {
  return util::Status(util::StatusCode::kInvalidContentSize,
                      "Expected: " + std::to_string(expected) +
                          " bytes; Actual: " + std::to_string(actual) + " bytes" +
                          inputSuffix(name));
}

}  // namespace mserve::tensor

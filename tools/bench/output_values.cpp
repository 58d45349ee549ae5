#include "output_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace mserve::bench {
namespace {

template <typename T>
std::vector<double> widen(std::span<const std::byte> data) {
  std::vector<double> values(data.size() / sizeof(T));
  for (size_t i = 0; i < values.size(); ++i) {
    T value;
    std::memcpy(&value, data.data() + i * sizeof(T), sizeof(T));
    values[i] = static_cast<double>(value);
  }
  return values;
}

std::vector<double> widenBf16(std::span<const std::byte> data) {
  std::vector<double> values(data.size() / 2);
  for (size_t i = 0; i < values.size(); ++i) {
    uint16_t half;
    std::memcpy(&half, data.data() + i * 2, 2);
    const uint32_t bits = static_cast<uint32_t>(half) << 16;  // bf16 is a float's top half
    float value;
    std::memcpy(&value, &bits, sizeof(value));
    values[i] = value;
  }
  return values;
}

}  // namespace

std::vector<double> numericValues(const tensor::OutputTensor& output) {
  using tensor::DataType;
  switch (output.datatype) {
    case DataType::kUint8:
      return widen<uint8_t>(output.data);
    case DataType::kUint16:
      return widen<uint16_t>(output.data);
    case DataType::kUint32:
      return widen<uint32_t>(output.data);
    case DataType::kUint64:
      return widen<uint64_t>(output.data);
    case DataType::kInt8:
      return widen<int8_t>(output.data);
    case DataType::kInt16:
      return widen<int16_t>(output.data);
    case DataType::kInt32:
      return widen<int32_t>(output.data);
    case DataType::kInt64:
      return widen<int64_t>(output.data);
    case DataType::kFp32:
      return widen<float>(output.data);
    case DataType::kFp64:
      return widen<double>(output.data);
    case DataType::kBf16:
      return widenBf16(output.data);
    default:
      return {};
  }
}

std::optional<OutputError> compareOutputs(const OutputValues& reference,
                                          const OutputValues& other) {
  if (reference.size() != other.size()) return std::nullopt;
  OutputError error;
  bool compared = false;
  for (size_t o = 0; o < reference.size(); ++o) {
    const std::vector<double>& ref = reference[o];
    if (ref.size() != other[o].size()) return std::nullopt;
    if (ref.empty()) continue;
    double max_abs = 0;
    double max_ref = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
      max_abs = std::max(max_abs, std::fabs(other[o][i] - ref[i]));
      max_ref = std::max(max_ref, std::fabs(ref[i]));
    }
    error.max_abs = std::max(error.max_abs, max_abs);
    if (max_ref > 0) error.max_rel = std::max(error.max_rel, max_abs / max_ref);
    compared = true;
  }
  return compared ? std::optional<OutputError>(error) : std::nullopt;
}

}  // namespace mserve::bench

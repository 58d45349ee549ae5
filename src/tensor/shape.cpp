#include "tensor/shape.hpp"

namespace mserve::tensor {

std::string toString(const Shape& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ',';
    text += std::to_string(shape[i]);
  }
  return text + ")";
}

std::string toString(const ModelShape& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ',';
    const Dimension& d = shape[i];
    if (d.isStatic()) {
      text += std::to_string(d.min);
    } else if (d.max < 0 && d.min <= 0) {
      text += "-1";
    } else {
      text += std::to_string(d.min) + ":" + std::to_string(d.max);
    }
  }
  return text + ")";
}

std::vector<int64_t> toMetadataDims(const ModelShape& shape) {
  std::vector<int64_t> dims;
  dims.reserve(shape.size());
  for (const Dimension& d : shape) dims.push_back(d.isStatic() ? d.min : -1);
  return dims;
}

std::optional<int64_t> elementCount(const Shape& shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) return std::nullopt;
    if (__builtin_mul_overflow(count, dim, &count)) return std::nullopt;
  }
  return count;
}

std::optional<int64_t> byteSize(const Shape& shape, DataType type) {
  const auto count = elementCount(shape);
  const auto size = static_cast<int64_t>(elementSize(type));
  if (!count || size == 0) return std::nullopt;
  int64_t bytes = 0;
  if (__builtin_mul_overflow(*count, size, &bytes)) return std::nullopt;
  return bytes;
}

bool matches(const ModelShape& model, const Shape& shape) {
  if (model.size() != shape.size()) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (!model[i].accepts(shape[i])) return false;
  }
  return true;
}

}  // namespace mserve::tensor

// Shapes: concrete request shapes (Shape) and model shapes whose dimensions may be dynamic or
// bounded (ModelShape). Overflow-checked element and byte counts for untrusted shapes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tensor/datatype.hpp"

namespace mserve::tensor {

using Shape = std::vector<int64_t>;

// One model dimension: static (min == max), bounded (min < max) or unbounded (max == -1).
struct Dimension {
  int64_t min = 0;
  int64_t max = -1;

  static Dimension fixed(int64_t n) { return {n, n}; }
  static Dimension dynamic() { return {0, -1}; }
  bool isStatic() const { return min == max; }
  bool accepts(int64_t n) const { return n >= min && (max < 0 || n <= max); }
  bool operator==(const Dimension&) const = default;
};
using ModelShape = std::vector<Dimension>;

// "(1,3,224,224)"; dynamic dims print as -1, bounded ones as "a:b" (OVMS's format).
std::string toString(const Shape& shape);
std::string toString(const ModelShape& shape);

// KServe metadata form: static dims as is, any dynamic or bounded dim as -1.
std::vector<int64_t> toMetadataDims(const ModelShape& shape);

// Number of elements; nullopt if a dimension is negative or the product overflows int64.
std::optional<int64_t> elementCount(const Shape& shape);
// elementCount × elementSize(type), nullopt on overflow; 0-size types (BYTES) give nullopt.
std::optional<int64_t> byteSize(const Shape& shape, DataType type);

bool matches(const ModelShape& model, const Shape& shape);

}  // namespace mserve::tensor

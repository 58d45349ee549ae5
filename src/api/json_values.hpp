// JSON leaves as tensor elements, shared by the KServe JSON and TF Serving REST decoders: both
// walk nested arrays in row-major order and convert each number or boolean with the same range
// rules, so the same value is accepted or refused whichever API carries it.
#pragma once

#include <rapidjson/document.h>

#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace mserve::api {

// Calls visit(leaf) for every non-array value of every part, in row-major order (a part that is
// not an array is one leaf); stops at the first false and returns false then. Iterative: the
// nesting depth, bounded only by the parser's limit, costs no stack.
template <typename Visit>
bool forEachLeaf(std::span<const rapidjson::Value* const> parts, Visit&& visit) {
  std::vector<std::pair<const rapidjson::Value*, rapidjson::SizeType>> stack;
  for (const rapidjson::Value* part : parts) {
    if (!part->IsArray()) {
      if (!visit(*part)) return false;
      continue;
    }
    stack.emplace_back(part, 0);
    while (!stack.empty()) {
      auto& [array, index] = stack.back();
      if (index == array->Size()) {
        stack.pop_back();
        continue;
      }
      const rapidjson::Value& item = (*array)[index++];
      if (item.IsArray()) {
        stack.emplace_back(&item, 0);
      } else if (!visit(item)) {
        return false;
      }
    }
  }
  return true;
}

// One leaf as T: booleans only for bool, any number for floating point (narrowed as C++ does),
// integers only when they fit T. False when the leaf cannot be a T.
template <typename T>
bool toElement(const rapidjson::Value& value, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!value.IsBool()) return false;
    out = value.GetBool();
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!value.IsNumber()) return false;
    out = static_cast<T>(value.GetDouble());
  } else if constexpr (std::is_signed_v<T>) {
    if (!value.IsInt64() || !std::in_range<T>(value.GetInt64())) return false;
    out = static_cast<T>(value.GetInt64());
  } else {
    if (!value.IsUint64() || !std::in_range<T>(value.GetUint64())) return false;
    out = static_cast<T>(value.GetUint64());
  }
  return true;
}

}  // namespace mserve::api

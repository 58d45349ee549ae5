#include "api/tfs/tfs_rest_ndarray.hpp"

#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "api/json_values.hpp"
#include "api/tfs/tfs_base64.hpp"
#include "tensor/input_errors.hpp"

namespace mserve::api::tfs {
namespace {

using api::forEachLeaf;
using api::toElement;
using rapidjson::Value;
using tensor::inputSuffix;
using util::Status;
using util::StatusCode;

bool isLeaf(const Value& value) {
  return value.IsNumber() || value.IsBool() || value.IsString() || isBase64Object(value);
}

template <typename T>
Status fillNumbers(std::span<const Value* const> parts, int64_t count, StatusCode parse_error,
                   tensor::InputTensor& tensor, tensor::InferenceRequest& request) {
  static_assert(sizeof(bool) == 1, "BOOL tensors hold one byte per element");
  std::vector<std::byte>& buffer =
      request.owned_buffers.emplace_back(static_cast<size_t>(count) * sizeof(T));
  size_t index = 0;
  const bool converted = forEachLeaf(parts, [&](const Value& value) {
    T element{};
    if (index >= static_cast<size_t>(count) || !toElement(value, element)) return false;
    std::memcpy(buffer.data() + index * sizeof(T), &element, sizeof(T));
    ++index;
    return true;
  });
  if (!converted || index != static_cast<size_t>(count)) {
    return Status(parse_error, "value " + std::to_string(index) + " is not a valid " +
                                   std::string(tensor::kserveName(tensor.datatype)) +
                                   inputSuffix(tensor.name));
  }
  tensor.data = buffer;
  return Status::ok();
}

Status fillStrings(std::span<const Value* const> parts, int64_t count, StatusCode parse_error,
                   tensor::InputTensor& tensor, tensor::InferenceRequest& request) {
  tensor.strings.reserve(static_cast<size_t>(count));
  bool bad_base64 = false;
  const bool converted = forEachLeaf(parts, [&](const Value& value) {
    if (tensor.strings.size() >= static_cast<size_t>(count)) return false;
    if (value.IsString()) {
      tensor.strings.emplace_back(value.GetString(), value.GetStringLength());
      return true;
    }
    if (!isBase64Object(value)) return false;
    const Value& text = value["b64"];
    auto decoded = decodeBase64(std::string_view(text.GetString(), text.GetStringLength()));
    if (!decoded) {
      bad_base64 = true;
      return false;
    }
    tensor.strings.emplace_back(request.owned_strings.emplace_back(std::move(*decoded)));
    return true;
  });
  if (bad_base64) {
    return Status(StatusCode::kRestBase64DecodeError,
                  "value " + std::to_string(tensor.strings.size()) + inputSuffix(tensor.name));
  }
  if (!converted || tensor.strings.size() != static_cast<size_t>(count)) {
    return Status(parse_error, "value " + std::to_string(tensor.strings.size()) +
                                   " is not a string or a b64 object" + inputSuffix(tensor.name));
  }
  return Status::ok();
}

}  // namespace

bool isBase64Object(const Value& value) {
  return value.IsObject() && value.MemberCount() == 1 && value.MemberBegin()->name == "b64" &&
         value.MemberBegin()->value.IsString();
}

std::optional<tensor::Shape> ndarrayShape(const Value& value) {
  if (!value.IsArray()) return isLeaf(value) ? std::optional(tensor::Shape{}) : std::nullopt;
  tensor::Shape shape;
  for (const Value* level = &value; level->IsArray(); level = &(*level)[0]) {
    shape.push_back(level->Size());
    if (level->Empty()) break;
  }
  std::vector<std::pair<const Value*, rapidjson::SizeType>> stack{{&value, 0}};
  while (!stack.empty()) {
    auto& [array, index] = stack.back();
    if (index == array->Size()) {
      stack.pop_back();
      continue;
    }
    const Value& item = (*array)[index++];
    const size_t depth = stack.size();  // of `item`
    if (item.IsArray()) {
      if (depth >= shape.size() || static_cast<int64_t>(item.Size()) != shape[depth]) {
        return std::nullopt;
      }
      stack.emplace_back(&item, 0);
    } else if (depth != shape.size() || !isLeaf(item)) {
      return std::nullopt;
    }
  }
  return shape;
}

const Value* firstLeaf(const Value& value) {
  const Value* level = &value;
  while (level->IsArray()) {
    if (level->Empty()) return nullptr;
    level = &(*level)[0];
  }
  return level;
}

util::Status fillTensor(std::span<const Value* const> parts, int64_t count, StatusCode parse_error,
                        tensor::InputTensor& tensor, tensor::InferenceRequest& request) {
  using tensor::DataType;
  switch (tensor.datatype) {
    case DataType::kBool:
      return fillNumbers<bool>(parts, count, parse_error, tensor, request);
    case DataType::kUint8:
      return fillNumbers<uint8_t>(parts, count, parse_error, tensor, request);
    case DataType::kUint16:
      return fillNumbers<uint16_t>(parts, count, parse_error, tensor, request);
    case DataType::kUint32:
      return fillNumbers<uint32_t>(parts, count, parse_error, tensor, request);
    case DataType::kUint64:
      return fillNumbers<uint64_t>(parts, count, parse_error, tensor, request);
    case DataType::kInt8:
      return fillNumbers<int8_t>(parts, count, parse_error, tensor, request);
    case DataType::kInt16:
      return fillNumbers<int16_t>(parts, count, parse_error, tensor, request);
    case DataType::kInt32:
      return fillNumbers<int32_t>(parts, count, parse_error, tensor, request);
    case DataType::kInt64:
      return fillNumbers<int64_t>(parts, count, parse_error, tensor, request);
    case DataType::kFp32:
      return fillNumbers<float>(parts, count, parse_error, tensor, request);
    case DataType::kFp64:
      return fillNumbers<double>(parts, count, parse_error, tensor, request);
    case DataType::kBytes:
      return fillStrings(parts, count, parse_error, tensor, request);
    case DataType::kFp16:
    case DataType::kBf16:
      break;
  }
  return Status(StatusCode::kRestUnsupportedPrecision,
                std::string(tensor::kserveName(tensor.datatype)) + inputSuffix(tensor.name));
}

}  // namespace mserve::api::tfs

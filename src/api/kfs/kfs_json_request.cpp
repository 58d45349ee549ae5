#include "api/kfs/kfs_json_request.hpp"

#include <charconv>
#include <cstring>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include "api/json_values.hpp"
#include "api/kfs/kfs_json_document.hpp"
#include "api/kfs/kfs_request_decoder.hpp"
#include "tensor/input_errors.hpp"
#include "tensor/shape.hpp"
#include "util/json_document.hpp"

namespace mserve::api::kfs {
namespace {

using api::chargeConvertedInput;
using api::RequestMemory;
using api::toElement;
using rapidjson::Value;
using tensor::inputSuffix;
using util::Status;
using util::StatusCode;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

const Value* member(const Value& object, const char* name) {
  const auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

// Bytes of the body that are JSON: the header's value, or the whole body without the header.
util::StatusOr<size_t> jsonLength(std::optional<std::string_view> header, size_t body_size) {
  if (!header) return body_size;
  const std::string_view text = trim(*header);
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Status(StatusCode::kRestInferenceHeaderContentLengthInvalid,
                  "expected a non-negative decimal byte count");
  }
  if (value > body_size) {
    return Status(StatusCode::kRestInferenceHeaderContentLengthExceeded,
                  "header: " + std::to_string(value) +
                      " bytes; body: " + std::to_string(body_size) + " bytes");
  }
  return static_cast<size_t>(value);
}

// Calls visit(leaf) for every non-array value of the `data` array in row-major order (nested
// arrays are flattened; only the element count is checked against the shape, as OVMS).
template <typename Visit>
bool forEachLeaf(const Value& data, Visit&& visit) {
  const Value* parts[] = {&data};
  return api::forEachLeaf(parts, std::forward<Visit>(visit));
}

// JSON numbers (or booleans) converted to T into a buffer the request owns. `count` is the
// number of leaves, already checked against the shape.
template <typename T>
Status convertData(const Value& data, int64_t count, tensor::InputTensor& tensor,
                   tensor::InferenceRequest& request) {
  static_assert(sizeof(bool) == 1, "BOOL tensors hold one byte per element");
  std::vector<std::byte>& buffer =
      request.owned_buffers.emplace_back(static_cast<size_t>(count) * sizeof(T));
  size_t index = 0;
  const bool converted = forEachLeaf(data, [&](const Value& value) {
    T element{};
    if (!toElement(value, element)) return false;
    std::memcpy(buffer.data() + index * sizeof(T), &element, sizeof(T));
    ++index;
    return true;
  });
  if (!converted) {
    return Status(StatusCode::kRestCouldNotParseInput,
                  "element " + std::to_string(index) + " of data is not a valid " +
                      std::string(tensor::kserveName(tensor.datatype)) + " value" +
                      inputSuffix(tensor.name));
  }
  tensor.data = buffer;
  return Status::ok();
}

// BYTES from JSON strings, viewed in the document (which the request context keeps alive).
Status viewStrings(const Value& data, int64_t count, tensor::InputTensor& tensor) {
  tensor.strings.reserve(static_cast<size_t>(count));
  const bool all_strings = forEachLeaf(data, [&](const Value& value) {
    if (!value.IsString()) return false;
    tensor.strings.emplace_back(value.GetString(), value.GetStringLength());
    return true;
  });
  if (all_strings) return Status::ok();
  return Status(StatusCode::kRestCouldNotParseInput,
                "element " + std::to_string(tensor.strings.size()) + " of data is not a string" +
                    inputSuffix(tensor.name));
}

Status decodeJsonData(const Value& data, int64_t count, tensor::InputTensor& tensor,
                      RequestMemory& memory, tensor::InferenceRequest& request) {
  using tensor::DataType;
  if (!data.IsArray()) {
    return Status(StatusCode::kRestCouldNotParseInput,
                  "data must be an array" + inputSuffix(tensor.name));
  }
  int64_t leaves = 0;
  forEachLeaf(data, [&](const Value&) { return ++leaves, true; });
  if (leaves != count) return tensor::valueCountError(count, leaves, tensor.name);
  MSERVE_RETURN_IF_ERROR(chargeConvertedInput(memory, count, tensor.datatype));
  switch (tensor.datatype) {
    case DataType::kBool:
      return convertData<bool>(data, count, tensor, request);
    case DataType::kUint8:
      return convertData<uint8_t>(data, count, tensor, request);
    case DataType::kUint16:
      return convertData<uint16_t>(data, count, tensor, request);
    case DataType::kUint32:
      return convertData<uint32_t>(data, count, tensor, request);
    case DataType::kUint64:
      return convertData<uint64_t>(data, count, tensor, request);
    case DataType::kInt8:
      return convertData<int8_t>(data, count, tensor, request);
    case DataType::kInt16:
      return convertData<int16_t>(data, count, tensor, request);
    case DataType::kInt32:
      return convertData<int32_t>(data, count, tensor, request);
    case DataType::kInt64:
      return convertData<int64_t>(data, count, tensor, request);
    case DataType::kFp32:
      return convertData<float>(data, count, tensor, request);
    case DataType::kFp64:
      return convertData<double>(data, count, tensor, request);
    case DataType::kBytes:
      return viewStrings(data, count, tensor);
    case DataType::kFp16:
    case DataType::kBf16:
      break;
  }
  return Status(StatusCode::kRestUnsupportedPrecision,
                std::string(tensor::kserveName(tensor.datatype)) +
                    " data must be sent as binary data (parameters.binary_data_size)" +
                    inputSuffix(tensor.name));
}

// The binary data after the JSON header, handed out to the inputs in order.
struct BinaryData {
  std::string_view bytes;
  bool present = false;  // Inference-Header-Content-Length was given
  size_t offset = 0;
};

// The input's chunk: `size` bytes (binary_data_size), or when absent the tensor's byte size;
// a BYTES input without a size takes the rest if it is the request's only input.
Status takeBinary(BinaryData& binary, std::optional<uint64_t> size, bool only_input,
                  tensor::InputTensor& tensor, int64_t count) {
  const size_t remaining = binary.bytes.size() - binary.offset;
  if (!size) {
    if (tensor.datatype == tensor::DataType::kBytes) {
      if (!only_input) {
        return Status(StatusCode::kRestBinaryDataSizeParameterInvalid,
                      "a BYTES input needs binary_data_size" + inputSuffix(tensor.name));
      }
      size = remaining;
    } else if (const auto bytes = tensor::byteSize(tensor.shape, tensor.datatype)) {
      size = static_cast<uint64_t>(*bytes);
    } else {
      return Status(StatusCode::kInvalidContentSize,
                    "Shape dimensions overflow" + inputSuffix(tensor.name));
    }
  }
  if (*size > remaining) {
    return Status(StatusCode::kRestBinaryBufferExceeded,
                  "binary_data_size: " + std::to_string(*size) +
                      "; bytes left: " + std::to_string(remaining) + inputSuffix(tensor.name));
  }
  const std::string_view chunk = binary.bytes.substr(binary.offset, *size);
  binary.offset += *size;
  if (tensor.datatype == tensor::DataType::kBytes) return decodeRawBytes(chunk, count, tensor);
  return decodeRawFixed(chunk, tensor);
}

Status decodeShape(const Value* shape, tensor::InputTensor& tensor) {
  if (shape == nullptr || !shape->IsArray()) {
    return Status(StatusCode::kRestCouldNotParseInput,
                  "shape must be an array of non-negative integers" + inputSuffix(tensor.name));
  }
  tensor.shape.reserve(shape->Size());
  for (const Value& dim : shape->GetArray()) {
    if (!dim.IsInt64() || dim.GetInt64() < 0) {
      return Status(StatusCode::kRestCouldNotParseInput,
                    "shape must be an array of non-negative integers" + inputSuffix(tensor.name));
    }
    tensor.shape.push_back(dim.GetInt64());
  }
  return Status::ok();
}

// binary_data_size from the input's parameters, if given.
util::StatusOr<std::optional<uint64_t>> binaryDataSize(const Value& input,
                                                       const std::string& name) {
  const Value* parameters = member(input, "parameters");
  if (parameters == nullptr) return std::optional<uint64_t>();
  if (!parameters->IsObject()) {
    return Status(StatusCode::kRestCouldNotParseParameters,
                  "parameters must be an object" + inputSuffix(name));
  }
  const Value* size = member(*parameters, "binary_data_size");
  if (size == nullptr) return std::optional<uint64_t>();
  if (!size->IsUint64()) {
    return Status(StatusCode::kRestBinaryDataSizeParameterInvalid,
                  "expected a non-negative integer" + inputSuffix(name));
  }
  return std::optional<uint64_t>(size->GetUint64());
}

Status decodeInput(const Value& input, BinaryData& binary, bool only_input,
                   const shm::RegionRegistry* shm, RequestMemory& memory,
                   tensor::InferenceRequest& request) {
  const Value* name = input.IsObject() ? member(input, "name") : nullptr;
  if (name == nullptr || !name->IsString()) {
    return Status(StatusCode::kRestCouldNotParseInput, "every input needs a string name");
  }
  tensor::InputTensor& tensor = request.inputs.emplace_back();
  tensor.name.assign(name->GetString(), name->GetStringLength());
  const Value* datatype = member(input, "datatype");
  const auto type = datatype != nullptr && datatype->IsString()
                        ? tensor::fromKserveName(util::jsonString(*datatype))
                        : std::nullopt;
  if (!type) {
    const std::string given = datatype != nullptr && datatype->IsString()
                                  ? std::string(util::jsonString(*datatype))
                                  : "(none)";
    return Status(StatusCode::kInvalidPrecision,
                  "Unsupported datatype: " + given + inputSuffix(tensor.name));
  }
  tensor.datatype = *type;
  MSERVE_RETURN_IF_ERROR(decodeShape(member(input, "shape"), tensor));
  const auto count = tensor::elementCount(tensor.shape);
  if (!count) {
    return Status(StatusCode::kInvalidContentSize,
                  "Shape dimensions overflow" + inputSuffix(tensor.name));
  }
  auto size = binaryDataSize(input, tensor.name);
  if (!size.isOk()) return size.status();
  const Value* data = member(input, "data");
  auto in_shm = shmReferenceFromJson(member(input, "parameters"), tensor.name);
  if (!in_shm.isOk()) return in_shm.status();
  if (in_shm->has_value()) {
    if (data != nullptr || size->has_value()) {
      return Status(StatusCode::kShmInvalidTensor,
                    "Input must set only one of the following fields: 'data', "
                    "'binary_data_size' in 'parameters', 'shared_memory_region' in "
                    "'parameters'; input name: " +
                        tensor.name);
    }
    return bindShmInput(shm, **in_shm, tensor, request);
  }
  if (data != nullptr && size->has_value()) {
    return Status(StatusCode::kRestContentsFieldNotEmpty, "input name: " + tensor.name);
  }
  if (data != nullptr) return decodeJsonData(*data, *count, tensor, memory, request);
  if (!size->has_value() && !binary.present) {
    return Status(StatusCode::kRestCouldNotParseInput,
                  "no data and no binary data" + inputSuffix(tensor.name));
  }
  return takeBinary(binary, *size, only_input, tensor, *count);
}

Status decodeInputs(const Value* inputs, BinaryData& binary, const shm::RegionRegistry* shm,
                    RequestMemory& memory, tensor::InferenceRequest& request) {
  if (inputs == nullptr || !inputs->IsArray() || inputs->Empty()) {
    return Status(StatusCode::kRestNoInputsFound);
  }
  request.inputs.reserve(inputs->Size());
  for (const Value& input : inputs->GetArray()) {
    MSERVE_RETURN_IF_ERROR(decodeInput(input, binary, inputs->Size() == 1, shm, memory, request));
  }
  std::unordered_set<std::string_view> names;
  for (const tensor::InputTensor& tensor : request.inputs) {
    if (!names.insert(tensor.name).second) {
      return Status(StatusCode::kInvalidDuplicateInput, "input name: " + tensor.name);
    }
  }
  if (binary.offset != binary.bytes.size()) {
    return Status(StatusCode::kRestBinaryDataSizeParameterInvalid,
                  "the inputs take " + std::to_string(binary.offset) + " bytes of binary data, " +
                      "the body holds " + std::to_string(binary.bytes.size()));
  }
  return Status::ok();
}

// The output's shared memory slot, if its parameters name one (then not binary_data: true).
Status decodeOutputSlot(const Value* parameters, std::optional<bool> binary, std::string_view name,
                        const shm::RegionRegistry* shm, RestInferRequest& out) {
  auto in_shm = shmReferenceFromJson(parameters, name);
  if (!in_shm.isOk()) return in_shm.status();
  if (!in_shm->has_value()) {
    if (!out.output_slots.empty()) out.output_slots.emplace_back();
    return Status::ok();
  }
  if (binary.value_or(false)) {
    return Status(StatusCode::kShmInvalidTensor,
                  "Output can't set both 'shared_memory_region' and 'binary_data'; output name: " +
                      std::string(name));
  }
  auto slot = shmOutputSlot(shm, **in_shm, name);
  if (!slot.isOk()) return slot.status();
  out.output_slots.resize(out.request.requested_outputs.size() - 1);  // earlier ones: none
  out.output_slots.emplace_back(std::move(*slot));
  return Status::ok();
}

Status decodeOutputs(const Value* outputs, const shm::RegionRegistry* shm, RestInferRequest& out) {
  if (outputs == nullptr) return Status::ok();
  if (!outputs->IsArray()) {
    return Status(StatusCode::kRestCouldNotParseOutput, "outputs must be an array");
  }
  std::unordered_set<std::string_view> names;
  for (const Value& output : outputs->GetArray()) {
    const Value* name = output.IsObject() ? member(output, "name") : nullptr;
    if (name == nullptr || !name->IsString()) {
      return Status(StatusCode::kRestCouldNotParseOutput, "every output needs a string name");
    }
    const std::string_view text(name->GetString(), name->GetStringLength());
    if (!names.insert(text).second) {
      return Status(StatusCode::kInvalidArgument,
                    "Duplicate requested output name: " + std::string(text));
    }
    std::optional<bool> binary;
    if (const Value* parameters = member(output, "parameters")) {
      const Value* flag = parameters->IsObject() ? member(*parameters, "binary_data") : nullptr;
      if (!parameters->IsObject() || (flag != nullptr && !flag->IsBool())) {
        return Status(
            StatusCode::kRestCouldNotParseOutput,
            "parameters.binary_data must be a boolean; output name: " + std::string(text));
      }
      if (flag != nullptr) binary = flag->GetBool();
    }
    out.request.requested_outputs.emplace_back(text);
    out.output_binary.push_back(binary);
    MSERVE_RETURN_IF_ERROR(decodeOutputSlot(member(output, "parameters"), binary, text, shm, out));
  }
  return Status::ok();
}

Status decodeRequestParameters(const Value& root, RestInferRequest& out) {
  if (const Value* id = member(root, "id")) {
    if (!id->IsString()) return Status(StatusCode::kRestCouldNotParseInput, "id must be a string");
    out.request.id.assign(id->GetString(), id->GetStringLength());
  }
  const Value* parameters = member(root, "parameters");
  if (parameters == nullptr) return Status::ok();
  const Value* flag = parameters->IsObject() ? member(*parameters, "binary_data_output") : nullptr;
  if (!parameters->IsObject() || (flag != nullptr && !flag->IsBool())) {
    return Status(StatusCode::kRestCouldNotParseParameters,
                  "parameters must be an object and binary_data_output a boolean");
  }
  out.binary_data_output = flag != nullptr && flag->GetBool();
  if (const Value* timeout = member(*parameters, "timeout")) {
    if (!timeout->IsUint64()) {
      return Status(StatusCode::kRestCouldNotParseParameters,
                    "timeout must be a non-negative integer (microseconds)");
    }
    out.request.queue_timeout_us = timeout->GetUint64();
  }
  return Status::ok();
}

}  // namespace

util::Status decodeRestInferRequest(std::optional<std::string_view> header_length,
                                    size_t max_json_depth, RestInferRequest& out,
                                    const shm::RegionRegistry* shm) {
  const std::string_view body(out.body);
  auto json_size = jsonLength(header_length, body.size());
  if (!json_size.isOk()) return json_size.status();
  MSERVE_RETURN_IF_ERROR(out.memory.charge(body.size(), "the body"));
  MSERVE_RETURN_IF_ERROR(
      parseJson(body.substr(0, *json_size), max_json_depth, out.memory, out.json));
  if (!out.json.IsObject()) return Status(StatusCode::kRestBodyIsNotAnObject);
  MSERVE_RETURN_IF_ERROR(decodeRequestParameters(out.json, out));
  BinaryData binary{body.substr(*json_size), header_length.has_value()};
  MSERVE_RETURN_IF_ERROR(decodeInputs(member(out.json, "inputs"), binary, shm, out.memory, out.request));
  return decodeOutputs(member(out.json, "outputs"), shm, out);
}

}  // namespace mserve::api::kfs

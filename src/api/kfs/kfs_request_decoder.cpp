#include "api/kfs/kfs_request_decoder.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "api/kfs/kfs_shared_memory.hpp"
#include "api/proto_values.hpp"
#include "tensor/input_errors.hpp"
#include "tensor/shape.hpp"

namespace mserve::api::kfs {
namespace {

using tensor::inputSuffix;
using tensor::valueCountError;
using util::Status;
using util::StatusCode;
using InputProto = inference::ModelInferRequest::InferInputTensor;

Status decodeShape(const InputProto& proto, tensor::Shape& shape) {
  shape.assign(proto.shape().begin(), proto.shape().end());
  for (int64_t dim : shape) {
    if (dim < 0) {
      return Status(
          StatusCode::kInvalidShape,
          "Negative dimension in shape " + tensor::toString(shape) + inputSuffix(proto.name()));
    }
  }
  return Status::ok();
}

}  // namespace

// Fixed-size raw data: exactly shape × itemsize bytes, viewed in place.
Status decodeRawFixed(std::string_view raw, tensor::InputTensor& tensor) {
  const auto expected = tensor::byteSize(tensor.shape, tensor.datatype);
  if (!expected) {
    return Status(StatusCode::kInvalidContentSize,
                  "Shape dimensions overflow" + inputSuffix(tensor.name));
  }
  if (static_cast<uint64_t>(*expected) != raw.size()) {
    return tensor::contentSizeError(*expected, raw.size(), tensor.name);
  }
  tensor.data = std::as_bytes(std::span(raw.data(), raw.size()));
  return Status::ok();
}

// BYTES raw data: repeated [uint32 little-endian length][bytes]; elements are viewed in place.
Status decodeRawBytes(std::string_view raw, int64_t count, tensor::InputTensor& tensor) {
  // Every element takes at least its 4-byte prefix, so this bounds the reservation by the
  // message size whatever the (untrusted) shape claims.
  tensor.strings.reserve(std::min<uint64_t>(static_cast<uint64_t>(count), raw.size() / 4));
  size_t offset = 0;
  int64_t parsed = 0;
  while (offset < raw.size()) {
    if (raw.size() - offset < sizeof(uint32_t)) {
      return Status(StatusCode::kInvalidContentSize,
                    "Processed bytes: " + std::to_string(offset) +
                        " do not equal to buffer size: " + std::to_string(raw.size()) +
                        inputSuffix(tensor.name));
    }
    uint32_t length = 0;
    std::memcpy(&length, raw.data() + offset, sizeof(length));  // wire order = x86 order
    offset += sizeof(length);
    if (length > raw.size() - offset) {
      return Status(
          StatusCode::kInvalidContentSize,
          "Batch length metadata exceeded buffer size, buffer size: " + std::to_string(raw.size()) +
              ", batch length: " + std::to_string(length) + inputSuffix(tensor.name));
    }
    if (parsed < count) tensor.strings.emplace_back(raw.data() + offset, length);
    offset += length;
    ++parsed;
  }
  if (parsed != count) return valueCountError(count, parsed, tensor.name);
  return Status::ok();
}

namespace {

// Typed contents whose wire layout equals the tensor's: a view into the repeated field.
template <typename T>
Status viewTyped(const google::protobuf::RepeatedField<T>& field, int64_t count,
                 tensor::InputTensor& tensor) {
  if (field.size() != count) return valueCountError(count, field.size(), tensor.name);
  api::viewRepeated(field, tensor);
  return Status::ok();
}

// Typed contents carried in a wider field (INT8/16 in int_contents, UINT8/16 in
// uint_contents): range-checked and narrowed into a buffer the request owns.
template <typename Target, typename Source>
Status narrowTyped(const google::protobuf::RepeatedField<Source>& field, int64_t count,
                   tensor::InputTensor& tensor, tensor::InferenceRequest& out) {
  if (field.size() != count) return valueCountError(count, field.size(), tensor.name);
  return api::narrowRepeated<Target>(field, tensor, out);
}

Status viewBytesContents(const InputProto& proto, int64_t count, tensor::InputTensor& tensor) {
  const auto& field = proto.contents().bytes_contents();
  if (field.size() != count) return valueCountError(count, field.size(), tensor.name);
  tensor.strings.reserve(field.size());
  for (const std::string& element : field) tensor.strings.emplace_back(element);
  return Status::ok();
}

// Picks the InferTensorContents field that carries `tensor.datatype` (KServe's table).
Status decodeTyped(const InputProto& proto, int64_t count, tensor::InputTensor& tensor,
                   tensor::InferenceRequest& out) {
  using tensor::DataType;
  const inference::InferTensorContents& contents = proto.contents();
  switch (tensor.datatype) {
    case DataType::kBool:
      static_assert(sizeof(bool) == 1, "bool_contents is viewed as one byte per element");
      return viewTyped(contents.bool_contents(), count, tensor);
    case DataType::kInt8:
      return narrowTyped<int8_t>(contents.int_contents(), count, tensor, out);
    case DataType::kInt16:
      return narrowTyped<int16_t>(contents.int_contents(), count, tensor, out);
    case DataType::kInt32:
      return viewTyped(contents.int_contents(), count, tensor);
    case DataType::kInt64:
      return viewTyped(contents.int64_contents(), count, tensor);
    case DataType::kUint8:
      return narrowTyped<uint8_t>(contents.uint_contents(), count, tensor, out);
    case DataType::kUint16:
      return narrowTyped<uint16_t>(contents.uint_contents(), count, tensor, out);
    case DataType::kUint32:
      return viewTyped(contents.uint_contents(), count, tensor);
    case DataType::kUint64:
      return viewTyped(contents.uint64_contents(), count, tensor);
    case DataType::kFp32:
      return viewTyped(contents.fp32_contents(), count, tensor);
    case DataType::kFp64:
      return viewTyped(contents.fp64_contents(), count, tensor);
    case DataType::kBytes:
      return viewBytesContents(proto, count, tensor);
    case DataType::kFp16:
    case DataType::kBf16:
      break;
  }
  // FP16 and BF16 have no typed field: an empty tensor is fine, anything else must be raw.
  if (count == 0) return Status::ok();
  return Status(StatusCode::kInvalidValueCount,
                std::string(tensor::kserveName(tensor.datatype)) +
                    " has no typed contents field and must be sent in raw_input_contents" +
                    inputSuffix(tensor.name));
}

// Name, datatype and shape of an input (the data comes next).
Status decodeHeader(const InputProto& proto, tensor::InputTensor& tensor) {
  tensor.name = proto.name();
  const auto datatype = tensor::fromKserveName(proto.datatype());
  if (!datatype) {
    return Status(StatusCode::kInvalidPrecision,
                  "Unsupported datatype: " + proto.datatype() + inputSuffix(tensor.name));
  }
  tensor.datatype = *datatype;
  return decodeShape(proto, tensor.shape);
}

Status decodeShmInput(const InputProto& proto, const ShmReference& reference,
                      const shm::RegionRegistry* shm, tensor::InferenceRequest& out) {
  tensor::InputTensor& tensor = out.inputs.emplace_back();
  MSERVE_RETURN_IF_ERROR(decodeHeader(proto, tensor));
  if (proto.has_contents()) {
    return Status(StatusCode::kInvalidMessageStructure,
                  "Input in shared memory also has contents: " + proto.name());
  }
  return bindShmInput(shm, reference, tensor, out);
}

// `raw` is the input's raw_input_contents entry, or null when the request uses typed contents.
Status decodeInput(const InputProto& proto, const std::string* raw, tensor::InferenceRequest& out) {
  tensor::InputTensor& tensor = out.inputs.emplace_back();
  MSERVE_RETURN_IF_ERROR(decodeHeader(proto, tensor));
  const auto count = tensor::elementCount(tensor.shape);
  if (!count) {
    return Status(StatusCode::kInvalidContentSize,
                  "Shape dimensions overflow" + inputSuffix(tensor.name));
  }
  if (raw == nullptr) return decodeTyped(proto, *count, tensor, out);
  if (tensor.datatype == tensor::DataType::kBytes) return decodeRawBytes(*raw, *count, tensor);
  return decodeRawFixed(*raw, tensor);
}

// Decodes the inputs; `in_shm[i]` is input i's shared memory reference, if any.
Status decodeInputs(const inference::ModelInferRequest& request,
                    const std::vector<std::optional<ShmReference>>& in_shm,
                    const shm::RegionRegistry* shm, tensor::InferenceRequest& out) {
  const bool use_raw = !request.raw_input_contents().empty();
  const auto shm_inputs = std::count_if(
      in_shm.begin(), in_shm.end(), [](const auto& reference) { return reference.has_value(); });
  // Mixing is reported before a count mismatch (OVMS's order): it is the likelier mistake.
  for (const InputProto& proto : request.inputs()) {
    if (use_raw && proto.has_contents()) {
      return Status(StatusCode::kInvalidMessageStructure,
                    "Detected buffer in InferInputTensor contents for input: " + proto.name());
    }
  }
  if (use_raw && request.raw_input_contents_size() != request.inputs_size() - shm_inputs) {
    return Status(
        StatusCode::kInvalidNoOfInputs,
        "Size of raw_input_contents: " + std::to_string(request.raw_input_contents_size()) +
            " is different than number of inputs: " +
            std::to_string(request.inputs_size() - shm_inputs));
  }
  out.inputs.reserve(request.inputs_size());
  std::unordered_set<std::string_view> names;
  names.reserve(request.inputs_size());
  int raw_index = 0;
  for (int i = 0; i < request.inputs_size(); ++i) {
    const InputProto& proto = request.inputs(i);
    if (!names.insert(proto.name()).second) {
      return Status(StatusCode::kInvalidDuplicateInput, "input name: " + proto.name());
    }
    if (in_shm[i]) {
      MSERVE_RETURN_IF_ERROR(decodeShmInput(proto, *in_shm[i], shm, out));
      continue;
    }
    const std::string* raw = use_raw ? &request.raw_input_contents(raw_index++) : nullptr;
    MSERVE_RETURN_IF_ERROR(decodeInput(proto, raw, out));
  }
  return Status::ok();
}

Status decodeRequestedOutputs(const inference::ModelInferRequest& request,
                              const shm::RegionRegistry* shm, tensor::InferenceRequest& out,
                              ShmOutputSlots* slots) {
  out.requested_outputs.reserve(request.outputs_size());
  std::unordered_set<std::string_view> names;
  names.reserve(request.outputs_size());
  for (const auto& output : request.outputs()) {
    if (!names.insert(output.name()).second) {
      return Status(StatusCode::kInvalidArgument,
                    "Duplicate requested output name: " + output.name());
    }
    out.requested_outputs.push_back(output.name());
    auto in_shm = shmReferenceFromProto(output.parameters(), output.name());
    if (!in_shm.isOk()) return in_shm.status();
    if (!in_shm->has_value()) continue;
    auto slot = shmOutputSlot(shm, **in_shm, output.name());
    if (!slot.isOk()) return slot.status();
    if (slots == nullptr) return Status(StatusCode::kShmDisabled);
    slots->resize(out.requested_outputs.size());
    slots->back() = std::move(*slot);
  }
  if (slots != nullptr && !slots->empty()) slots->resize(out.requested_outputs.size());
  return Status::ok();
}

// Every input's shared memory reference (nullopt: its data is in the message).
util::StatusOr<std::vector<std::optional<ShmReference>>> inputReferences(
    const inference::ModelInferRequest& request) {
  std::vector<std::optional<ShmReference>> references;
  references.reserve(request.inputs_size());
  for (const InputProto& proto : request.inputs()) {
    auto reference = shmReferenceFromProto(proto.parameters(), proto.name());
    if (!reference.isOk()) return reference.status();
    references.push_back(std::move(*reference));
  }
  return references;
}

}  // namespace

util::StatusOr<int64_t> parseModelVersion(std::string_view version) {
  if (version.empty()) return int64_t{0};
  // Digits only: from_chars alone would accept a leading '-'.
  for (char c : version) {
    if (c < '0' || c > '9') return Status(StatusCode::kModelVersionInvalidFormat);
  }
  int64_t value = 0;
  const auto result = std::from_chars(version.data(), version.data() + version.size(), value);
  if (result.ec != std::errc()) return Status(StatusCode::kModelVersionInvalidFormat);
  return value;
}

util::Status decodeInferRequest(const inference::ModelInferRequest& request,
                                tensor::InferenceRequest& out, const shm::RegionRegistry* shm,
                                ShmOutputSlots* output_slots) {
  out.model_name = request.model_name();
  auto version = parseModelVersion(request.model_version());
  if (!version.isOk()) return version.status();
  out.model_version = *version;
  out.id = request.id();
  const auto timeout = request.parameters().find("timeout");
  if (timeout != request.parameters().end()) {
    const inference::InferParameter& value = timeout->second;
    if (value.has_uint64_param()) {
      out.queue_timeout_us = value.uint64_param();
    } else if (value.has_int64_param() && value.int64_param() >= 0) {
      out.queue_timeout_us = static_cast<uint64_t>(value.int64_param());
    } else {
      return Status(StatusCode::kInvalidArgument,
                    "request parameter 'timeout' must be a non-negative integer (microseconds)");
    }
  }
  auto in_shm = inputReferences(request);
  if (!in_shm.isOk()) return in_shm.status();
  MSERVE_RETURN_IF_ERROR(decodeInputs(request, *in_shm, shm, out));
  return decodeRequestedOutputs(request, shm, out, output_slots);
}

}  // namespace mserve::api::kfs

#include "api/kfs/kfs_shared_memory.hpp"

#include <cstring>

#include "api/kfs/kfs_request_decoder.hpp"
#include "api/kfs/kfs_response_encoder.hpp"
#include "tensor/shape.hpp"

namespace mserve::api::kfs {
namespace {

using util::Status;
using util::StatusCode;

constexpr const char* kRegion = "shared_memory_region";
constexpr const char* kOffset = "shared_memory_offset";
constexpr const char* kByteSize = "shared_memory_byte_size";

Status parameterError(std::string text) {
  return Status(StatusCode::kShmInvalidTensor, std::move(text));
}

// The rules both encodings share once the three values are read.
util::StatusOr<std::optional<ShmReference>> complete(std::optional<std::string> region,
                                                     std::optional<uint64_t> offset,
                                                     std::optional<uint64_t> byte_size,
                                                     std::string_view tensor) {
  const std::string suffix = " parameter for tensor '" + std::string(tensor) + "'";
  if (!region) {
    if (offset || byte_size) {
      return parameterError(std::string("'") + (offset ? kOffset : kByteSize) +
                            "' can not be specified without '" + kRegion + "'" + suffix);
    }
    return std::optional<ShmReference>();
  }
  if (!byte_size) {
    return parameterError(std::string("'") + kByteSize + "' must be specified along with '" +
                          kRegion + "'" + suffix);
  }
  return std::optional<ShmReference>(
      ShmReference{std::move(*region), offset.value_or(0), *byte_size});
}

Status typeError(const char* parameter, std::string_view tensor, const char* expected) {
  return parameterError(std::string("invalid value type for '") + parameter +
                        "' parameter for tensor '" + std::string(tensor) + "', expected " +
                        expected + ".");
}

// An unsigned size from gRPC: int64_param (tritonclient, perf_analyzer) or uint64_param.
util::StatusOr<std::optional<uint64_t>> protoSize(const ProtoParameters& parameters,
                                                  const char* name, std::string_view tensor) {
  const auto found = parameters.find(name);
  if (found == parameters.end()) return std::optional<uint64_t>();
  const inference::InferParameter& value = found->second;
  if (value.has_uint64_param()) return std::optional<uint64_t>(value.uint64_param());
  if (!value.has_int64_param() || value.int64_param() < 0) {
    return typeError(name, tensor, "non-negative int64_param");
  }
  return std::optional<uint64_t>(static_cast<uint64_t>(value.int64_param()));
}

util::StatusOr<std::optional<uint64_t>> jsonSize(const rapidjson::Value& parameters,
                                                 const char* name, std::string_view tensor) {
  const auto found = parameters.FindMember(name);
  if (found == parameters.MemberEnd()) return std::optional<uint64_t>();
  if (!found->value.IsUint64()) {
    return parameterError(std::string("Unable to parse '") + name + "' for tensor '" +
                          std::string(tensor) + "': expected a non-negative integer");
  }
  return std::optional<uint64_t>(found->value.GetUint64());
}

}  // namespace

util::StatusOr<std::optional<ShmReference>> shmReferenceFromJson(const rapidjson::Value* parameters,
                                                                 std::string_view tensor) {
  if (parameters == nullptr || !parameters->IsObject()) return std::optional<ShmReference>();
  std::optional<std::string> region;
  if (const auto found = parameters->FindMember(kRegion); found != parameters->MemberEnd()) {
    if (!found->value.IsString()) return typeError(kRegion, tensor, "a string");
    region.emplace(found->value.GetString(), found->value.GetStringLength());
  }
  auto offset = jsonSize(*parameters, kOffset, tensor);
  if (!offset.isOk()) return offset.status();
  auto byte_size = jsonSize(*parameters, kByteSize, tensor);
  if (!byte_size.isOk()) return byte_size.status();
  return complete(std::move(region), *offset, *byte_size, tensor);
}

util::StatusOr<std::optional<ShmReference>> shmReferenceFromProto(const ProtoParameters& parameters,
                                                                  std::string_view tensor) {
  if (parameters.empty()) return std::optional<ShmReference>();
  std::optional<std::string> region;
  if (const auto found = parameters.find(kRegion); found != parameters.end()) {
    if (!found->second.has_string_param()) return typeError(kRegion, tensor, "string_param");
    region = found->second.string_param();
  }
  auto offset = protoSize(parameters, kOffset, tensor);
  if (!offset.isOk()) return offset.status();
  auto byte_size = protoSize(parameters, kByteSize, tensor);
  if (!byte_size.isOk()) return byte_size.status();
  return complete(std::move(region), *offset, *byte_size, tensor);
}

Status bindShmInput(const shm::RegionRegistry* registry, const ShmReference& reference,
                    tensor::InputTensor& tensor, tensor::InferenceRequest& request) {
  if (registry == nullptr) return Status(StatusCode::kShmDisabled);
  auto slice =
      registry->slice(reference.region, reference.offset, reference.byte_size, tensor.name);
  if (!slice.isOk()) return slice.status();
  request.keep_alive.push_back(slice->owner);
  // Its client may shrink the object while the inference reads it (the reads then see zeros).
  request.input_checks.push_back([slice = *slice] { return shm::sliceIntact(slice); });
  const std::string_view raw(reinterpret_cast<const char*>(slice->bytes.data()),
                             slice->bytes.size());
  if (tensor.datatype != tensor::DataType::kBytes) return decodeRawFixed(raw, tensor);
  const auto count = tensor::elementCount(tensor.shape);
  if (!count) return Status(StatusCode::kInvalidContentSize, "Shape dimensions overflow");
  return decodeRawBytes(raw, *count, tensor);
}

util::StatusOr<shm::RegionSlice> shmOutputSlot(const shm::RegionRegistry* registry,
                                               const ShmReference& reference,
                                               std::string_view output) {
  if (registry == nullptr) return Status(StatusCode::kShmDisabled);
  return registry->slice(reference.region, reference.offset, reference.byte_size, output);
}

const shm::RegionSlice* findShmSlot(const ShmOutputSlots& slots,
                                    const std::vector<std::string>& requested_outputs,
                                    std::string_view name) {
  for (size_t i = 0; i < slots.size() && i < requested_outputs.size(); ++i) {
    if (slots[i] && requested_outputs[i] == name) return &*slots[i];
  }
  return nullptr;
}

Status writeShmOutput(const tensor::OutputTensor& output, const shm::RegionSlice& slot) {
  std::span<const std::byte> bytes = output.data;
  std::string encoded;  // BYTES only: their length-prefixed layout
  if (output.datatype == tensor::DataType::kBytes) {
    MSERVE_RETURN_IF_ERROR(appendRawOutput(output, encoded));
    bytes = std::as_bytes(std::span<const char>(encoded));
  }
  if (bytes.size() > slot.bytes.size()) {
    return Status(StatusCode::kShmInvalidTensor,
                  "shared memory size specified with the request for output '" +
                      std::string(output.name) + "' (" + std::to_string(slot.bytes.size()) +
                      " bytes) should be at least " + std::to_string(bytes.size()) +
                      " bytes to hold the results");
  }
  std::memcpy(slot.bytes.data(), bytes.data(), bytes.size());
  return shm::sliceIntact(slot);  // shrunk meanwhile: the bytes went nowhere
}

}  // namespace mserve::api::kfs

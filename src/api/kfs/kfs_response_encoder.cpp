#include "api/kfs/kfs_response_encoder.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "api/kfs/kfs_shared_memory.hpp"
#include "tensor/shape.hpp"

namespace mserve::api::kfs {
namespace {

using util::Status;
using util::StatusCode;

Status serializationError(std::string details) {
  return Status(StatusCode::kOvInternalSerializationError, std::move(details));
}

Status encodeFixed(const tensor::OutputTensor& output, std::string& raw) {
  const auto expected = tensor::byteSize(output.shape, output.datatype);
  if (!expected || static_cast<uint64_t>(*expected) != output.data.size()) {
    return serializationError("Output " + std::string(output.name) + " holds " +
                              std::to_string(output.data.size()) + " bytes for shape " +
                              tensor::toString(output.shape));
  }
  // append() copies once; resize()-then-memcpy would also zero-fill first.
  raw.append(reinterpret_cast<const char*>(output.data.data()), output.data.size());
  return Status::ok();
}

Status encodeBytes(const tensor::OutputTensor& output, std::string& raw) {
  const auto count = tensor::elementCount(output.shape);
  if (!count || static_cast<uint64_t>(*count) != output.strings.size()) {
    return serializationError("Output " + std::string(output.name) + " holds " +
                              std::to_string(output.strings.size()) + " strings for shape " +
                              tensor::toString(output.shape));
  }
  size_t total = 0;
  for (std::string_view element : output.strings) {
    if (element.size() > std::numeric_limits<uint32_t>::max()) {
      return serializationError("Output " + std::string(output.name) +
                                " has an element longer than 4 GiB");
    }
    total += sizeof(uint32_t) + element.size();
  }
  raw.reserve(raw.size() + total);  // one allocation, no zero fill
  for (std::string_view element : output.strings) {
    const auto length = static_cast<uint32_t>(element.size());
    char prefix[sizeof(length)];
    std::memcpy(prefix, &length, sizeof(length));  // little-endian on every supported host
    raw.append(prefix, sizeof(prefix));
    raw.append(element);
  }
  return Status::ok();
}

}  // namespace

util::Status appendRawOutput(const tensor::OutputTensor& output, std::string& raw) {
  return output.datatype == tensor::DataType::kBytes ? encodeBytes(output, raw)
                                                     : encodeFixed(output, raw);
}

util::Status encodeInferResponse(const tensor::InferenceResponse& response,
                                 inference::ModelInferResponse& out,
                                 const std::vector<std::optional<shm::RegionSlice>>& shm_slots,
                                 const std::vector<std::string>& requested_outputs) {
  out.set_model_name(std::string(response.model_name));
  out.set_model_version(std::to_string(response.model_version));
  out.set_id(std::string(response.id));
  out.mutable_outputs()->Reserve(static_cast<int>(response.outputs.size()));
  out.mutable_raw_output_contents()->Reserve(static_cast<int>(response.outputs.size()));
  for (const tensor::OutputTensor& output : response.outputs) {
    auto* proto = out.add_outputs();
    proto->set_name(std::string(output.name));
    proto->set_datatype(std::string(tensor::kserveName(output.datatype)));
    proto->mutable_shape()->Add(output.shape.begin(), output.shape.end());
    std::string& raw = *out.add_raw_output_contents();
    if (const auto* slot = findShmSlot(shm_slots, requested_outputs, output.name)) {
      MSERVE_RETURN_IF_ERROR(writeShmOutput(output, *slot));
      continue;
    }
    MSERVE_RETURN_IF_ERROR(appendRawOutput(output, raw));
  }
  return Status::ok();
}

}  // namespace mserve::api::kfs

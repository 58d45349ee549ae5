#include "api/kfs/kfs_json_response.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <span>
#include <type_traits>

#include "api/kfs/kfs_response_encoder.hpp"
#include "api/kfs/kfs_shared_memory.hpp"
#include "tensor/shape.hpp"

namespace mserve::api::kfs {
namespace {

using util::Status;
using util::StatusCode;
// NaN and infinities print as NaN/Infinity (as Python's json and tritonclient read them)
// instead of failing the whole response.
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                     rapidjson::CrtAllocator, rapidjson::kWriteNanAndInfFlag>;

struct Fp16 {
  uint16_t bits;
};
struct Bf16 {
  uint16_t bits;
};

double widen(Fp16 half) {
  const uint32_t sign = (half.bits & 0x8000u) << 16;
  const uint32_t exponent = (half.bits >> 10) & 0x1fu;
  const uint32_t mantissa = half.bits & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa × 2^-24
    const double magnitude = std::ldexp(static_cast<double>(mantissa), -24);
    return sign != 0 ? -magnitude : magnitude;
  }
  const uint32_t bits = exponent == 0x1fu ? sign | 0x7f800000u | (mantissa << 13)
                                          : sign | ((exponent + 112) << 23) | (mantissa << 13);
  return std::bit_cast<float>(bits);
}

double widen(Bf16 value) { return std::bit_cast<float>(static_cast<uint32_t>(value.bits) << 16); }

template <typename T>
void writeValue(JsonWriter& writer, T value) {
  if constexpr (std::is_same_v<T, Fp16> || std::is_same_v<T, Bf16>) {
    writer.Double(widen(value));
  } else if constexpr (std::is_same_v<T, bool>) {
    writer.Bool(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    writer.Double(static_cast<double>(value));
  } else if constexpr (std::is_signed_v<T>) {
    writer.Int64(value);
  } else {
    writer.Uint64(value);
  }
}

template <typename T>
void writeValues(JsonWriter& writer, std::span<const std::byte> data) {
  const size_t count = data.size() / sizeof(T);
  for (size_t i = 0; i < count; ++i) {
    T value;
    std::memcpy(&value, data.data() + i * sizeof(T), sizeof(T));  // engine memory may be unaligned
    writeValue(writer, value);
  }
}

void writeData(JsonWriter& writer, const tensor::OutputTensor& output) {
  using tensor::DataType;
  switch (output.datatype) {
    case DataType::kBool:
      return writeValues<bool>(writer, output.data);
    case DataType::kUint8:
      return writeValues<uint8_t>(writer, output.data);
    case DataType::kUint16:
      return writeValues<uint16_t>(writer, output.data);
    case DataType::kUint32:
      return writeValues<uint32_t>(writer, output.data);
    case DataType::kUint64:
      return writeValues<uint64_t>(writer, output.data);
    case DataType::kInt8:
      return writeValues<int8_t>(writer, output.data);
    case DataType::kInt16:
      return writeValues<int16_t>(writer, output.data);
    case DataType::kInt32:
      return writeValues<int32_t>(writer, output.data);
    case DataType::kInt64:
      return writeValues<int64_t>(writer, output.data);
    case DataType::kFp16:
      return writeValues<Fp16>(writer, output.data);
    case DataType::kFp32:
      return writeValues<float>(writer, output.data);
    case DataType::kFp64:
      return writeValues<double>(writer, output.data);
    case DataType::kBf16:
      return writeValues<Bf16>(writer, output.data);
    case DataType::kBytes:
      for (std::string_view element : output.strings) {
        writer.String(element.data(), static_cast<rapidjson::SizeType>(element.size()));
      }
      return;
  }
}

// Bytes of the output in raw layout, after checking them against the shape.
util::StatusOr<size_t> rawSize(const tensor::OutputTensor& output) {
  const std::string name(output.name);
  if (output.datatype == tensor::DataType::kBytes) {
    const auto count = tensor::elementCount(output.shape);
    if (!count || static_cast<uint64_t>(*count) != output.strings.size()) {
      return Status(StatusCode::kOvInternalSerializationError,
                    "Output " + name + " holds " + std::to_string(output.strings.size()) +
                        " strings for shape " + tensor::toString(output.shape));
    }
    size_t total = 0;
    for (std::string_view element : output.strings) total += sizeof(uint32_t) + element.size();
    return total;
  }
  const auto expected = tensor::byteSize(output.shape, output.datatype);
  if (!expected || static_cast<uint64_t>(*expected) != output.data.size()) {
    return Status(StatusCode::kOvInternalSerializationError,
                  "Output " + name + " holds " + std::to_string(output.data.size()) +
                      " bytes for shape " + tensor::toString(output.shape));
  }
  return output.data.size();
}

bool wantsBinary(const tensor::OutputTensor& output, const RestInferRequest& request) {
  const auto& names = request.request.requested_outputs;
  for (size_t i = 0; i < names.size() && i < request.output_binary.size(); ++i) {
    if (names[i] == output.name && request.output_binary[i].has_value()) {
      return *request.output_binary[i];
    }
  }
  return request.binary_data_output;
}

void writeString(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// How one output travels: JSON data, binary data after the JSON, or written to shared memory.
enum class OutputForm { kJson, kBinary, kSharedMemory };

void writeOutput(JsonWriter& writer, const tensor::OutputTensor& output, OutputForm form,
                 size_t binary_size) {
  writer.StartObject();
  writer.Key("name");
  writeString(writer, output.name);
  writer.Key("datatype");
  writeString(writer, tensor::kserveName(output.datatype));
  writer.Key("shape");
  writer.StartArray();
  for (int64_t dim : output.shape) writer.Int64(dim);
  writer.EndArray();
  if (form == OutputForm::kBinary) {
    writer.Key("parameters");
    writer.StartObject();
    writer.Key("binary_data_size");
    writer.Uint64(binary_size);
    writer.EndObject();
  } else if (form == OutputForm::kJson) {
    writer.Key("data");
    writer.StartArray();
    writeData(writer, output);
    writer.EndArray();
  }
  writer.EndObject();
}

}  // namespace

util::StatusOr<RestInferBody> encodeRestInferResponse(const tensor::InferenceResponse& response,
                                                      const RestInferRequest& request) {
  std::vector<OutputForm> forms;
  std::vector<size_t> binary_sizes;
  forms.reserve(response.outputs.size());
  binary_sizes.reserve(response.outputs.size());
  size_t binary_total = 0;
  for (const tensor::OutputTensor& output : response.outputs) {
    auto size = rawSize(output);
    if (!size.isOk()) return size.status();
    binary_sizes.push_back(*size);
    const auto* slot =
        findShmSlot(request.output_slots, request.request.requested_outputs, output.name);
    if (slot != nullptr) {
      MSERVE_RETURN_IF_ERROR(writeShmOutput(output, *slot));
      forms.push_back(OutputForm::kSharedMemory);
    } else if (wantsBinary(output, request)) {
      forms.push_back(OutputForm::kBinary);
      binary_total += *size;
    } else {
      forms.push_back(OutputForm::kJson);
    }
  }
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("model_name");
  writeString(writer, response.model_name);
  if (!response.id.empty()) {
    writer.Key("id");
    writeString(writer, response.id);
  }
  writer.Key("model_version");
  writeString(writer, std::to_string(response.model_version));
  writer.Key("outputs");
  writer.StartArray();
  for (size_t i = 0; i < response.outputs.size(); ++i) {
    writeOutput(writer, response.outputs[i], forms[i], binary_sizes[i]);
  }
  writer.EndArray();
  writer.EndObject();

  RestInferBody result;
  result.body.reserve(buffer.GetSize() + binary_total);
  result.body.append(buffer.GetString(), buffer.GetSize());
  for (size_t i = 0; i < response.outputs.size(); ++i) {
    if (forms[i] == OutputForm::kBinary) {
      MSERVE_RETURN_IF_ERROR(appendRawOutput(response.outputs[i], result.body));
    }
  }
  if (std::find(forms.begin(), forms.end(), OutputForm::kBinary) != forms.end()) {
    result.json_length = buffer.GetSize();
  }
  return result;
}

}  // namespace mserve::api::kfs

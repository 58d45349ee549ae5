#include "api/kfs/kfs_json_response.hpp"

#include <rapidjson/writer.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <span>
#include <type_traits>

#include "api/json_output.hpp"
#include "api/kfs/kfs_response_encoder.hpp"
#include "api/kfs/kfs_shared_memory.hpp"
#include "tensor/shape.hpp"

namespace mserve::api::kfs {
namespace {

using util::Status;
using util::StatusCode;
// NaN and infinities print as NaN/Infinity (as Python's json and tritonclient read them)
// instead of failing the whole response.
// Written straight into the response body, bounded by the request's memory limit.
using JsonWriter = rapidjson::Writer<BoundedJsonOutput, rapidjson::UTF8<>, rapidjson::UTF8<>,
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

// Stops early once the output overflowed: the response is an error then.
template <typename T>
void writeValues(JsonWriter& writer, std::span<const std::byte> data,
                 const BoundedJsonOutput& out) {
  const size_t count = data.size() / sizeof(T);
  for (size_t i = 0; i < count; ++i) {
    if (i % 4096 == 0 && out.overflowed()) return;
    if constexpr (std::is_same_v<T, bool>) {
      // A BOOL byte other than 0 or 1 (a model may pass a client's bytes through) is true; read
      // as a bool it would be undefined.
      writeValue(writer, std::to_integer<uint8_t>(data[i]) != 0);
    } else {
      T value;  // copied: engine memory may be unaligned
      std::memcpy(&value, data.data() + i * sizeof(T), sizeof(T));
      writeValue(writer, value);
    }
  }
}

void writeData(JsonWriter& writer, const tensor::OutputTensor& output,
               const BoundedJsonOutput& out) {
  using tensor::DataType;
  switch (output.datatype) {
    case DataType::kBool:
      return writeValues<bool>(writer, output.data, out);
    case DataType::kUint8:
      return writeValues<uint8_t>(writer, output.data, out);
    case DataType::kUint16:
      return writeValues<uint16_t>(writer, output.data, out);
    case DataType::kUint32:
      return writeValues<uint32_t>(writer, output.data, out);
    case DataType::kUint64:
      return writeValues<uint64_t>(writer, output.data, out);
    case DataType::kInt8:
      return writeValues<int8_t>(writer, output.data, out);
    case DataType::kInt16:
      return writeValues<int16_t>(writer, output.data, out);
    case DataType::kInt32:
      return writeValues<int32_t>(writer, output.data, out);
    case DataType::kInt64:
      return writeValues<int64_t>(writer, output.data, out);
    case DataType::kFp16:
      return writeValues<Fp16>(writer, output.data, out);
    case DataType::kFp32:
      return writeValues<float>(writer, output.data, out);
    case DataType::kFp64:
      return writeValues<double>(writer, output.data, out);
    case DataType::kBf16:
      return writeValues<Bf16>(writer, output.data, out);
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
                 size_t binary_size, const BoundedJsonOutput& out) {
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
    writeData(writer, output, out);
    writer.EndArray();
  }
  writer.EndObject();
}

// Most characters an element takes in JSON, its separating comma included: "-128," for INT8,
// RapidJSON's longest double ("-2.2250738585072014e-308,") for the floating types.
size_t maxElementChars(tensor::DataType datatype) {
  using tensor::DataType;
  switch (datatype) {
    case DataType::kBool:
      return 6;
    case DataType::kUint8:
      return 4;
    case DataType::kInt8:
      return 5;
    case DataType::kUint16:
      return 6;
    case DataType::kInt16:
      return 7;
    case DataType::kUint32:
      return 11;
    case DataType::kInt32:
      return 12;
    case DataType::kUint64:
    case DataType::kInt64:
      return 21;
    case DataType::kFp16:
    case DataType::kFp32:
    case DataType::kFp64:
    case DataType::kBf16:
    case DataType::kBytes:
      break;
  }
  return 26;
}

// A string's byte may print as \u00XX; keys, quotes and brackets of one response or output.
constexpr size_t kMaxEscapedChars = 6;
constexpr size_t kResponseOverheadChars = 96;
constexpr size_t kMaxDimChars = 21;

// An upper bound on the characters `output` takes in the JSON part of the response.
size_t jsonBound(const tensor::OutputTensor& output, OutputForm form) {
  size_t bound = kResponseOverheadChars + kMaxEscapedChars * output.name.size() +
                 kMaxDimChars * output.shape.size();
  if (form != OutputForm::kJson) return bound;
  if (output.datatype != tensor::DataType::kBytes) {
    return bound + maxElementChars(output.datatype) *
                       (output.data.size() / tensor::elementSize(output.datatype));
  }
  for (std::string_view element : output.strings) bound += 3 + kMaxEscapedChars * element.size();
  return bound;
}

void writeResponseJson(const tensor::InferenceResponse& response,
                       const std::vector<OutputForm>& forms,
                       const std::vector<size_t>& binary_sizes, BoundedJsonOutput& out) {
  JsonWriter writer(out);
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
  for (size_t i = 0; i < response.outputs.size() && !out.overflowed(); ++i) {
    writeOutput(writer, response.outputs[i], forms[i], binary_sizes[i], out);
  }
  writer.EndArray();
  writer.EndObject();
}

}  // namespace

util::StatusOr<RestInferBody> encodeRestInferResponse(const tensor::InferenceResponse& response,
                                                      RestInferRequest& request) {
  std::vector<OutputForm> forms;
  std::vector<size_t> binary_sizes;
  forms.reserve(response.outputs.size());
  binary_sizes.reserve(response.outputs.size());
  size_t binary_total = 0;
  size_t json_bound = kResponseOverheadChars + kMaxEscapedChars * response.model_name.size() +
                      kMaxEscapedChars * response.id.size();
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
    json_bound += jsonBound(output, forms.back());
  }
  MSERVE_RETURN_IF_ERROR(request.memory.charge(binary_total, "the binary outputs"));
  RestInferBody result;
  // Room for the text and the binary outputs at once: the body is never reallocated.
  const size_t json_room = std::min<uint64_t>(json_bound, request.memory.remaining());
  result.body.reserve(json_room + binary_total);
  BoundedJsonOutput output(result.body, json_room);
  writeResponseJson(response, forms, binary_sizes, output);
  if (output.overflowed()) return request.memory.exceeded("the JSON response");
  MSERVE_RETURN_IF_ERROR(request.memory.charge(output.size(), "the JSON response"));
  const size_t json_size = result.body.size();
  for (size_t i = 0; i < response.outputs.size(); ++i) {
    if (forms[i] == OutputForm::kBinary) {
      MSERVE_RETURN_IF_ERROR(appendRawOutput(response.outputs[i], result.body));
    }
  }
  if (std::find(forms.begin(), forms.end(), OutputForm::kBinary) != forms.end()) {
    result.json_length = json_size;
  }
  return result;
}

}  // namespace mserve::api::kfs

#include "api/tfs/tfs_rest_response.hpp"

#include <google/protobuf/util/json_util.h>
#include <rapidjson/prettywriter.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

#include "api/json_output.hpp"
#include "api/tfs/tfs_base64.hpp"
#include "tensor/shape.hpp"

namespace mserve::api::tfs {
namespace {

using tensor::DataType;
using util::Status;
using util::StatusCode;
// Written straight into the response body, bounded by the request's memory limit.
using Writer = rapidjson::PrettyWriter<BoundedJsonOutput>;

template <typename T>
T load(const tensor::OutputTensor& output, size_t index) {
  T value;
  std::memcpy(&value, output.data.data() + index * sizeof(T), sizeof(T));
  return value;
}

// Shortest text that reads back as the same value; NaN and infinities as TF Serving spells them.
template <typename T>
void writeFloat(Writer& writer, T value) {
  if (std::isnan(value)) {
    writer.RawValue("NaN", 3, rapidjson::kNumberType);
  } else if (std::isinf(value)) {
    value > 0 ? writer.RawValue("Infinity", 8, rapidjson::kNumberType)
              : writer.RawValue("-Infinity", 9, rapidjson::kNumberType);
  } else {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof(text), value).ptr;
    writer.RawValue(text, static_cast<size_t>(end - text), rapidjson::kNumberType);
  }
}

void writeElement(Writer& writer, const tensor::OutputTensor& output, size_t index, bool b64) {
  switch (output.datatype) {
    case DataType::kFp32:
      return writeFloat(writer, load<float>(output, index));
    case DataType::kFp64:
      return writeFloat(writer, load<double>(output, index));
    case DataType::kInt8:
      writer.Int(load<int8_t>(output, index));
      return;
    case DataType::kInt16:
      writer.Int(load<int16_t>(output, index));
      return;
    case DataType::kInt32:
      writer.Int(load<int32_t>(output, index));
      return;
    case DataType::kInt64:
      writer.Int64(load<int64_t>(output, index));
      return;
    case DataType::kUint8:
      writer.Uint(load<uint8_t>(output, index));
      return;
    case DataType::kUint16:
      writer.Uint(load<uint16_t>(output, index));
      return;
    case DataType::kUint32:
      writer.Uint(load<uint32_t>(output, index));
      return;
    case DataType::kUint64:
      writer.Uint64(load<uint64_t>(output, index));
      return;
    case DataType::kBool:
      writer.Bool(load<uint8_t>(output, index) != 0);
      return;
    case DataType::kBytes: {
      const std::string_view text = output.strings[index];
      if (!b64) {
        writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
        return;
      }
      writer.StartObject();
      writer.Key("b64");
      const std::string encoded = encodeBase64(text);
      writer.String(encoded.data(), static_cast<rapidjson::SizeType>(encoded.size()));
      writer.EndObject();
      return;
    }
    case DataType::kFp16:
    case DataType::kBf16:
      return;  // refused by checkOutput
  }
}

// Dims [first_dim, rank) of the elements from `offset` on, as nested arrays.
void writeArray(Writer& writer, const tensor::OutputTensor& output, size_t first_dim, size_t offset,
                bool b64) {
  if (first_dim == output.shape.size()) return writeElement(writer, output, offset, b64);
  size_t stride = 1;
  for (size_t d = first_dim + 1; d < output.shape.size(); ++d) stride *= output.shape[d];
  writer.StartArray();
  for (int64_t i = 0; i < output.shape[first_dim]; ++i) {
    writeArray(writer, output, first_dim + 1, offset + static_cast<size_t>(i) * stride, b64);
  }
  writer.EndArray();
}

bool wantsBase64(std::string_view name) {
  constexpr std::string_view kSuffix = "_bytes";
  return name.size() >= kSuffix.size() && name.substr(name.size() - kSuffix.size()) == kSuffix;
}

Status checkOutput(const tensor::OutputTensor& output) {
  const std::string name(output.name);
  if (output.datatype == DataType::kFp16 || output.datatype == DataType::kBf16) {
    return Status(
        StatusCode::kRestUnsupportedPrecision,
        std::string(tensor::kserveName(output.datatype)) + " output " + name + " has no JSON form");
  }
  const auto count = tensor::elementCount(output.shape);
  const bool strings = output.datatype == DataType::kBytes;
  const auto bytes = strings ? count : tensor::byteSize(output.shape, output.datatype);
  const size_t held = strings ? output.strings.size() : output.data.size();
  if (!count || !bytes || static_cast<uint64_t>(*bytes) != held) {
    return Status(StatusCode::kOvInternalSerializationError,
                  "output " + name + " does not match its shape " + tensor::toString(output.shape));
  }
  return Status::ok();
}

Status writeRows(Writer& writer, const tensor::InferenceResponse& response) {
  const auto& outputs = response.outputs;
  if (outputs.empty()) {
    writer.StartArray();
    writer.EndArray();
    return Status::ok();
  }
  if (outputs.size() == 1) {
    writeArray(writer, outputs[0], 0, 0, wantsBase64(outputs[0].name));
    return Status::ok();
  }
  for (const tensor::OutputTensor& output : outputs) {
    if (output.shape.empty() || output.shape[0] != outputs[0].shape[0]) {
      return Status(StatusCode::kRestCouldNotParseOutput,
                    "row format needs every output to share its first dimension; output " +
                        std::string(output.name) + " has shape " + tensor::toString(output.shape));
    }
  }
  writer.StartArray();
  for (int64_t row = 0; row < outputs[0].shape[0]; ++row) {
    writer.StartObject();
    for (const tensor::OutputTensor& output : outputs) {
      writer.Key(output.name.data(), static_cast<rapidjson::SizeType>(output.name.size()));
      // checkOutput proved the count; rows > 0 here, so shape[0] > 0.
      const int64_t per_row = *tensor::elementCount(output.shape) / output.shape[0];
      writeArray(writer, output, 1, static_cast<size_t>(row * per_row), wantsBase64(output.name));
    }
    writer.EndObject();
  }
  writer.EndArray();
  return Status::ok();
}

void writeColumns(Writer& writer, const tensor::InferenceResponse& response) {
  if (response.outputs.size() == 1) {
    const tensor::OutputTensor& output = response.outputs[0];
    return writeArray(writer, output, 0, 0, wantsBase64(output.name));
  }
  writer.StartObject();
  for (const tensor::OutputTensor& output : response.outputs) {
    writer.Key(output.name.data(), static_cast<rapidjson::SizeType>(output.name.size()));
    writeArray(writer, output, 0, 0, wantsBase64(output.name));
  }
  writer.EndObject();
}

std::string printJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string json;
  // Cannot fail for these messages: every Any they hold has a type in the generated pool.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

}  // namespace

util::StatusOr<std::string> encodeTfsRestPredict(const tensor::InferenceResponse& response,
                                                 RestFormat format, RequestMemory& memory) {
  for (const tensor::OutputTensor& output : response.outputs) {
    MSERVE_RETURN_IF_ERROR(checkOutput(output));
  }
  std::string body;
  BoundedJsonOutput out(body, memory.remaining());
  Writer writer(out);
  writer.SetIndent(' ', 4);
  writer.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  writer.StartObject();
  if (format == RestFormat::kRow) {
    writer.Key("predictions");
    MSERVE_RETURN_IF_ERROR(writeRows(writer, response));
  } else {
    writer.Key("outputs");
    writeColumns(writer, response);
  }
  writer.EndObject();
  if (out.overflowed()) return memory.exceeded("the JSON response");
  MSERVE_RETURN_IF_ERROR(memory.charge(body.size(), "the JSON response"));
  return body;
}

std::string modelStatusJson(const tensorflow::serving::GetModelStatusResponse& status) {
  return printJson(status);
}

std::string modelMetadataJson(const tensorflow::serving::GetModelMetadataResponse& metadata) {
  return printJson(metadata);
}

}  // namespace mserve::api::tfs

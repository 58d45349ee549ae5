// Builds REST request bodies with RapidJSON's Writer and reads metadata with its DOM.
#include "rest_bodies.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "api/tfs/tfs_base64.hpp"
#include "api/tfs/tfs_datatype.hpp"

namespace mserve::bench {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

template <typename T>
T load(const std::byte* at) {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return value;
}

float halfToFloat(uint16_t half) {
  const uint32_t sign = (half >> 15) & 1;
  const int exponent = (half >> 10) & 0x1f;
  const float mantissa = static_cast<float>(half & 0x3ff) / 1024.0f;
  float value =
      exponent == 0 ? std::ldexp(mantissa, -14) : std::ldexp(1.0f + mantissa, exponent - 15);
  return sign ? -value : value;
}

// Element `index` of a fixed-size tensor as a JSON value.
void writeElement(Writer& writer, const InputTensorData& input, size_t index) {
  using tensor::DataType;
  const std::byte* at = input.bytes.data() + index * tensor::elementSize(input.datatype);
  switch (input.datatype) {
    case DataType::kFp32:
      writer.Double(load<float>(at));
      return;
    case DataType::kFp64:
      writer.Double(load<double>(at));
      return;
    case DataType::kFp16:
      writer.Double(halfToFloat(load<uint16_t>(at)));
      return;
    case DataType::kBf16:
      writer.Double(std::bit_cast<float>(uint32_t{load<uint16_t>(at)} << 16));
      return;
    case DataType::kBool:
      writer.Bool(load<uint8_t>(at) != 0);
      return;
    case DataType::kUint8:
      writer.Uint(load<uint8_t>(at));
      return;
    case DataType::kUint16:
      writer.Uint(load<uint16_t>(at));
      return;
    case DataType::kUint32:
      writer.Uint(load<uint32_t>(at));
      return;
    case DataType::kUint64:
      writer.Uint64(load<uint64_t>(at));
      return;
    case DataType::kInt8:
      writer.Int(load<int8_t>(at));
      return;
    case DataType::kInt16:
      writer.Int(load<int16_t>(at));
      return;
    case DataType::kInt32:
      writer.Int(load<int32_t>(at));
      return;
    case DataType::kInt64:
      writer.Int64(load<int64_t>(at));
      return;
    case DataType::kBytes:
      return;
  }
}

size_t elementCount(const InputTensorData& input) {
  if (input.datatype == tensor::DataType::kBytes) return input.strings.size();
  return input.bytes.size() / tensor::elementSize(input.datatype);
}

void writeTensorHeader(Writer& writer, const InputTensorData& input) {
  writer.Key("name");
  writer.String(input.name.c_str(), static_cast<rapidjson::SizeType>(input.name.size()));
  writer.Key("shape");
  writer.StartArray();
  for (int64_t dim : input.shape) writer.Int64(dim);
  writer.EndArray();
  writer.Key("datatype");
  const std::string_view type = tensor::kserveName(input.datatype);
  writer.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
}

std::string binaryChunk(const InputTensorData& input) {
  if (input.datatype == tensor::DataType::kBytes) return kserveBytesPayload(input.strings);
  return std::string(reinterpret_cast<const char*>(input.bytes.data()), input.bytes.size());
}

// TF Serving's nested arrays: dimension `dim` of the tensor starting at element `*next`.
void writeNested(Writer& writer, const InputTensorData& input, size_t dim, size_t* next) {
  if (dim == input.shape.size()) {
    if (input.datatype == tensor::DataType::kBytes) {
      writer.StartObject();
      writer.Key("b64");
      writer.String(api::tfs::encodeBase64(input.strings[(*next)++]).c_str());
      writer.EndObject();
    } else {
      writeElement(writer, input, (*next)++);
    }
    return;
  }
  writer.StartArray();
  for (int64_t i = 0; i < input.shape[dim]; ++i) writeNested(writer, input, dim + 1, next);
  writer.EndArray();
}

util::Status metadataError(const std::string& why) {
  return util::Status(util::StatusCode::kInvalidArgument, "model metadata: " + why);
}

util::StatusOr<std::vector<TensorSpec>> kfsSpecs(const rapidjson::Value& list) {
  std::vector<TensorSpec> specs;
  if (!list.IsArray()) return metadataError("inputs/outputs must be arrays");
  for (const auto& entry : list.GetArray()) {
    if (!entry.IsObject() || !entry.HasMember("name") || !entry["name"].IsString() ||
        !entry.HasMember("datatype") || !entry["datatype"].IsString() ||
        !entry.HasMember("shape") || !entry["shape"].IsArray()) {
      return metadataError("tensor without name, datatype or shape");
    }
    const auto type = tensor::fromKserveName(entry["datatype"].GetString());
    if (!type)
      return metadataError(std::string("unknown datatype ") + entry["datatype"].GetString());
    TensorSpec spec{entry["name"].GetString(), *type, {}};
    for (const auto& dim : entry["shape"].GetArray())
      spec.dims.push_back(dim.IsInt64() ? dim.GetInt64() : -1);
    specs.push_back(std::move(spec));
  }
  return specs;
}

// `object[key]`, or null when `object` is not an object or has no such member.
const rapidjson::Value* findMember(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  const auto found = object.FindMember(key);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

util::StatusOr<std::vector<TensorSpec>> tfsSpecs(const rapidjson::Value& map) {
  std::vector<TensorSpec> specs;
  if (!map.IsObject()) return metadataError("signature inputs/outputs must be objects");
  for (const auto& member : map.GetObject()) {
    const rapidjson::Value& info = member.value;
    tensorflow::DataType tf_type = tensorflow::DT_INVALID;
    if (!info.IsObject() || !info.HasMember("dtype") || !info["dtype"].IsString() ||
        !tensorflow::DataType_Parse(info["dtype"].GetString(), &tf_type)) {
      return metadataError("tensor without a known dtype");
    }
    const auto type = api::tfs::fromTfDataType(tf_type);
    if (!type) return metadataError(std::string("unsupported dtype ") + info["dtype"].GetString());
    TensorSpec spec{member.name.GetString(), *type, {}};
    const rapidjson::Value* shape = findMember(info, "tensorShape");
    if (shape == nullptr) shape = findMember(info, "tensor_shape");
    const rapidjson::Value* dims = shape ? findMember(*shape, "dim") : nullptr;
    if (dims != nullptr && dims->IsArray()) {
      for (const auto& dim : dims->GetArray()) {
        // proto3 JSON writes int64 as a string.
        const rapidjson::Value* size = findMember(dim, "size");
        if (size == nullptr) return metadataError("dimension without size");
        spec.dims.push_back(size->IsString() ? std::atoll(size->GetString())
                                             : (size->IsInt64() ? size->GetInt64() : -1));
      }
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace

KfsBody kfsBinaryBody(const std::vector<InputTensorData>& inputs) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("inputs");
  writer.StartArray();
  std::string chunks;
  for (const InputTensorData& input : inputs) {
    const std::string chunk = binaryChunk(input);
    writer.StartObject();
    writeTensorHeader(writer, input);
    writer.Key("parameters");
    writer.StartObject();
    writer.Key("binary_data_size");
    writer.Uint64(chunk.size());
    writer.EndObject();
    writer.EndObject();
    chunks += chunk;
  }
  writer.EndArray();
  writer.Key("parameters");
  writer.StartObject();
  writer.Key("binary_data_output");
  writer.Bool(true);
  writer.EndObject();
  writer.EndObject();
  KfsBody body{buffer.GetString(), buffer.GetSize()};
  body.body += chunks;
  return body;
}

KfsBody kfsJsonBody(const std::vector<InputTensorData>& inputs) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("inputs");
  writer.StartArray();
  for (const InputTensorData& input : inputs) {
    writer.StartObject();
    writeTensorHeader(writer, input);
    writer.Key("data");
    writer.StartArray();
    for (size_t i = 0; i < elementCount(input); ++i) {
      if (input.datatype == tensor::DataType::kBytes) {
        const std::string& element = input.strings[i];
        writer.String(element.data(), static_cast<rapidjson::SizeType>(element.size()));
      } else {
        writeElement(writer, input, i);
      }
    }
    writer.EndArray();
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return {buffer.GetString(), 0};
}

std::string tfsJsonBody(const std::vector<InputTensorData>& inputs) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("inputs");
  writer.StartObject();
  for (const InputTensorData& input : inputs) {
    writer.Key(input.name.c_str(), static_cast<rapidjson::SizeType>(input.name.size()));
    size_t next = 0;
    writeNested(writer, input, 0, &next);
  }
  writer.EndObject();
  writer.EndObject();
  return buffer.GetString();
}

util::StatusOr<ModelSignature> parseKfsMetadata(const std::string& json) {
  rapidjson::Document doc;
  if (doc.Parse(json.c_str(), json.size()).HasParseError() || !doc.IsObject() ||
      !doc.HasMember("inputs") || !doc.HasMember("outputs")) {
    return metadataError("not a KServe model metadata object: " + json.substr(0, 200));
  }
  auto inputs = kfsSpecs(doc["inputs"]);
  if (!inputs.isOk()) return inputs.status();
  auto outputs = kfsSpecs(doc["outputs"]);
  if (!outputs.isOk()) return outputs.status();
  return ModelSignature{std::move(inputs.value()), std::move(outputs.value())};
}

util::StatusOr<ModelSignature> parseTfsMetadata(const std::string& json) {
  rapidjson::Document doc;
  if (doc.Parse(json.c_str(), json.size()).HasParseError() || !doc.IsObject()) {
    return metadataError("not JSON: " + json.substr(0, 200));
  }
  // TF Serving prints protobuf JSON names (signatureDef); snake_case is accepted too.
  const rapidjson::Value* at = &doc;
  for (const char* key : {"metadata", "signature_def", "signatureDef", "serving_default"}) {
    const rapidjson::Value* next = findMember(*at, key);
    if (next == nullptr && std::string_view(key) == "signatureDef") {
      next = findMember(*at, "signature_def");
    }
    if (next == nullptr)
      return metadataError(std::string("no ") + key + " in the TF Serving metadata");
    at = next;
  }
  const rapidjson::Value* inputs = findMember(*at, "inputs");
  const rapidjson::Value* outputs = findMember(*at, "outputs");
  if (inputs == nullptr || outputs == nullptr) return metadataError("empty signature");
  auto input_specs = tfsSpecs(*inputs);
  if (!input_specs.isOk()) return input_specs.status();
  auto output_specs = tfsSpecs(*outputs);
  if (!output_specs.isOk()) return output_specs.status();
  return ModelSignature{std::move(input_specs.value()), std::move(output_specs.value())};
}

}  // namespace mserve::bench

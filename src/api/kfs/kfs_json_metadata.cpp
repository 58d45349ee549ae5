#include "api/kfs/kfs_json_metadata.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/kfs/kfs_metadata.hpp"

namespace mserve::api::kfs {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void writeString(JsonWriter& writer, const std::string& text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

template <typename Dims>
void writeDims(JsonWriter& writer, const char* key, const Dims& dims) {
  writer.Key(key);
  writer.StartArray();
  for (int64_t dim : dims) writer.Int64(dim);
  writer.EndArray();
}

void writeTensors(
    JsonWriter& writer, const char* key,
    const google::protobuf::RepeatedPtrField<inference::ModelMetadataResponse::TensorMetadata>&
        tensors) {
  writer.Key(key);
  writer.StartArray();
  for (const auto& tensor : tensors) {
    writer.StartObject();
    writer.Key("name");
    writeString(writer, tensor.name());
    writer.Key("datatype");
    writeString(writer, tensor.datatype());
    writeDims(writer, "shape", tensor.shape());
    writer.EndObject();
  }
  writer.EndArray();
}

template <typename Tensors>
void writeConfigTensors(JsonWriter& writer, const char* key, const Tensors& tensors) {
  writer.Key(key);
  writer.StartArray();
  for (const auto& tensor : tensors) {
    writer.StartObject();
    writer.Key("name");
    writeString(writer, tensor.name());
    writer.Key("data_type");
    writeString(writer, inference::DataType_Name(tensor.data_type()));
    writeDims(writer, "dims", tensor.dims());
    writer.EndObject();
  }
  writer.EndArray();
}

std::string text(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string serverMetadataJson() {
  inference::ServerMetadataResponse proto;
  buildServerMetadata(proto);
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("name");
  writeString(writer, proto.name());
  writer.Key("version");
  writeString(writer, proto.version());
  writer.Key("extensions");
  writer.StartArray();
  for (const std::string& extension : proto.extensions()) writeString(writer, extension);
  writer.EndArray();
  writer.EndObject();
  return text(buffer);
}

std::string modelMetadataJson(const ModelDescription& model) {
  inference::ModelMetadataResponse proto;
  buildModelMetadata(model, proto);
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("name");
  writeString(writer, proto.name());
  writer.Key("versions");
  writer.StartArray();
  for (const std::string& version : proto.versions()) writeString(writer, version);
  writer.EndArray();
  writer.Key("platform");
  writeString(writer, proto.platform());
  writeTensors(writer, "inputs", proto.inputs());
  writeTensors(writer, "outputs", proto.outputs());
  writer.EndObject();
  return text(buffer);
}

std::string modelConfigJson(const ModelDescription& model) {
  inference::ModelConfigResponse proto;
  buildModelConfig(model, proto);
  const inference::ModelConfig& config = proto.config();
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("name");
  writeString(writer, config.name());
  writer.Key("platform");
  writeString(writer, config.platform());
  writer.Key("max_batch_size");
  writer.Int(config.max_batch_size());
  writeConfigTensors(writer, "input", config.input());
  writeConfigTensors(writer, "output", config.output());
  if (config.has_dynamic_batching()) {
    const inference::ModelDynamicBatching& batching = config.dynamic_batching();
    writer.Key("dynamic_batching");
    writer.StartObject();
    writer.Key("preferred_batch_size");
    writer.StartArray();
    for (int32_t size : batching.preferred_batch_size()) writer.Int(size);
    writer.EndArray();
    writer.Key("max_queue_delay_microseconds");  // a number, as Triton's FixUInt writes it
    writer.Uint64(batching.max_queue_delay_microseconds());
    writer.Key("preserve_ordering");
    writer.Bool(batching.preserve_ordering());
    writer.EndObject();
  }
  writer.EndObject();
  return text(buffer);
}

}  // namespace mserve::api::kfs

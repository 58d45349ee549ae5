// config.json validation: a pre-pass for keys of features mserve does not implement, then
// RapidJSON's JSON-Schema validator on OVMS's schema (minus those features), with the failing
// key put into words. Debian's RapidJSON reports only the failing schema and document pointers,
// so a missing key is found by comparing the document with the schema node.
#include "config/config_schema.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <string>
#include <string_view>

namespace mserve::config {
namespace {

// OVMS's schema (model_server: src/schema.cpp) for what mserve serves. The lists of features
// mserve lacks are allowed only empty: OVMS configs often carry `"pipeline_config_list": []`.
constexpr char kConfigSchema[] = R"({
  "definitions": {
    "layout_shape_def": {
      "oneOf": [
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"type": "string"}
      ]
    },
    "all_version_policy": {"type": "object", "additionalProperties": false, "maxProperties": 0},
    "specific_version_policy": {
      "type": "object", "additionalProperties": false, "required": ["versions"],
      "properties": {"versions": {"type": "array", "items": {"type": "integer", "minimum": 1}}}
    },
    "latest_version_policy": {
      "type": "object", "additionalProperties": false, "required": ["num_versions"],
      "properties": {"num_versions": {"type": "integer", "minimum": 1}}
    },
    "model_version_policy": {
      "oneOf": [
        {"type": "object", "required": ["all"], "additionalProperties": false,
         "properties": {"all": {"$ref": "#/definitions/all_version_policy"}}},
        {"type": "object", "required": ["specific"], "additionalProperties": false,
         "properties": {"specific": {"$ref": "#/definitions/specific_version_policy"}}},
        {"type": "object", "required": ["latest"], "additionalProperties": false,
         "properties": {"latest": {"$ref": "#/definitions/latest_version_policy"}}}
      ]
    },
    "scheduling": {
      "type": "object", "additionalProperties": false,
      "properties": {
        "dynamic_batching": {
          "type": "object", "additionalProperties": false,
          "properties": {
            "max_batch_size": {"type": "integer", "minimum": 0, "maximum": 4294967295},
            "preferred_batch_size": {
              "type": "array", "maxItems": 1024,
              "items": {"type": "integer", "minimum": 0, "maximum": 4294967295}
            },
            "max_queue_delay_microseconds": {"type": "integer", "minimum": 0},
            "preserve_ordering": {"type": "boolean"}
          }
        },
        "max_queue_size": {"type": "integer", "minimum": 0, "maximum": 4294967295},
        "queue_timeout_microseconds": {"type": "integer", "minimum": 0},
        "cpu_weight": {"type": "integer", "minimum": 0, "maximum": 4294967295}
      }
    },
    "model_config": {
      "type": "object", "required": ["config"], "additionalProperties": false,
      "properties": {
        "config": {
          "type": "object", "required": ["name"], "additionalProperties": false,
          "properties": {
            "name": {"type": "string"},
            "base_path": {"type": "string"},
            "batch_size": {"type": ["integer", "string"], "minimum": 0},
            "model_version_policy": {"$ref": "#/definitions/model_version_policy"},
            "shape": {"$ref": "#/definitions/layout_shape_def"},
            "layout": {"$ref": "#/definitions/layout_shape_def"},
            "nireq": {"type": "integer", "minimum": 0},
            "target_device": {"type": "string"},
            "allow_cache": {"type": "boolean"},
            "plugin_config": {
              "type": "object",
              "additionalProperties": {"type": ["string", "boolean", "number"]}
            },
            "stateful": {"type": "boolean"},
            "scheduling": {"$ref": "#/definitions/scheduling"}
          }
        }
      }
    }
  },
  "type": "object",
  "required": ["model_config_list"],
  "additionalProperties": false,
  "properties": {
    "model_config_list": {"type": "array", "items": {"$ref": "#/definitions/model_config"}},
    "pipeline_config_list": {"type": "array", "maxItems": 0},
    "custom_node_library_config_list": {"type": "array", "maxItems": 0},
    "custom_loader_config_list": {"type": "array", "maxItems": 0},
    "mediapipe_config_list": {"type": "array", "maxItems": 0},
    "monitoring": {
      "type": "object", "required": ["metrics"], "additionalProperties": false,
      "properties": {
        "metrics": {
          "type": "object", "required": ["enable"], "additionalProperties": false,
          "properties": {
            "enable": {"type": "boolean"},
            "metrics_list": {"type": "array", "items": {"type": "string"}}
          }
        }
      }
    }
  }
})";

constexpr char kMappingSchema[] = R"({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "inputs": {"type": "object", "additionalProperties": {"type": "string"}},
    "outputs": {"type": "object", "additionalProperties": {"type": "string"}}
  }
})";

struct CompiledSchema {
  rapidjson::Document source;
  rapidjson::SchemaDocument schema;
  explicit CompiledSchema(const char* text) : source(parsed(text)), schema(source) {}
  static rapidjson::Document parsed(const char* text) {
    rapidjson::Document doc;
    doc.Parse(text);  // a constant above; a unit test proves it parses
    return doc;
  }
};

const CompiledSchema& configSchema() {
  static const CompiledSchema schema(kConfigSchema);
  return schema;
}

const CompiledSchema& mappingSchema() {
  static const CompiledSchema schema(kMappingSchema);
  return schema;
}

// "model_config_list[0].config" for the pointer /model_config_list/0/config.
std::string readablePath(const rapidjson::Pointer& pointer) {
  std::string path;
  for (size_t i = 0; i < pointer.GetTokenCount(); ++i) {
    const rapidjson::Pointer::Token& token = pointer.GetTokens()[i];
    if (token.index != rapidjson::kPointerInvalidIndex) {
      path += "[" + std::to_string(token.index) + "]";
    } else {
      if (!path.empty()) path += ".";
      path.append(token.name, token.length);
    }
  }
  return path;
}

std::string joinKey(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// The first key of the schema node's "required" list that `object` lacks.
std::string firstMissingKey(const rapidjson::Value& object, const rapidjson::Value& schema_node) {
  const auto required = schema_node.FindMember("required");
  if (!object.IsObject() || required == schema_node.MemberEnd() || !required->value.IsArray()) {
    return {};
  }
  for (const rapidjson::Value& key : required->value.GetArray()) {
    if (key.IsString() && !object.HasMember(key)) {
      return std::string(key.GetString(), key.GetStringLength());
    }
  }
  return {};
}

// Puts the validator's failure into words: which key, and what is wrong with it.
std::string describeViolation(const rapidjson::SchemaValidator& validator,
                              const rapidjson::Value& document,
                              const rapidjson::Value& schema_source, const std::string& file) {
  const std::string keyword = validator.GetInvalidSchemaKeyword();
  const rapidjson::Pointer document_pointer = validator.GetInvalidDocumentPointer();
  const std::string path = readablePath(document_pointer);
  const rapidjson::Value* node = document_pointer.Get(document);
  const rapidjson::Value* schema_node = validator.GetInvalidSchemaPointer().Get(schema_source);
  // RapidJSON points at the unexpected member itself.
  if (keyword == "additionalProperties") return "Unknown key in " + file + ": " + path;
  if (node != nullptr && schema_node != nullptr) {
    if (keyword == "required") {
      const std::string key = firstMissingKey(*node, *schema_node);
      if (!key.empty()) return "Missing key in " + file + ": " + joinKey(path, key);
    }
  }
  return "Invalid value in " + file + ": " + (path.empty() ? "(top level)" : path) + " (" +
         keyword + ")";
}

util::Status notSupported(const std::string& key, const char* feature) {
  return util::Status(util::StatusCode::kConfigFileInvalid,
                      "Not supported by mserve: " + key + " (" + feature + ")");
}

// Keys of one model_config_list[i].config that belong to features mserve does not implement.
util::Status checkModelKeys(const rapidjson::Value& config, const std::string& path) {
  if (!config.IsObject()) return util::Status::ok();
  const auto stateful = config.FindMember("stateful");
  if (stateful != config.MemberEnd() && !(stateful->value.IsBool() && !stateful->value.GetBool())) {
    return notSupported(path + ".stateful", "stateful models");
  }
  for (const char* key :
       {"low_latency_transformation", "idle_sequence_cleanup", "max_sequence_number"}) {
    if (config.HasMember(key)) return notSupported(path + "." + key, "stateful models");
  }
  if (config.HasMember("custom_loader_options")) {
    return notSupported(path + ".custom_loader_options", "custom loaders");
  }
  for (const char* key : {"graph_path", "subconfig"}) {
    if (config.HasMember(key)) return notSupported(path + "." + key, "MediaPipe graphs");
  }
  return util::Status::ok();
}

util::Status checkUnsupportedFeatures(const rapidjson::Value& document) {
  if (!document.IsObject()) return util::Status::ok();
  static constexpr std::pair<const char*, const char*> kLists[] = {
      {"pipeline_config_list", "DAG pipelines"},
      {"custom_node_library_config_list", "custom nodes"},
      {"custom_loader_config_list", "custom loaders"},
      {"mediapipe_config_list", "MediaPipe graphs"},
  };
  for (const auto& [key, feature] : kLists) {
    const auto list = document.FindMember(key);
    if (list == document.MemberEnd()) continue;
    if (!list->value.IsArray() || !list->value.Empty()) return notSupported(key, feature);
  }
  const auto models = document.FindMember("model_config_list");
  if (models == document.MemberEnd() || !models->value.IsArray()) return util::Status::ok();
  for (rapidjson::SizeType i = 0; i < models->value.Size(); ++i) {
    const rapidjson::Value& entry = models->value[i];
    if (!entry.IsObject()) continue;
    const auto config = entry.FindMember("config");
    if (config == entry.MemberEnd()) continue;
    MSERVE_RETURN_IF_ERROR(
        checkModelKeys(config->value, "model_config_list[" + std::to_string(i) + "].config"));
  }
  return util::Status::ok();
}

util::Status validate(const rapidjson::Value& document, const CompiledSchema& schema,
                      util::StatusCode code, const std::string& file) {
  rapidjson::SchemaValidator validator(schema.schema);
  if (document.Accept(validator)) return util::Status::ok();
  return util::Status(code, describeViolation(validator, document, schema.source, file));
}

}  // namespace

util::Status validateConfigSchema(const rapidjson::Value& document) {
  MSERVE_RETURN_IF_ERROR(checkUnsupportedFeatures(document));
  return validate(document, configSchema(), util::StatusCode::kConfigFileInvalid, "config file");
}

util::Status validateMappingSchema(const rapidjson::Value& document) {
  return validate(document, mappingSchema(), util::StatusCode::kJsonInvalid, "mapping_config.json");
}

}  // namespace mserve::config

#include "api/kfs/kfs_repository.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/kfs/kfs_json_document.hpp"

namespace mserve::api::kfs {
namespace {

using util::Status;
using util::StatusCode;

constexpr const char* kConfig = "config";
constexpr const char* kUnloadDependents = "unload_dependents";
// A model's configuration nests 4 levels at most (config → plugin_config → value): more is not
// a configuration, and the serving side walks it recursively.
constexpr size_t kMaxConfigDepth = 8;

Status invalid(std::string message) {
  return Status(StatusCode::kTritonInvalidArgument, std::move(message));
}

// An empty body stands for "{}"; anything else must be a JSON object.
util::StatusOr<rapidjson::Document> parseBody(std::string_view body, size_t max_json_depth) {
  rapidjson::Document document;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    document.SetObject();
    return std::move(document);
  }
  RequestMemory memory;  // a small control body: the default limit bounds its document
  MSERVE_RETURN_IF_ERROR(parseJson(body, max_json_depth, memory, document));
  if (!document.IsObject()) return invalid("the request body must be a JSON object");
  return std::move(document);
}

// The "parameters" object of a load or unload body, or null when absent.
util::StatusOr<const rapidjson::Value*> parametersOf(const rapidjson::Document& document) {
  const auto found = document.FindMember("parameters");
  if (found == document.MemberEnd()) return static_cast<const rapidjson::Value*>(nullptr);
  if (!found->value.IsObject()) return invalid("'parameters' must be a JSON object");
  return &found->value;
}

Status fileOverridesUnsupported(std::string_view key) {
  return Status(StatusCode::kTritonUnsupported,
                "parameter '" + std::string(key) +
                    "': model files in the request are not supported; put them in a folder and "
                    "name it as base_path in 'config'");
}

// The override as sent, once its nesting is known to be bounded.
util::StatusOr<std::optional<std::string>> checkedConfig(std::string config) {
  rapidjson::Document document;
  RequestMemory memory;
  if (Status parsed = parseJson(config, kMaxConfigDepth, memory, document); !parsed.isOk()) {
    return invalid("Unable to parse 'config': " + parsed.message());
  }
  return std::optional<std::string>(std::move(config));
}

}  // namespace

util::StatusOr<bool> parseIndexBody(std::string_view body, size_t max_json_depth) {
  auto document = parseBody(body, max_json_depth);
  if (!document.isOk()) return document.status();
  const auto ready = document->FindMember("ready");
  if (ready == document->MemberEnd()) return false;
  if (!ready->value.IsBool()) return invalid("Invalid value for 'ready': expected a boolean");
  return ready->value.GetBool();
}

util::StatusOr<std::optional<std::string>> parseLoadBody(std::string_view body,
                                                         size_t max_json_depth) {
  auto document = parseBody(body, max_json_depth);
  if (!document.isOk()) return document.status();
  auto parameters = parametersOf(*document);
  if (!parameters.isOk()) return parameters.status();
  std::optional<std::string> config;
  if (*parameters == nullptr) return config;
  for (const auto& member : (*parameters)->GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (key.starts_with("file:")) return fileOverridesUnsupported(key);
    // Triton reads only string members of "parameters" (MemberAsString).
    if (!member.value.IsString()) {
      return invalid("Unable to parse '" + std::string(key) + "': expected a string");
    }
    if (key == kConfig) config.emplace(member.value.GetString(), member.value.GetStringLength());
  }
  if (!config) return config;
  return checkedConfig(std::move(*config));
}

Status parseUnloadBody(std::string_view body, size_t max_json_depth) {
  auto document = parseBody(body, max_json_depth);
  if (!document.isOk()) return document.status();
  auto parameters = parametersOf(*document);
  if (!parameters.isOk()) return parameters.status();
  if (*parameters == nullptr) return Status::ok();
  const auto dependents = (*parameters)->FindMember(kUnloadDependents);
  if (dependents != (*parameters)->MemberEnd() && !dependents->value.IsBool()) {
    return invalid("Unable to parse 'unload_dependents': expected a boolean");
  }
  return Status::ok();  // no ensembles: there are never dependents to unload
}

util::StatusOr<std::optional<std::string>> loadParameters(
    const google::protobuf::Map<std::string, inference::ModelRepositoryParameter>& parameters) {
  std::optional<std::string> config;
  for (const auto& [key, value] : parameters) {
    if (key.starts_with("file:")) return fileOverridesUnsupported(key);
    if (key != kConfig) continue;
    if (value.parameter_choice_case() != inference::ModelRepositoryParameter::kStringParam) {
      return invalid("Unable to parse 'config': expected string_param");
    }
    config = value.string_param();
  }
  if (!config) return config;
  return checkedConfig(std::move(*config));
}

Status unloadParameters(
    const google::protobuf::Map<std::string, inference::ModelRepositoryParameter>& parameters) {
  const auto dependents = parameters.find(kUnloadDependents);
  if (dependents != parameters.end() && dependents->second.parameter_choice_case() !=
                                            inference::ModelRepositoryParameter::kBoolParam) {
    return invalid("Unable to parse 'unload_dependents': expected bool_param");
  }
  return Status::ok();
}

Status checkRepositoryName(const std::string& repository_name) {
  if (repository_name.empty()) return Status::ok();
  return Status(StatusCode::kTritonUnsupported, "'repository_name' specification is not supported");
}

std::string repositoryIndexJson(const std::vector<ModelIndexEntry>& models) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto member = [&writer](const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartArray();
  for (const ModelIndexEntry& model : models) {
    writer.StartObject();
    member("name", model.name);
    if (model.version != 0) {  // models never loaded have the name only (Triton)
      member("version", std::to_string(model.version));
      member("state", model.state);
      if (!model.reason.empty()) member("reason", model.reason);
    }
    writer.EndObject();
  }
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void buildRepositoryIndex(const std::vector<ModelIndexEntry>& models,
                          inference::RepositoryIndexResponse& out) {
  for (const ModelIndexEntry& model : models) {
    inference::RepositoryIndexResponse::ModelIndex& entry = *out.add_models();
    entry.set_name(model.name);
    if (model.version == 0) continue;
    entry.set_version(std::to_string(model.version));
    entry.set_state(model.state);
    entry.set_reason(model.reason);
  }
}

}  // namespace mserve::api::kfs

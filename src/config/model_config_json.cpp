// A config.json model entry to a ModelConfig. Values are re-serialised and handed to the same
// parsers the command line uses (version policy, shape, batch size, plugin config), so both
// modes accept exactly the same spellings.
#include "config/model_config_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <filesystem>

namespace mserve::config {
namespace {

using util::Status;
using util::StatusCode;

std::string compactJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string stringOf(const rapidjson::Value& value) {
  return std::string(value.GetString(), value.GetStringLength());
}

// Printable form of untrusted text for messages: control bytes and non-ASCII escaped.
std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, kMaxModelNameLength)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

bool isNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// Everything but the version policy: a policy change only changes which versions are served.
std::string fingerprintOf(const rapidjson::Value& config, const std::string& base_path) {
  rapidjson::Document copy;
  copy.CopyFrom(config, copy.GetAllocator());
  copy.RemoveMember("model_version_policy");
  return compactJson(copy) + "|" + base_path;
}

util::Status parseBatchAndShape(const rapidjson::Value& config, ModelConfig& model,
                                std::vector<std::string>* warnings) {
  const auto shape = config.FindMember("shape");
  if (shape != config.MemberEnd()) {
    const std::string text =
        shape->value.IsString() ? stringOf(shape->value) : compactJson(shape->value);
    auto parsed = parseShapeParam(text);
    if (!parsed.isOk()) return parsed.status();
    model.shape = std::move(parsed).value();
  }
  const auto batch = config.FindMember("batch_size");
  bool batch_auto = false;
  if (batch != config.MemberEnd()) {
    std::optional<tensor::Dimension> dimension;
    if (batch->value.IsString()) {
      batch_auto = stringOf(batch->value) == "auto";
      auto parsed = parseBatchSize(stringOf(batch->value));
      if (!parsed.isOk()) return parsed.status();
      dimension = parsed.value();
    } else if (!batch->value.IsInt64()) {
      return Status(StatusCode::kModelConfigInvalid, model.name + ": batch_size is too large");
    } else if (batch->value.GetInt64() > 0) {  // 0 keeps the model's batch size (OVMS)
      dimension = tensor::Dimension::fixed(batch->value.GetInt64());
    }
    if (dimension && !model.shape.shapes.empty()) {
      warnings->push_back(model.name +
                          ": Both shape and batch size have been defined. Batch size parameter "
                          "will be ignored.");
    } else {
      model.batch_size = dimension;
      model.batch_size_auto = batch_auto;
    }
  }
  if (batch_auto || !model.shape.auto_inputs.empty()) {
    warnings->push_back(model.name +
                        ": shape or batch size set to auto: mserve makes those dimensions "
                        "dynamic instead of reloading the model per request");
  }
  return Status::ok();
}

util::Status parseDeviceAndPlugin(const rapidjson::Value& config, ModelConfig& model,
                                  std::vector<std::string>* warnings) {
  const auto device = config.FindMember("target_device");
  if (device != config.MemberEnd()) model.target_device = stringOf(device->value);
  const auto plugin = config.FindMember("plugin_config");
  const std::string plugin_text = plugin != config.MemberEnd() ? compactJson(plugin->value) : "{}";
  auto parsed = parsePluginConfig(plugin_text, model.target_device);
  if (!parsed.isOk()) return parsed.status();
  NormalisedPluginConfig normalised = normalisePluginConfig(std::move(parsed).value());
  model.plugin_config = std::move(normalised.properties);
  for (const std::string& warning : normalised.warnings) {
    warnings->push_back(model.name + ": " + warning);
  }
  return Status::ok();
}

}  // namespace

util::Status validateModelName(std::string_view name) {
  const bool valid = !name.empty() && name.size() <= kMaxModelNameLength &&
                     std::all_of(name.begin(), name.end(), isNameChar) &&
                     name.find("..") == std::string_view::npos && name != ".";
  if (valid) return Status::ok();
  return Status(StatusCode::kModelConfigInvalid,
                "Invalid model name \"" + printable(name) + "\": use 1 to " +
                    std::to_string(kMaxModelNameLength) +
                    " characters from A-Z a-z 0-9 . _ - and no \"..\"");
}

util::StatusOr<std::string> resolveBasePath(std::string_view base_path,
                                            const std::string& config_dir) {
  for (const char* scheme : {"s3://", "gs://", "az://", "azfs://"}) {
    if (base_path.starts_with(scheme)) {
      return Status(
          StatusCode::kModelConfigInvalid,
          "Cloud storage base paths are not supported by mserve: " + printable(base_path));
    }
  }
  if (base_path.empty() || base_path.size() > kMaxBasePathLength ||
      base_path.find('\0') != std::string_view::npos) {
    return Status(StatusCode::kPathInvalid, "base_path \"" + printable(base_path) + "\"");
  }
  const std::filesystem::path path(base_path);
  for (const auto& part : path) {
    if (part == "..") {
      return Status(StatusCode::kPathInvalid,
                    "base_path must not contain \"..\": " + printable(base_path));
    }
  }
  const std::filesystem::path resolved =
      path.is_absolute() ? path : std::filesystem::path(config_dir) / path;
  std::string text = resolved.lexically_normal().string();
  // "models/" and "models" name the same folder: keep one spelling for change detection.
  if (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

util::StatusOr<ModelConfig> modelConfigFromJson(const rapidjson::Value& config,
                                                const std::string& config_dir,
                                                std::vector<std::string>* warnings) {
  ModelConfig model;
  model.name = stringOf(config["name"]);
  MSERVE_RETURN_IF_ERROR(validateModelName(model.name));
  const auto base_path = config.FindMember("base_path");
  if (base_path == config.MemberEnd()) {
    return Status(StatusCode::kModelConfigInvalid, model.name + ": base_path is required");
  }
  auto resolved = resolveBasePath(stringOf(base_path->value), config_dir);
  if (!resolved.isOk()) return resolved.status();
  model.base_path = std::move(resolved).value();
  const auto layout = config.FindMember("layout");
  if (layout != config.MemberEnd()) {
    auto parsed = parseLayoutParam(layout->value.IsString() ? stringOf(layout->value)
                                                            : compactJson(layout->value));
    if (!parsed.isOk()) return parsed.status();
    model.layouts = std::move(parsed).value();
  }
  MSERVE_RETURN_IF_ERROR(parseDeviceAndPlugin(config, model, warnings));
  const auto nireq = config.FindMember("nireq");
  if (nireq != config.MemberEnd()) {
    // Schema: an integer >= 0. Larger than any pool could be: OVMS's "Nireq parameter too high".
    if (!nireq->value.IsUint()) return Status(StatusCode::kInvalidNireq, model.name);
    model.nireq = nireq->value.GetUint();
  }
  const auto policy = config.FindMember("model_version_policy");
  if (policy != config.MemberEnd()) {
    auto parsed = VersionPolicy::parse(compactJson(policy->value));
    if (!parsed.isOk()) return parsed.status();
    model.version_policy = std::move(parsed).value();
  }
  MSERVE_RETURN_IF_ERROR(parseBatchAndShape(config, model, warnings));
  const auto allow_cache = config.FindMember("allow_cache");
  if (allow_cache != config.MemberEnd()) model.allow_cache = allow_cache->value.GetBool();
  const auto scheduling = config.FindMember("scheduling");
  if (scheduling != config.MemberEnd()) {
    auto parsed = schedulingFromJson(scheduling->value, model.name);
    if (!parsed.isOk()) return parsed.status();
    model.scheduling = std::move(parsed).value();
  }
  model.fingerprint = fingerprintOf(config, model.base_path);
  return model;
}

}  // namespace mserve::config

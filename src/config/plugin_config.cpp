// Plugin config: JSON (inline or from a file) to an ordered key/value list, then OVMS's
// normalisation before compile_model (DESIGN.md §3, REFERENCE.md §8.4).
#include "config/plugin_config.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "config/config_json.hpp"
#include "util/json_document.hpp"

namespace mserve::config {
namespace {

util::Status configError(const std::string& why) {
  return util::Status(util::StatusCode::kPluginConfigInvalid, why);
}

std::string compactJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

// OpenVINO takes every property as a string; numbers keep their JSON spelling where exact.
util::StatusOr<std::string> valueText(const std::string& key, const rapidjson::Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsBool()) return std::string(value.GetBool() ? "true" : "false");
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  if (value.IsDouble()) {
    char text[32];
    const auto result = std::to_chars(text, text + sizeof(text), value.GetDouble());
    return std::string(text, result.ptr);
  }
  if (value.IsObject()) return compactJson(value);  // DEVICE_PROPERTIES and the like
  return configError("Value of " + key + " must be a string, bool, number or object");
}

void put(PluginConfig& config, std::string key, std::string value) {
  for (auto& entry : config) {
    if (entry.first == key) {
      entry.second = std::move(value);
      return;
    }
  }
  config.emplace_back(std::move(key), std::move(value));
}

util::StatusOr<PluginConfig> fromObject(const rapidjson::Value& object) {
  PluginConfig config;
  for (const auto& member : object.GetObject()) {
    std::string key(member.name.GetString(), member.name.GetStringLength());
    auto text = valueText(key, member.value);
    if (!text.isOk()) return text.status();
    put(config, std::move(key), std::move(text).value());
  }
  return config;
}

// benchmark_app -dump_config writes {"CPU": {...}, "GPU": {...}}: every value an object.
bool isPerDevice(const rapidjson::Value& object) {
  if (object.MemberCount() == 0) return false;
  for (const auto& member : object.GetObject()) {
    if (!member.value.IsObject() || util::jsonString(member.name) == "DEVICE_PROPERTIES") {
      return false;
    }
  }
  return true;
}

util::StatusOr<PluginConfig> fromFile(const std::string& path, const std::string& device) {
  std::ifstream file(path);
  if (!file) return configError("Cannot read plugin config file " + path);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  rapidjson::Document doc;
  if (std::string reason; !parseConfigJson(text, doc, &reason).isOk()) {
    return configError("Plugin config file " + path + " is not valid JSON: " + reason);
  }
  if (!doc.IsObject()) return configError("Plugin config file " + path + " must hold an object");
  if (!isPerDevice(doc)) return fromObject(doc);
  if (doc.HasMember(device)) return fromObject(doc[device]);
  if (doc.MemberCount() == 1) return fromObject(doc.MemberBegin()->value);
  return configError("Plugin config file " + path + " has no entry for device " + device);
}

bool has(const PluginConfig& config, std::string_view key) {
  return std::any_of(config.begin(), config.end(),
                     [key](const auto& entry) { return entry.first == key; });
}

// The modern key and value for a legacy key; other keys come back unchanged.
std::pair<std::string, std::string> translateLegacy(const std::string& key,
                                                    const std::string& value) {
  if (key == "CPU_THROUGHPUT_STREAMS" || key == "GPU_THROUGHPUT_STREAMS") {
    if (value == "CPU_THROUGHPUT_AUTO" || value == "GPU_THROUGHPUT_AUTO") {
      return {"PERFORMANCE_HINT", "THROUGHPUT"};
    }
    if (value == "CPU_THROUGHPUT_NUMA") return {"NUM_STREAMS", "NUMA"};
    return {"NUM_STREAMS", value};
  }
  if (key == "CPU_THREADS_NUM") return {"INFERENCE_NUM_THREADS", value};
  if (key == "AFFINITY") return {"ENABLE_CPU_PINNING", value == "NONE" ? "NO" : "YES"};
  return {key, value};
}

}  // namespace

util::StatusOr<PluginConfig> parsePluginConfig(const std::string& json_or_path,
                                               const std::string& device) {
  if (json_or_path.find_first_not_of(" \t\r\n") == std::string::npos) return PluginConfig{};
  rapidjson::Document doc;
  std::string reason;
  const util::Status parsed = parseConfigJson(json_or_path, doc, &reason);
  if (parsed.isOk() && doc.IsObject()) return fromObject(doc);
  std::error_code ec;
  if (std::filesystem::is_regular_file(json_or_path, ec)) return fromFile(json_or_path, device);
  if (!parsed.isOk()) return configError("Plugin config is not valid JSON: " + reason);
  return configError("Plugin config must be a JSON object");
}

NormalisedPluginConfig normalisePluginConfig(PluginConfig config) {
  NormalisedPluginConfig out;
  for (const auto& [key, value] : config) {
    auto [new_key, new_value] = translateLegacy(key, value);
    if (new_key == key) {
      put(out.properties, key, value);
      continue;
    }
    if (has(config, new_key)) {
      out.warnings.push_back("Plugin config key " + key + " is deprecated and ignored: " + new_key +
                             " is set explicitly");
      continue;
    }
    out.warnings.push_back("Plugin config key " + key + " is deprecated; using " + new_key + "=" +
                           new_value + " instead of " + key + "=" + value);
    put(out.properties, std::move(new_key), std::move(new_value));
  }
  const bool hint = has(out.properties, "PERFORMANCE_HINT");
  const bool streams = has(out.properties, "NUM_STREAMS");
  if (!hint && !streams) {
    out.properties.emplace_back("PERFORMANCE_HINT", "LATENCY");
  } else if (hint && streams) {
    out.warnings.push_back(
        "Both PERFORMANCE_HINT and NUM_STREAMS are set; NUM_STREAMS decides the number of "
        "streams");
  }
  return out;
}

std::vector<std::string> unsupportedKeys(const PluginConfig& config,
                                         const std::vector<std::string>& supported) {
  std::vector<std::string> unsupported;
  for (const auto& entry : config) {
    const std::string& key = entry.first;
    // Core-wide properties, set on the core rather than the device, so never in its list.
    if (key == "ENABLE_MMAP" || key == "CACHE_DIR") continue;
    if (std::find(supported.begin(), supported.end(), key) == supported.end()) {
      unsupported.push_back(key);
    }
  }
  return unsupported;
}

}  // namespace mserve::config

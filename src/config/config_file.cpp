#include "config/config_file.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "config/config_json.hpp"
#include "config/config_schema.hpp"
#include "config/model_config_json.hpp"

namespace mserve::config {
namespace {

constexpr int kReadAttempts = 3;  // OVMS: 3 reads, 10 ms apart
constexpr auto kReadRetryDelay = std::chrono::milliseconds(10);

std::optional<std::string> readOnce(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) return std::nullopt;
  return text;
}

MetricsConfig parseMetrics(const rapidjson::Value& metrics) {
  MetricsConfig config;
  config.enable = metrics["enable"].GetBool();
  const auto list = metrics.FindMember("metrics_list");
  if (list != metrics.MemberEnd()) {
    for (const rapidjson::Value& name : list->value.GetArray()) {
      config.metrics_list.emplace_back(name.GetString(), name.GetStringLength());
    }
  }
  return config;
}

void parseModels(const rapidjson::Value& list, const std::string& config_dir,
                 ServerConfig& server) {
  std::set<std::string, std::less<>> names;
  for (const rapidjson::Value& entry : list.GetArray()) {
    const rapidjson::Value& config = entry["config"];
    const std::string name(config["name"].GetString(), config["name"].GetStringLength());
    if (names.count(name) != 0) {
      server.warnings.push_back("Duplicated model names: " + name +
                                " defined in config file. Only first definition will be loaded.");
      continue;
    }
    names.insert(name);
    auto model = modelConfigFromJson(config, config_dir, &server.warnings);
    if (!model.isOk()) {
      server.rejected.push_back({name, model.status()});
      continue;
    }
    server.models.push_back(std::move(model).value());
  }
}

}  // namespace

std::string configFilePath(const std::string& config_path) {
  std::error_code ec;
  if (std::filesystem::is_directory(config_path, ec)) {
    return (std::filesystem::path(config_path) / "config.json").string();
  }
  return config_path;
}

util::StatusOr<std::string> readConfigFile(const std::string& path) {
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(kReadRetryDelay);
    if (auto text = readOnce(path)) return std::move(*text);
  }
  return util::Status(util::StatusCode::kFileInvalid, path);
}

uint64_t contentHash(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

util::StatusOr<ServerConfig> parseServerConfig(std::string_view text,
                                               const std::string& config_dir) {
  rapidjson::Document document;
  // Depth-bounded before the (recursive) schema validation walks it.
  MSERVE_RETURN_IF_ERROR(parseConfigJson(text, document));
  MSERVE_RETURN_IF_ERROR(validateConfigSchema(document));
  ServerConfig server;
  parseModels(document["model_config_list"], config_dir, server);
  const auto monitoring = document.FindMember("monitoring");
  if (monitoring != document.MemberEnd()) {
    server.metrics = parseMetrics(monitoring->value["metrics"]);
  }
  return server;
}

}  // namespace mserve::config

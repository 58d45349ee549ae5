// config.json as a whole (--config_path): finding it (the flag may name its folder), reading it
// with OVMS's retries, and parsing it into the models to serve and the monitoring section. A
// file that is not JSON or breaks the schema is an error; a model entry that cannot be parsed is
// only rejected (the others are served). Pure functions apart from the file read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/model_config.hpp"
#include "util/status.hpp"

namespace mserve::config {

// monitoring.metrics: parsed and kept for the metrics module.
struct MetricsConfig {
  bool enable = false;
  std::vector<std::string> metrics_list;
};

struct RejectedModel {
  std::string name;  // as written (may be empty or invalid)
  util::Status status;
};

struct ServerConfig {
  std::vector<ModelConfig> models;       // valid entries in file order, the first of each name
  std::vector<RejectedModel> rejected;   // entries that could not be parsed: not served
  std::optional<MetricsConfig> metrics;  // when the file has a monitoring section
  std::vector<std::string> warnings;     // duplicates, deprecations: to log at WARNING
};

// --config_path names the file, or a folder holding config.json.
std::string configFilePath(const std::string& config_path);

// The file's bytes; FILE_INVALID if it cannot be read after 3 attempts 10 ms apart (an editor
// may be replacing it).
util::StatusOr<std::string> readConfigFile(const std::string& path);

// 64-bit FNV-1a of the file's bytes: how logs name a version of the file.
uint64_t contentHash(std::string_view text);

// JSON_INVALID "… - Error: <parse error> Offset: <n>" for malformed JSON, CONFIG_FILE_INVALID
// for schema violations (config_schema.hpp). Relative base paths resolve against `config_dir`.
util::StatusOr<ServerConfig> parseServerConfig(std::string_view text,
                                               const std::string& config_dir);

}  // namespace mserve::config

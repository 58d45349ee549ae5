// One config.json model entry (`model_config_list[i].config`, already schema-valid) turned into a
// ModelConfig, with the checks a JSON schema cannot express: model-name characters and length,
// base-path resolution and traversal, and the syntax of shape, batch size, version policy and
// plugin config. Pure functions.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/model_config.hpp"
#include "util/status.hpp"

namespace mserve::config {

inline constexpr size_t kMaxModelNameLength = 255;
inline constexpr size_t kMaxBasePathLength = 4096;  // PATH_MAX

// 1 to kMaxModelNameLength characters from [A-Za-z0-9._-], never containing "..": names reach
// URLs and logs, so nothing that could traverse a path or break a line (REFERENCE.md §9.2).
// MODEL_CONFIG_INVALID otherwise.
util::Status validateModelName(std::string_view name);

// A local base path, relative ones resolved against `config_dir`; PATH_INVALID for "..", NUL,
// empty or over-long paths, MODEL_CONFIG_INVALID for cloud storage URLs (not supported).
util::StatusOr<std::string> resolveBasePath(std::string_view base_path,
                                            const std::string& config_dir);

// The entry as a ModelConfig; `warnings` receives deprecations and ignored settings to log.
util::StatusOr<ModelConfig> modelConfigFromJson(const rapidjson::Value& config,
                                                const std::string& config_dir,
                                                std::vector<std::string>* warnings);

}  // namespace mserve::config

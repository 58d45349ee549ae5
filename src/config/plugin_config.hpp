// --plugin_config / config.json `plugin_config`: parsed from JSON and normalised the way OVMS
// does before compile_model (DESIGN.md §3): default PERFORMANCE_HINT=LATENCY, legacy keys
// translated, AFFINITY mapped to ENABLE_CPU_PINNING. Pure functions; warnings are returned to
// the caller to log.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/status.hpp"

namespace mserve::config {

using PluginConfig = std::vector<std::pair<std::string, std::string>>;  // key → value as string

struct NormalisedPluginConfig {
  PluginConfig properties;
  std::vector<std::string> warnings;  // deprecations and conflicts to log at WARNING
};

// Parses a JSON object of string/bool/number values (nested DEVICE_PROPERTIES object kept as a
// JSON string). A file path holding such an object is also accepted (benchmark_app
// -dump_config format: {"CPU": {...}} keyed by device; the entry for `device` is taken).
util::StatusOr<PluginConfig> parsePluginConfig(const std::string& json_or_path,
                                               const std::string& device);

NormalisedPluginConfig normalisePluginConfig(PluginConfig config);

// Keys of `config` not in `supported`; empty when all are accepted.
std::vector<std::string> unsupportedKeys(const PluginConfig& config,
                                         const std::vector<std::string>& supported);

}  // namespace mserve::config

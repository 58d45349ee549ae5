// Single-model mode: the ModelConfig that --model_name, --model_path and the model flags
// describe. Parse failures carry OVMS's texts ("Couldn't parse plugin config", ...); warnings
// (deprecated keys) are returned for the caller to log. Pure function.
#pragma once

#include <string>
#include <vector>

#include "cli/server_options.hpp"
#include "config/model_config.hpp"
#include "util/status.hpp"

namespace mserve::cli {

util::StatusOr<config::ModelConfig> singleModelConfig(const ServerOptions& options,
                                                      std::vector<std::string>* warnings);

}  // namespace mserve::cli

// Everything needed to serve one model: where it lives and how to load it. Built from the
// command line (single-model mode) or a config.json entry. Pure value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/plugin_config.hpp"
#include "config/shape_param.hpp"
#include "config/version_policy.hpp"
#include "tensor/shape.hpp"

namespace mserve::config {

struct ModelConfig {
  std::string name;
  std::string base_path;
  std::string target_device = "CPU";
  PluginConfig plugin_config;  // normalised
  uint32_t nireq = 0;          // 0 = the device's optimal number
  VersionPolicy version_policy = VersionPolicy::latest(1);
  ShapeParam shape;
  std::optional<tensor::Dimension> batch_size;
  bool allow_cache = true;
};

}  // namespace mserve::config

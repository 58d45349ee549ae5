// Everything needed to serve one model: where it lives and how to load it. Built from the
// command line (single-model mode) or a config.json entry. Pure value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/layout_param.hpp"
#include "config/plugin_config.hpp"
#include "config/scheduling_config.hpp"
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
  // batch_size "auto" (batch_size is then dynamic, as for -1, but metadata reports the dims of
  // the model or of the latest request instead of -1, as OVMS).
  bool batch_size_auto = false;
  LayoutParam layouts;  // --layout: input name ("" = every input) → "NHWC:NCHW" or "NCHW"
  // OVMS's allow_cache: with --cache_dir set, models are cached unless they have an `auto`
  // shape or batch size; true caches those too.
  bool allow_cache = false;
  SchedulingConfig scheduling;  // mserve's own `scheduling` key; everything off by default
  // What a change of requires reloading the model's versions: the config.json entry without its
  // version policy, plus the resolved base path. Empty in single-model mode (never changes).
  std::string fingerprint;
};

}  // namespace mserve::config

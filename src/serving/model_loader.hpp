// Loading one model version from its folder: its mapping_config.json, shapes given in mapped
// names translated back, compile with the model's properties (caching turned off where OVMS
// turns it off), the infer-request pool, and the INFO log of the effective properties.
// Thread-safe: the OpenVINO core compiles concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "config/model_config.hpp"
#include "engine/admission_limiter.hpp"
#include "engine/core.hpp"
#include "serving/model_version.hpp"
#include "util/cpu_budget.hpp"
#include "util/status.hpp"

namespace mserve::serving {

// OVMS's check before loading: plugin keys the (single) device does not support are logged with
// the supported list and reject the model (PLUGIN_CONFIG_UNSUPPORTED_KEY).
util::Status checkPluginKeys(const engine::Core& core, const config::ModelConfig& config);

// Server-wide settings that shape how every version loads.
struct LoadOptions {
  // --cache_dir is in effect core-wide; a model with an `auto` shape or batch and no
  // allow_cache then compiles with CACHE_DIR "" (OVMS's rule).
  bool cache_dir_set = false;
  // --inline_inference_max_us: see engine::InlinePolicy; zero keeps inference asynchronous.
  std::chrono::microseconds inline_inference_limit{0};
  // The process's CPU budget: CPU plugin defaults the user did not set come from it
  // (config::cpuBudgetDefaults). The default value (no quota) adds none.
  util::CpuBudget cpu_budget;
  // --max_queue_size, --queue_timeout_us: for models that do not set their own.
  config::SchedulingDefaults scheduling;
  // The server-wide admission limit (fair core sharing in time) that versions of models marked
  // scheduling.admitted join; null while the split fits.
  std::shared_ptr<engine::AdmissionLimiter> admission;
};

util::StatusOr<std::shared_ptr<ModelVersion>> loadModelVersion(const engine::Core& core,
                                                               const config::ModelConfig& config,
                                                               int64_t version,
                                                               const std::string& version_path,
                                                               const LoadOptions& options);

}  // namespace mserve::serving

// How requests for one model meet its infer requests (DESIGN.md §3b): dynamic batching, the
// queue bound and timeout, and the model's weight in the server's CPU budget. Triton's meanings
// (REFERENCE-2.md §5). Everything off by default, which keeps OVMS's behaviour. Pure values.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/status.hpp"

namespace mserve::config {

struct DynamicBatching {
  uint32_t max_batch_size = 0;  // 0 = batching off
  std::vector<uint32_t> preferred_batch_sizes;
  uint64_t max_queue_delay_us = 0;
  bool preserve_ordering = false;
  bool enabled() const { return max_batch_size > 0; }
};

struct SchedulingConfig {
  DynamicBatching batching;
  // Unset: the server's default (--max_queue_size, --queue_timeout_us); 0 = unbounded / none.
  std::optional<uint32_t> max_queue_size;
  std::optional<uint64_t> queue_timeout_us;
  // Share of the server's CPU budget among models without explicit streams/threads; also the
  // model's weight when the server-wide admission limit picks who runs next.
  uint32_t cpu_weight = 1;
  // Not a config key: set by config::shareCpuBudget when the model shares the CPU in time
  // under the server-wide admission limit.
  bool admitted = false;
};

// The server-wide defaults a model's unset values fall back to.
struct SchedulingDefaults {
  uint32_t max_queue_size = 0;
  uint64_t queue_timeout_us = 0;
};

// Bounds on values a config file controls.
inline constexpr uint32_t kMaxBatchSizeLimit = 1u << 16;
inline constexpr uint32_t kMaxCpuWeight = 1000;
inline constexpr uint64_t kMaxQueueDelayUs = 60'000'000;       // one minute
inline constexpr uint64_t kMaxQueueTimeoutUs = 3'600'000'000;  // one hour

// The `scheduling` object of a config.json model entry (already schema-valid: keys and types).
util::StatusOr<SchedulingConfig> schedulingFromJson(const rapidjson::Value& value,
                                                    const std::string& model_name);

// Triton's rules: preferred sizes in [1, max_batch_size]; sorted and de-duplicated on return.
util::Status validateScheduling(SchedulingConfig& config, const std::string& model_name);

// "1,4,8" → {1,4,8} (single-model flag).
util::StatusOr<std::vector<uint32_t>> parseBatchSizeList(const std::string& text);

}  // namespace mserve::config

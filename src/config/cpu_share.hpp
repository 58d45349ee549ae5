// Fair core sharing (DESIGN.md §3b): the server's CPU budget split between the CPU models that
// did not choose their own streams or threads, by their cpu_weight, so that the sum of
// streams × threads stays within the budget. Models with explicit settings keep them; the
// returned lines say what was decided (and warn when explicit settings oversubscribe). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/model_config.hpp"

namespace mserve::config {

struct CpuShareReport {
  std::vector<std::string> info;      // the split, to log at INFO
  std::vector<std::string> warnings;  // oversubscription, to log at WARNING
  // Models sharing the budget that a static split cannot fit (more of them than cores): each
  // got one thread and they share in time (DESIGN.md §3b's admission limit).
  bool oversubscribed = false;
  // When oversubscribed: at most this many inferences (the cores explicit settings left, at
  // least one) run at once across the sharing models, each marked scheduling.admitted; 0 when
  // the split fits and no limit applies.
  uint32_t admission_limit = 0;
};

// Sets INFERENCE_NUM_THREADS on each sharing model in `models` (when there is more than one
// model on the CPU; a lone model keeps the whole machine, as before). `budget`: logical CPUs.
CpuShareReport shareCpuBudget(std::vector<ModelConfig>& models, uint32_t budget);

}  // namespace mserve::config

// Plugin-config defaults the process's CPU budget decides (DESIGN.md §3b, REFERENCE-2 §9): only
// for properties the user left unset, so an explicit --plugin_config or config.json value always
// wins. Pure function.
#pragma once

#include <string>

#include "config/plugin_config.hpp"
#include "util/cpu_budget.hpp"

namespace mserve::config {

// The properties to add to `user` (already normalised) when compiling for `device`. Empty unless
// the device is exactly CPU and a CFS quota is below the CPUs OpenVINO can see (OpenVINO honours
// the affinity mask and cpuset itself, never the quota). Then:
// - INFERENCE_NUM_THREADS = the budget: never more threads than the quota pays for;
// - ENABLE_CPU_PINNING = NO: pinned threads under a quota get throttled together;
// - NUM_STREAMS for the THROUGHPUT hint = the budget, or the model's INFERENCE_NUM_THREADS when
//   lower (set by the user or by the fair split, config/cpu_share.hpp): OpenVINO would size it
//   from host CPUs, and streams x threads must stay within what the model was given.
PluginConfig cpuBudgetDefaults(const PluginConfig& user, const std::string& device,
                               const util::CpuBudget& budget);

}  // namespace mserve::config

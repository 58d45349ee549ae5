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
// - NUM_STREAMS = the budget for the THROUGHPUT hint: OpenVINO would size it from host CPUs.
PluginConfig cpuBudgetDefaults(const PluginConfig& user, const std::string& device,
                               const util::CpuBudget& budget);

}  // namespace mserve::config

#include "config/cpu_defaults.hpp"

#include <algorithm>

namespace mserve::config {
namespace {

const std::string* find(const PluginConfig& config, std::string_view key) {
  const auto it = std::find_if(config.begin(), config.end(),
                               [key](const auto& entry) { return entry.first == key; });
  return it == config.end() ? nullptr : &it->second;
}

}  // namespace

PluginConfig cpuBudgetDefaults(const PluginConfig& user, const std::string& device,
                               const util::CpuBudget& budget) {
  PluginConfig added;
  if (device != "CPU" || !budget.quotaLimits()) return added;
  const std::string cpus = std::to_string(budget.cpus);
  if (find(user, "INFERENCE_NUM_THREADS") == nullptr) {
    added.emplace_back("INFERENCE_NUM_THREADS", cpus);
  }
  if (find(user, "ENABLE_CPU_PINNING") == nullptr) added.emplace_back("ENABLE_CPU_PINNING", "NO");
  const std::string* hint = find(user, "PERFORMANCE_HINT");
  if (hint != nullptr && *hint == "THROUGHPUT" && find(user, "NUM_STREAMS") == nullptr) {
    added.emplace_back("NUM_STREAMS", cpus);
  }
  return added;
}

}  // namespace mserve::config

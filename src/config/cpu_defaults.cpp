#include "config/cpu_defaults.hpp"

#include <algorithm>
#include <charconv>

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
    // Within the model's threads when it has its own (or its fair share's): streams beyond its
    // threads would add threads the split did not give it.
    uint32_t streams = budget.cpus;
    if (const std::string* threads = find(user, "INFERENCE_NUM_THREADS")) {
      uint32_t number = 0;
      const auto [end, error] =
          std::from_chars(threads->data(), threads->data() + threads->size(), number);
      if (error == std::errc() && end == threads->data() + threads->size() && number > 0) {
        streams = std::min(streams, number);
      }
    }
    added.emplace_back("NUM_STREAMS", std::to_string(streams));
  }
  return added;
}

}  // namespace mserve::config

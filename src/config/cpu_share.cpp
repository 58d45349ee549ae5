#include "config/cpu_share.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace mserve::config {
namespace {

std::optional<uint32_t> numberProperty(const PluginConfig& config, const std::string& key) {
  for (const auto& [name, value] : config) {
    if (name != key) continue;
    uint32_t number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error == std::errc() && end == value.data() + value.size()) return number;
    return std::nullopt;  // AUTO or another word: counts as explicit, size unknown
  }
  return std::nullopt;
}

bool hasProperty(const PluginConfig& config, const std::string& key) {
  return std::any_of(config.begin(), config.end(),
                     [&](const auto& property) { return property.first == key; });
}

bool explicitCpu(const ModelConfig& model) {
  return hasProperty(model.plugin_config, "NUM_STREAMS") ||
         hasProperty(model.plugin_config, "INFERENCE_NUM_THREADS");
}

// The threads of an explicit model. OpenVINO's INFERENCE_NUM_THREADS is the compiled model's
// total, which its streams divide (at least one thread each); without it, OpenVINO spreads its
// streams over every core it sees.
uint64_t explicitCost(const ModelConfig& model, uint32_t budget) {
  const uint32_t streams = numberProperty(model.plugin_config, "NUM_STREAMS").value_or(1);
  const auto threads = numberProperty(model.plugin_config, "INFERENCE_NUM_THREADS");
  if (threads && *threads > 0) return std::max(streams, *threads);
  return budget;
}

}  // namespace

CpuShareReport shareCpuBudget(std::vector<ModelConfig>& models, uint32_t budget) {
  CpuShareReport report;
  budget = std::max(budget, 1u);
  std::vector<ModelConfig*> sharing;
  uint64_t explicit_total = 0;
  size_t cpu_models = 0;
  for (ModelConfig& model : models) {
    if (model.target_device != "CPU") continue;
    ++cpu_models;
    if (explicitCpu(model)) {
      explicit_total += explicitCost(model, budget);
    } else {
      sharing.push_back(&model);
    }
  }
  if (explicit_total > budget) {
    report.warnings.push_back("Models with explicit NUM_STREAMS/INFERENCE_NUM_THREADS use " +
                              std::to_string(explicit_total) + " threads, more than " +
                              "the CPU budget of " + std::to_string(budget));
  }
  if (cpu_models < 2 || sharing.empty()) return report;
  const uint64_t left = explicit_total >= budget ? 0 : budget - explicit_total;
  uint64_t weights = 0;
  for (const ModelConfig* model : sharing) weights += model->scheduling.cpu_weight;
  report.oversubscribed = left < sharing.size();
  std::string split;
  for (ModelConfig* model : sharing) {
    const uint64_t share = std::max<uint64_t>(1, left * model->scheduling.cpu_weight / weights);
    model->plugin_config.emplace_back("INFERENCE_NUM_THREADS", std::to_string(share));
    if (!split.empty()) split += ", ";
    split += model->name + " " + std::to_string(share);
  }
  report.info.push_back("CPU budget " + std::to_string(budget) + " (" +
                        std::to_string(explicit_total) + " taken by explicit settings) split " +
                        "between models by cpu_weight, INFERENCE_NUM_THREADS: " + split);
  if (report.oversubscribed) {
    // The cores explicit settings left: one thread per sharing model, one inference per core.
    report.admission_limit = static_cast<uint32_t>(std::max<uint64_t>(left, 1));
    for (ModelConfig* model : sharing) {
      model->scheduling.admitted = true;
      model->fingerprint += " admitted";  // entering or leaving the limit reloads the version
    }
    report.warnings.push_back(
        "More models share the CPU than it has cores left: each got one thread and they share "
        "the cores in time, admission limit " +
        std::to_string(report.admission_limit) + " concurrent inferences, next by cpu_weight");
  } else {
    report.info.back() += "; the split fits: no admission limit";
  }
  return report;
}

}  // namespace mserve::config

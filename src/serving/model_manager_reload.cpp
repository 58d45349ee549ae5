// ModelManager's config-file side: the initial load of config.json, the watcher's polls and the
// reload endpoint (REFERENCE.md §2.5, §3.6). A changed file is applied as a whole only when it
// parses and validates; otherwise everything keeps serving as before.
#include <filesystem>

#include "config/cpu_share.hpp"
#include "serving/model_manager.hpp"
#include "util/logging.hpp"

namespace mserve::serving {
namespace {

std::string configDir(const std::string& config_path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(config_path, ec);
  return (ec ? std::filesystem::path(config_path) : absolute).parent_path().string();
}

void logCpuShare(const config::CpuShareReport& report) {
  for (const std::string& line : report.info) MSERVE_LOG(util::modelManagerLog(), info, "{}", line);
  for (const std::string& line : report.warnings) {
    MSERVE_LOG(util::modelManagerLog(), warn, "{}", line);
  }
}

}  // namespace

util::Status ModelManager::loadConfigFile(const std::string& config_path) {
  std::lock_guard reload(reload_mutex_);
  config_path_ = config::configFilePath(config_path);
  MSERVE_LOG(util::modelManagerLog(), info, "Loading configuration from {}", config_path_);
  auto text = config::readConfigFile(config_path_);
  if (!text.isOk()) return text.status();
  auto server = config::parseServerConfig(text.value(), configDir(config_path_));
  if (!server.isOk()) return server.status();
  metrics_ = server->metrics;
  applyServerConfig(server.value());
  applied_text_ = std::move(text).value();
  endProblemCycle();
  return util::Status::ok();
}

bool ModelManager::applyServerConfig(const config::ServerConfig& server) {
  for (const std::string& warning : server.warnings) {
    MSERVE_LOG(util::modelManagerLog(), warn, "{}", warning);
  }
  std::set<std::string, std::less<>> names;
  for (const config::RejectedModel& rejected : server.rejected) {
    // A model that was serving keeps its previous configuration until the entry is fixed.
    names.insert(rejected.name);
    MSERVE_LOG(util::modelManagerLog(), err, "Parsing model: {} config failed: {}", rejected.name,
               rejected.status.message());
  }
  std::vector<config::ModelConfig> models = server.models;
  // The process's CPU budget (affinity, cpuset, CFS quota), computed once at start.
  const config::CpuShareReport share =
      config::shareCpuBudget(models, options_.load.cpu_budget.cpus);
  logCpuShare(share);
  // The limit is the budget, fixed at start: one limiter serves every reload, so versions
  // loaded before and after a reload count against the same slots.
  if (share.admission_limit > 0 && !options_.load.admission) {
    options_.load.admission = std::make_shared<engine::AdmissionLimiter>(share.admission_limit);
    admission_.store(options_.load.admission.get());
  }
  bool changed = false;
  for (const config::ModelConfig& model : models) {
    names.insert(model.name);
    changed = reconcile(model).changed || changed;
  }
  for (const auto& [name, model] : models_) {
    if (model->configured() && names.count(name) == 0) {
      retireModel(*model, "removed from the configuration");
      changed = true;
    }
  }
  return changed;
}

bool ModelManager::rescanAll() {
  std::vector<config::ModelConfig> configs;
  for (const auto& [name, model] : models_) {
    if (model->configured()) configs.push_back(model->config());
  }
  bool changed = false;
  for (const config::ModelConfig& config : configs) changed = reconcile(config).changed || changed;
  return changed;
}

void ModelManager::reportProblem(const std::string& problem) {
  const bool known = problems_before_.count(problem) != 0 || problems_now_.count(problem) != 0;
  problems_now_.insert(problem);
  if (!known) MSERVE_LOG(util::modelManagerLog(), err, "{}", problem);
}

void ModelManager::endProblemCycle() {
  problems_before_ = std::move(problems_now_);
  problems_now_.clear();
}

ModelManager::FileCheck ModelManager::checkConfigFile(util::Status* error) {
  auto text = config::readConfigFile(config_path_);
  if (!text.isOk()) {
    reportProblem("Configuration file cannot be read: " + text.status().message());
    *error = text.status();
    return FileCheck::kUnreadable;
  }
  if (text.value() == applied_text_) return FileCheck::kUnchanged;
  auto server = config::parseServerConfig(text.value(), configDir(config_path_));
  if (!server.isOk()) {
    reportProblem("Configuration file " + config_path_ +
                  " changed but is invalid; the previous configuration stays in effect: " +
                  server.status().message());
    *error = server.status();
    return FileCheck::kInvalid;
  }
  MSERVE_LOG(util::modelManagerLog(), info,
             "Configuration file {} changed (hash {:016x}): applying", config_path_,
             config::contentHash(text.value()));
  if (server->metrics.has_value() != metrics_.has_value()) {
    MSERVE_LOG(util::modelManagerLog(), warn,
               "The monitoring section is read once at start; restart to apply its change");
  }
  applyServerConfig(server.value());
  applied_text_ = std::move(text).value();
  return FileCheck::kApplied;
}

void ModelManager::poll() {
  std::lock_guard reload(reload_mutex_);
  util::Status ignored;
  const bool applied = !config_path_.empty() && checkConfigFile(&ignored) == FileCheck::kApplied;
  if (!applied) rescanAll();
  endProblemCycle();
  releaseFreedMemory();
}

ReloadResult ModelManager::reloadConfig() {
  std::lock_guard reload(reload_mutex_);
  ReloadResult result;
  problems_before_.clear();  // whoever asked is told "check the logs": say it again
  if (!config_path_.empty()) {
    switch (checkConfigFile(&result.error)) {
      case FileCheck::kUnreadable:
        result.outcome = ReloadResult::Outcome::kFileUnreadable;
        return result;
      case FileCheck::kInvalid:
        result.outcome = ReloadResult::Outcome::kConfigInvalid;
        return result;
      case FileCheck::kApplied:
        result.outcome = ReloadResult::Outcome::kReloaded;
        break;
      case FileCheck::kUnchanged:
        break;
    }
  }
  if (result.outcome != ReloadResult::Outcome::kReloaded && rescanAll()) {
    result.outcome = ReloadResult::Outcome::kReloaded;
  }
  endProblemCycle();
  releaseFreedMemory();
  return result;
}

}  // namespace mserve::serving

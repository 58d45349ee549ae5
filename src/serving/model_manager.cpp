// ModelManager lookups and the reconciliation of one model's versions with its configuration
// and folder. The config-file side (start, polls, reload endpoint) is in
// model_manager_reload.cpp.
#include "serving/model_manager.hpp"

#include <malloc.h>

#include <algorithm>

#include "config/model_config_json.hpp"
#include "repository/folder_signature.hpp"
#include "repository/model_repository.hpp"
#include "serving/model_loader.hpp"
#include "util/logging.hpp"

namespace mserve::serving {
namespace {

using util::Status;
using util::StatusCode;

// What a load is attempted with: a failed version is retried only when this changes (its
// configuration, or its files, e.g. once a copy into the repository has finished).
std::string attemptKey(const config::ModelConfig& config, const std::string& path) {
  return config.fingerprint + "\n" + repository::folderSignature(path);
}

std::vector<int64_t> keys(const std::map<int64_t, std::string>& versions) {
  std::vector<int64_t> result;
  for (const auto& [version, path] : versions) result.push_back(version);
  return result;
}

}  // namespace

// The outcome of loading the versions a policy selects, before it is applied.
struct ModelManager::LoadRound {
  std::set<int64_t> wanted;                                 // the policy's final selection
  std::map<int64_t, std::shared_ptr<ModelVersion>> loaded;  // new instances to install
  bool failures = false;  // some version the policy allows could not be loaded
  Status last_error;
};

ModelManager::ModelManager(std::shared_ptr<engine::Core> core, Options options)
    : core_(std::move(core)), options_(options) {}

util::Status ModelManager::loadModel(const config::ModelConfig& config) {
  MSERVE_RETURN_IF_ERROR(config::validateModelName(config.name));
  std::lock_guard reload(reload_mutex_);
  const ReconcileResult result = reconcile(config);
  std::shared_lock lock(mutex_);
  if (models_.at(config.name)->find(0).isOk()) return Status::ok();
  if (!result.last_error.isOk()) return result.last_error;
  return Status(StatusCode::kNoModelVersionAvailable, config.base_path);
}

Model& ModelManager::registerModel(const config::ModelConfig& config, bool* created) {
  const auto found = models_.find(config.name);
  *created = found == models_.end();
  if (!*created) return *found->second;
  std::unique_lock lock(mutex_);
  return *models_.emplace(config.name, std::make_unique<Model>(config)).first->second;
}

ModelManager::ReconcileResult ModelManager::reconcile(const config::ModelConfig& config) {
  bool created = false;
  Model& model = registerModel(config, &created);
  const bool first_scan =
      created || model.config().fingerprint != config.fingerprint || !model.configured();
  std::vector<std::string> skipped;
  auto listing = repository::listVersions(config.base_path, &skipped);
  if (!listing.isOk()) {
    // A folder that vanished keeps its instances serving until it is back.
    reportProblem("Model " + config.name + ": " + listing.status().message());
    std::unique_lock lock(mutex_);
    model.setConfig(config);
    model.setConfigured(true);
    return {false, listing.status()};
  }
  for (const std::string& folder : skipped) {
    if (first_scan) {
      MSERVE_LOG(util::modelManagerLog(), warn, "Skipping non-numeric version folder: {}", folder);
    }
  }
  std::map<int64_t, std::string> available;
  for (const auto& entry : listing.value()) available[entry.version] = entry.path;
  if (available.empty() && first_scan) {
    MSERVE_LOG(util::modelManagerLog(), warn, "No version found for model in path: {}",
               config.base_path);
  }
  LoadRound round = loadVersions(model, config, available);
  return apply(model, config, available, round);
}

ModelManager::LoadRound ModelManager::loadVersions(
    Model& model, const config::ModelConfig& config,
    const std::map<int64_t, std::string>& available) {
  LoadRound round;
  // This thread is the only writer of `model`, so it reads it without the lookup lock.
  std::set<int64_t> excluded;  // failed and not serving: the policy picks among the others
  for (const auto& [version, path] : available) {
    const VersionEntry* entry = model.entry(version);
    if (entry != nullptr && !entry->serving && !entry->failed_key.empty() &&
        entry->failed_key == attemptKey(config, path)) {
      excluded.insert(version);
    }
  }
  std::optional<Status> plugin_check;
  for (;;) {
    std::vector<int64_t> candidates;
    for (const auto& [version, path] : available) {
      if (excluded.count(version) == 0) candidates.push_back(version);
    }
    const std::vector<int64_t> selected = config.version_policy.select(candidates);
    round.wanted = std::set<int64_t>(selected.begin(), selected.end());
    bool fell_back = false;
    for (int64_t version : selected) {
      const VersionEntry* entry = model.entry(version);
      const bool serving = entry != nullptr && entry->serving != nullptr;
      if (round.loaded.count(version) != 0) continue;
      if (serving && entry->serving_fingerprint == config.fingerprint) continue;  // up to date
      const std::string key = attemptKey(config, available.at(version));
      // A replacement that failed with unchanged inputs: the running instance serves on.
      if (serving && entry->failed_key == key) continue;
      auto loaded = loadOne(model, config, version, available.at(version), plugin_check);
      if (loaded.isOk()) {
        round.loaded[version] = std::move(loaded).value();
        continue;
      }
      MSERVE_LOG(util::modelManagerLog(), err, "Error loading model: {}, version: {}: {}{}",
                 config.name, version, loaded.status().message(),
                 serving ? " (the running instance keeps serving)" : "");
      round.last_error = loaded.status();
      {
        std::unique_lock lock(mutex_);
        model.markFailed(version, key, loaded.status());
      }
      if (!serving) {
        // OVMS's fallback: drop the version and apply the policy again.
        excluded.insert(version);
        fell_back = true;
      }
    }
    if (!fell_back) break;
  }
  round.failures = !excluded.empty();
  return round;
}

util::StatusOr<std::shared_ptr<ModelVersion>> ModelManager::loadOne(
    Model& model, const config::ModelConfig& config, int64_t version, const std::string& path,
    std::optional<Status>& plugin_check) {
  {
    std::unique_lock lock(mutex_);
    model.markLoading(version);
  }
  if (!plugin_check) plugin_check = checkPluginKeys(*core_, config);
  if (!plugin_check->isOk()) return *plugin_check;
  auto loaded = loadModelVersion(*core_, config, version, path, options_.load);
  if (loaded.isOk() && options_.metrics != nullptr) {
    loaded.value()->attachMetrics(options_.metrics->addModelVersion(config.name, version));
  }
  return loaded;
}

ModelManager::ReconcileResult ModelManager::apply(Model& model, const config::ModelConfig& config,
                                                  const std::map<int64_t, std::string>& available,
                                                  LoadRound& round) {
  // Failed versions on the policy's fallback path stay listed as LOADING + UNKNOWN (OVMS);
  // every other version outside the selection retires.
  std::set<int64_t> keep = round.wanted;
  std::vector<int64_t> candidates = keys(available);
  for (bool fell_back = true; fell_back;) {
    fell_back = false;
    for (int64_t version : config.version_policy.select(candidates)) {
      const VersionEntry* entry = model.entry(version);
      if (entry != nullptr && !entry->serving && entry->error_code == VersionErrorCode::kUnknown) {
        keep.insert(version);
        std::erase(candidates, version);
        fell_back = true;
      }
    }
  }
  // Never trade serving versions for nothing: when no version the policy allows could be loaded
  // (say, a new base path whose only version is broken), the running ones serve on.
  if (round.wanted.empty() && round.failures && !model.available().empty()) {
    reportProblem("Model " + config.name +
                  ": no version of its configuration could be loaded; the running versions keep "
                  "serving");
    for (const auto& instance : model.available()) keep.insert(instance->version());
  }
  std::vector<std::shared_ptr<ModelVersion>> retired;
  {
    std::unique_lock lock(mutex_);
    model.setConfig(config);
    model.setConfigured(true);
    for (auto& [version, instance] : round.loaded) {
      if (round.wanted.count(version) == 0) continue;  // unreachable for the three policies
      if (auto previous = model.install(std::move(instance), config.fingerprint)) {
        retired.push_back(std::move(previous));
      }
    }
    for (auto& previous : model.retireAllBut(keep)) retired.push_back(std::move(previous));
  }
  const bool changed = !round.loaded.empty() || !retired.empty();
  trackRetired(std::move(retired));
  return {changed, round.last_error};
}

void ModelManager::retireModel(Model& model, const char* why) {
  std::vector<std::shared_ptr<ModelVersion>> retired;
  {
    std::unique_lock lock(mutex_);
    model.setConfigured(false);
    retired = model.retireAllBut({});
  }
  MSERVE_LOG(util::modelManagerLog(), info, "Model {} {}", model.config().name, why);
  trackRetired(std::move(retired));
}

void ModelManager::trackRetired(std::vector<std::shared_ptr<ModelVersion>> retired) {
  for (const auto& instance : retired) draining_.push_back(instance);
  // Instances no request holds are freed here, outside the lookup lock.
  retired.clear();
  releaseFreedMemory();
}

void ModelManager::releaseFreedMemory() {
  const size_t before = draining_.size();
  std::erase_if(draining_, [](const std::weak_ptr<ModelVersion>& v) { return v.expired(); });
  if (draining_.size() == before) return;
  // glibc keeps freed model memory in its arenas; hand it back so RSS drops after a retire.
  malloc_trim(0);
  MSERVE_LOG(util::modelManagerLog(), debug, "Freed {} retired model version(s)",
             before - draining_.size());
}

util::StatusOr<std::shared_ptr<ModelVersion>> ModelManager::findVersion(std::string_view name,
                                                                        int64_t version) const {
  std::shared_lock lock(mutex_);
  const auto model = models_.find(name);
  if (model == models_.end()) return Status(StatusCode::kModelNameMissing);
  return model->second->find(version);
}

util::StatusOr<std::vector<std::shared_ptr<ModelVersion>>> ModelManager::versions(
    std::string_view name) const {
  std::shared_lock lock(mutex_);
  const auto model = models_.find(name);
  if (model == models_.end()) return Status(StatusCode::kModelNameMissing);
  return model->second->available();
}

util::StatusOr<std::vector<std::shared_ptr<ModelVersion>>> ModelManager::allVersions(
    std::string_view name) const {
  auto highest_first = versions(name);
  if (!highest_first.isOk()) return highest_first.status();
  std::reverse(highest_first->begin(), highest_first->end());
  return highest_first;
}

util::StatusOr<std::vector<VersionStatus>> ModelManager::versionStatuses(
    std::string_view name) const {
  std::shared_lock lock(mutex_);
  const auto model = models_.find(name);
  if (model == models_.end()) return Status(StatusCode::kModelNameMissing);
  return model->second->statuses();
}

std::vector<std::string> ModelManager::modelNames() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> names;
  names.reserve(models_.size());
  for (const auto& entry : models_) names.push_back(entry.first);
  return names;
}

std::map<std::string, std::vector<VersionStatus>> ModelManager::allVersionStatuses() const {
  std::shared_lock lock(mutex_);
  std::map<std::string, std::vector<VersionStatus>> result;
  for (const auto& [name, model] : models_) result.emplace(name, model->statuses());
  return result;
}

}  // namespace mserve::serving

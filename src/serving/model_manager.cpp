#include "serving/model_manager.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "engine/infer_request_pool.hpp"
#include "repository/model_repository.hpp"
#include "util/logging.hpp"

namespace mserve::serving {
namespace {

using util::Status;
using util::StatusCode;

constexpr uint32_t kMaxNireq = 100000;  // OVMS's limit ("Nireq parameter too high")

engine::LoadSpec loadSpec(const config::ModelConfig& config, const std::string& model_file) {
  engine::LoadSpec spec;
  spec.model_file = model_file;
  spec.device = config.target_device;
  spec.properties = config.plugin_config;
  spec.shapes = config.shape.shapes;
  for (const std::string& input : config.shape.auto_inputs) spec.shapes[input] = {};
  spec.batch = config.batch_size;
  return spec;
}

// Composite devices (HETERO:, MULTI:, AUTO:) accept the union of their members' keys; OpenVINO
// itself rejects a wrong key there, so only single devices are pre-checked with OVMS's texts.
Status checkPluginKeys(const engine::Core& core, const config::ModelConfig& config) {
  if (config.target_device.find(':') != std::string::npos) return Status::ok();
  auto supported = core.supportedProperties(config.target_device);
  if (!supported.isOk()) return supported.status();
  const auto unknown = config::unsupportedKeys(config.plugin_config, supported.value());
  if (unknown.empty()) return Status::ok();
  for (const std::string& key : unknown) {
    MSERVE_LOG(util::modelManagerLog(), err,
               "Plugin config key: {} not found in supported config keys for device: {}.", key,
               config.target_device);
  }
  MSERVE_LOG(util::modelManagerLog(), err, "List of supported keys for this device:");
  for (const std::string& key : supported.value()) {
    MSERVE_LOG(util::modelManagerLog(), err, "{}", key);
  }
  return Status(StatusCode::kPluginConfigUnsupportedKey,
                "unsupported keys for " + config.target_device + ": " + unknown.front());
}

void logEffectiveProperties(const ModelVersion& version) {
  std::string text;
  for (const auto& [key, value] : version.compiledModel().allProperties()) {
    if (!text.empty()) text += ", ";
    text += key + ": " + value;
  }
  MSERVE_LOG(util::modelManagerLog(), info, "Model {} version {} compiled properties: {}",
             version.name(), version.version(), text);
  MSERVE_LOG(util::modelManagerLog(), info,
             "Model {} version {}: number of OpenVINO streams: {}, nireq: {}", version.name(),
             version.version(), version.compiledModel().property("NUM_STREAMS"), version.nireq());
}

}  // namespace

ModelManager::ModelManager(std::shared_ptr<engine::Core> core) : core_(std::move(core)) {}

util::StatusOr<std::shared_ptr<ModelVersion>> ModelManager::loadVersion(
    const config::ModelConfig& config, int64_t version, const std::string& path) {
  auto model_file = repository::findModelFile(path);
  if (!model_file.isOk()) return model_file.status();
  MSERVE_LOG(util::modelManagerLog(), info, "Loading model: {}, version: {}, from path: {}",
             config.name, version, model_file.value());
  auto compiled = engine::CompiledModel::load(*core_, loadSpec(config, model_file.value()));
  if (!compiled.isOk()) return compiled.status();
  const uint32_t nireq =
      config.nireq != 0 ? config.nireq : compiled.value()->optimalInferRequests();
  if (nireq > kMaxNireq) {
    return Status(StatusCode::kInvalidNireq, "nireq: " + std::to_string(nireq));
  }
  auto pool = engine::InferRequestPool::create(*compiled.value(), nireq);
  if (!pool.isOk()) return pool.status();
  auto loaded = std::make_shared<ModelVersion>(config.name, version, std::move(compiled.value()),
                                               std::move(pool.value()));
  logEffectiveProperties(*loaded);
  return loaded;
}

util::Status ModelManager::loadModel(const config::ModelConfig& config) {
  MSERVE_RETURN_IF_ERROR(checkPluginKeys(*core_, config));
  std::vector<std::string> skipped;
  auto entries = repository::listVersions(config.base_path, &skipped);
  if (!entries.isOk()) return entries.status();
  for (const std::string& name : skipped) {
    MSERVE_LOG(util::modelManagerLog(), warn, "Skipping non-numeric version folder: {}", name);
  }
  std::map<int64_t, std::string> available;
  for (const auto& entry : entries.value()) available[entry.version] = entry.path;

  // OVMS's fallback: a selected version that fails to load is dropped and the policy applied
  // again, so `latest 1` with a broken v3 serves v2.
  std::map<int64_t, std::shared_ptr<ModelVersion>> loaded;
  std::set<int64_t> failed;
  Status last_error(StatusCode::kNoModelVersionAvailable, config.base_path);
  for (;;) {
    std::vector<int64_t> candidates;
    for (const auto& [version, path] : available) {
      if (!failed.count(version)) candidates.push_back(version);
    }
    bool any_failed = false;
    for (int64_t version : config.version_policy.select(candidates)) {
      if (loaded.count(version)) continue;
      auto handle = loadVersion(config, version, available[version]);
      if (handle.isOk()) {
        loaded[version] = std::move(handle.value());
        continue;
      }
      MSERVE_LOG(util::modelManagerLog(), err, "Error loading model: {}, version: {}: {}",
                 config.name, version, handle.status().message());
      last_error = handle.status();
      failed.insert(version);
      any_failed = true;
    }
    // Nothing failed: done. Otherwise the policy may now select a lower version: go again.
    if (!any_failed) break;
  }
  if (loaded.empty()) return last_error;
  std::unique_lock lock(mutex_);
  models_[config.name] = std::move(loaded);
  return Status::ok();
}

util::StatusOr<std::shared_ptr<ModelVersion>> ModelManager::findVersion(std::string_view name,
                                                                        int64_t version) const {
  std::shared_lock lock(mutex_);
  auto model = models_.find(name);
  if (model == models_.end()) return Status(StatusCode::kModelNameMissing);
  const auto& versions = model->second;
  if (version == 0) {
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
      if (it->second->state() == VersionState::kAvailable) return it->second;
    }
    return Status(StatusCode::kModelVersionMissing);
  }
  auto found = versions.find(version);
  if (found == versions.end()) return Status(StatusCode::kModelVersionMissing);
  switch (found->second->state()) {
    case VersionState::kAvailable:
      return found->second;
    case VersionState::kStart:
    case VersionState::kLoading:
      return Status(StatusCode::kModelVersionNotLoadedYet);
    default:
      return Status(StatusCode::kModelVersionNotLoadedAnymore);
  }
}

util::StatusOr<std::vector<std::shared_ptr<ModelVersion>>> ModelManager::versions(
    std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto model = models_.find(name);
  if (model == models_.end()) return Status(StatusCode::kModelNameMissing);
  std::vector<std::shared_ptr<ModelVersion>> result;
  for (auto it = model->second.rbegin(); it != model->second.rend(); ++it) {
    if (it->second->state() == VersionState::kAvailable) result.push_back(it->second);
  }
  return result;
}

}  // namespace mserve::serving

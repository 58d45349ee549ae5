// ModelManager's explicit model control: the repository API's load and unload (REFERENCE-2.md
// §2). Both run under reload_mutex_ like every reconfiguration, and a load goes through
// reconcile(): new instances load beside the serving ones and are swapped in when ready.
#include <filesystem>

#include "config/model_config_json.hpp"
#include "config/model_config_override.hpp"
#include "serving/model_manager.hpp"
#include "util/logging.hpp"

namespace mserve::serving {
namespace {

using util::Status;
using util::StatusCode;

std::string loadFailed(const std::string& name, const std::string& why) {
  return "failed to load '" + name + "', " + why;
}

// Where relative base paths of an override resolve: config.json's folder, else the working one.
std::string overrideDir(const std::string& config_path) {
  std::error_code ec;
  const std::filesystem::path base = config_path.empty()
                                         ? std::filesystem::current_path(ec)
                                         : std::filesystem::absolute(config_path, ec).parent_path();
  return ec ? std::string() : base.string();
}

}  // namespace

util::StatusOr<config::ModelConfig> ModelManager::requestedConfig(
    const std::string& name, const std::optional<std::string>& override) {
  if (override) {
    auto config = config::modelConfigFromOverride(name, *override, overrideDir(config_path_));
    if (!config.isOk()) {
      return Status(StatusCode::kTritonInvalidArgument,
                    loadFailed(name, "invalid 'config' parameter: " + config.status().message()));
    }
    return config;
  }
  if (!config_path_.empty()) {
    auto text = config::readConfigFile(config_path_);
    auto server = text.isOk() ? config::parseServerConfig(*text, overrideDir(config_path_))
                              : util::StatusOr<config::ServerConfig>(text.status());
    if (!server.isOk())
      return Status(StatusCode::kTritonInternal, loadFailed(name, server.status().message()));
    for (config::ModelConfig& model : server->models) {
      if (model.name == name) return std::move(model);
    }
  }
  // Not in the file: the configuration it was last loaded with (an earlier override).
  const auto known = models_.find(name);
  if (known != models_.end()) return known->second->config();
  return Status(StatusCode::kTritonInternal,
                loadFailed(name,
                           "failed to poll from model repository: the model is not in the "
                           "configuration and the request has no 'config' parameter"));
}

util::Status ModelManager::loadOnRequest(const std::string& name,
                                         const std::optional<std::string>& override) {
  std::lock_guard reload(reload_mutex_);
  auto config = requestedConfig(name, override);
  if (!config.isOk()) return config.status();
  MSERVE_LOG(util::modelManagerLog(), info, "Loading model {} on request", name);
  if (const auto known = models_.find(name); known != models_.end()) {
    std::unique_lock lock(mutex_);
    known->second->forgetFailures();  // a load request retries what failed before
  }
  const ReconcileResult result = reconcile(*config);
  endProblemCycle();
  releaseFreedMemory();
  std::shared_lock lock(mutex_);
  if (!models_.at(name)->available().empty()) return Status::ok();
  return Status(StatusCode::kTritonInternal,
                loadFailed(name, result.last_error.isOk() ? "no version is available"
                                                          : result.last_error.message()));
}

util::Status ModelManager::unloadOnRequest(const std::string& name) {
  std::lock_guard reload(reload_mutex_);
  const auto known = models_.find(name);
  if (known == models_.end()) {
    return Status(StatusCode::kTritonInvalidArgument,
                  "failed to unload '" + name + "', no model with that name");
  }
  retireModel(*known->second, "unloaded on request");
  return Status::ok();
}

}  // namespace mserve::serving

#include "serving/serving_config_backend.hpp"

#include "util/logging.hpp"

namespace mserve::serving {

api::config::ReloadOutcome ServingConfigBackend::reload() {
  const ReloadResult result = manager_.reloadConfig();
  switch (result.outcome) {
    case ReloadResult::Outcome::kReloaded:
      return api::config::ReloadOutcome::kReloaded;
    case ReloadResult::Outcome::kNotReloaded:
      MSERVE_LOG(util::modelManagerLog(), debug, "Config file reload was not needed.");
      return api::config::ReloadOutcome::kNotReloaded;
    case ReloadResult::Outcome::kFileUnreadable:
      return api::config::ReloadOutcome::kFileUnreadable;
    case ReloadResult::Outcome::kConfigInvalid:
      return api::config::ReloadOutcome::kConfigInvalid;
  }
  return api::config::ReloadOutcome::kConfigInvalid;
}

api::config::ModelStatusMap ServingConfigBackend::statuses() const {
  api::config::ModelStatusMap result;
  for (const auto& [name, versions] : manager_.allVersionStatuses()) {
    auto& out = result[name];
    out.reserve(versions.size());
    for (const VersionStatus& status : versions) out.push_back(toApiStatus(status));
  }
  return result;
}

}  // namespace mserve::serving

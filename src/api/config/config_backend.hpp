// The small internal API through which the config endpoints (GET /v1/config, POST
// /v1/config/reload) reach the serving core; serving/ implements it, tests fake it.
// Implementations must be safe to call from any number of transport threads at once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "api/kfs/kfs_backend.hpp"

namespace mserve::api::config {

// Every model known since start → its version statuses, ascending by version.
using ModelStatusMap = std::map<std::string, std::vector<kfs::VersionStatus>>;

enum class ReloadOutcome {
  kReloaded,        // the config file or a model folder changed and was applied
  kNotReloaded,     // nothing had changed
  kFileUnreadable,  // the config file is gone or unreadable: nothing changed
  kConfigInvalid,   // the config file is not valid: the previous one stays in effect
};

class ConfigBackend {
 public:
  virtual ~ConfigBackend() = default;
  // Applies config-file and version-folder changes now; returns once models are loaded.
  virtual ReloadOutcome reload() = 0;
  virtual ModelStatusMap statuses() const = 0;
};

}  // namespace mserve::api::config

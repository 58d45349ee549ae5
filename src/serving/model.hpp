// One served model: the configuration it runs with and an entry per version it has tried to
// serve (the serving instance, the state reported to clients, the last load failure). Answers
// the lookups requests make and the status reports. Not synchronised itself: ModelManager
// guards every Model with its lookup mutex (shared for the const members, exclusive for the
// others) and lets only one reconfiguration run at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/model_config.hpp"
#include "serving/model_version.hpp"
#include "serving/version_status.hpp"
#include "util/status.hpp"

namespace mserve::serving {

struct VersionEntry {
  std::shared_ptr<ModelVersion> serving;  // what requests get; set exactly while AVAILABLE
  std::string serving_fingerprint;        // ModelConfig::fingerprint `serving` was loaded with
  std::weak_ptr<ModelVersion> retired;    // the instance retired last: UNLOADING until freed
  VersionState state = VersionState::kStart;
  VersionErrorCode error_code = VersionErrorCode::kOk;
  std::string reason;      // why the last load failed; "" after a success
  std::string failed_key;  // what that load was tried with (config + folder): retry on change
};

class Model {
 public:
  explicit Model(config::ModelConfig config) : config_(std::move(config)) {}

  const config::ModelConfig& config() const { return config_; }
  void setConfig(config::ModelConfig config) { config_ = std::move(config); }
  // Whether the model is in the current configuration (removed ones stay listed as END).
  bool configured() const { return configured_; }
  void setConfigured(bool configured) { configured_ = configured; }

  // The entry of `version`, nullptr if the model never tried to serve it.
  const VersionEntry* entry(int64_t version) const;
  VersionEntry& entryFor(int64_t version) { return versions_[version]; }

  // OVMS lookup rules: version 0 = the highest AVAILABLE one (MODEL_VERSION_MISSING if none);
  // an unknown version MODEL_VERSION_MISSING; LOADING ones MODEL_VERSION_NOT_LOADED_YET;
  // retired ones MODEL_VERSION_NOT_LOADED_ANYMORE.
  util::StatusOr<std::shared_ptr<ModelVersion>> find(int64_t version) const;
  // AVAILABLE instances, highest version first.
  std::vector<std::shared_ptr<ModelVersion>> available() const;
  // One status per entry, ascending by version.
  std::vector<VersionStatus> statuses() const;

  // State changes, each logged as OVMS's "STATUS CHANGE" line.
  void markLoading(int64_t version);
  // Starts serving `instance` for its version; a previous instance is retired (requests that
  // hold it finish on it). Returns the retired instance, if any.
  std::shared_ptr<ModelVersion> install(std::shared_ptr<ModelVersion> instance,
                                        const std::string& fingerprint);
  // Records a failed load; a version without a serving instance becomes LOADING + UNKNOWN.
  void markFailed(int64_t version, const std::string& failed_key, const util::Status& status);
  // Lets every failed version be tried again even if its inputs did not change (an explicit
  // load request asks for exactly that).
  void forgetFailures();
  // Stops serving `version` (END; UNLOADING while requests still hold the instance).
  std::shared_ptr<ModelVersion> retire(int64_t version);
  // Versions whose entries are not END and are not in `keep`: retired, returned.
  std::vector<std::shared_ptr<ModelVersion>> retireAllBut(const std::set<int64_t>& keep);

 private:
  void logState(int64_t version) const;

  config::ModelConfig config_;
  bool configured_ = true;
  std::map<int64_t, VersionEntry> versions_;
};

}  // namespace mserve::serving

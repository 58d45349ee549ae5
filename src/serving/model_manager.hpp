// Name → model → served versions, and their lifecycle: the initial load (one model from the
// command line, or config.json), the watcher's polls and the reload endpoint. A model whose
// configuration or folder changed is loaded beside the serving instances and swapped in when
// ready; retired instances finish their requests (shared_ptr handles) before they are freed; a
// version that fails to load falls back to the next one the policy allows (REFERENCE.md §2).
// Thread-safe: lookups take a shared lock and never wait for a load; reconfigurations run one
// at a time under reload_mutex_ and take the lookup lock exclusively only to swap.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_file.hpp"
#include "config/model_config.hpp"
#include "engine/core.hpp"
#include "metrics/metrics_registry.hpp"
#include "serving/model.hpp"
#include "serving/model_loader.hpp"
#include "serving/model_version.hpp"
#include "serving/version_status.hpp"
#include "util/status.hpp"

namespace mserve::serving {

// What POST /v1/config/reload did.
struct ReloadResult {
  enum class Outcome { kReloaded, kNotReloaded, kFileUnreadable, kConfigInvalid };
  Outcome outcome = Outcome::kNotReloaded;
  util::Status error;  // for kFileUnreadable and kConfigInvalid
};

class ModelManager {
 public:
  // The admission limit of fair core sharing, once a configuration needed it (else null).
  const engine::AdmissionLimiter* admission() const { return admission_.load(); }
  struct Options {
    LoadOptions load;                             // applied to every version
    metrics::MetricsRegistry* metrics = nullptr;  // series for every loaded version; may be null
  };

  explicit ModelManager(std::shared_ptr<engine::Core> core) : ModelManager(std::move(core), {}) {}
  ModelManager(std::shared_ptr<engine::Core> core, Options options);

  // Single-model mode: serves `config` (its name validated); an error if no version could be
  // loaded. The watcher then rescans its folder.
  util::Status loadModel(const config::ModelConfig& config);
  // Config-file mode (--config_path, a file or its folder): an error, with nothing served, if
  // the file cannot be read or is invalid; models that fail to load do not make it fail.
  util::Status loadConfigFile(const std::string& config_path);

  // One watcher tick: a changed config file is applied (an invalid one is logged and ignored),
  // otherwise every model's folder is rescanned. Frees memory of retired versions.
  void poll();
  // POST /v1/config/reload: the same steps, reporting what happened.
  ReloadResult reloadConfig();

  // Explicit model control (the repository API): loads or reloads `name` with the override
  // (JSON of a config.json entry's "config"), else with its config.json entry, else with its
  // last configuration, through the same load-beside-and-swap path as reloads. Errors are
  // Triton's texts ("failed to load '<m>', ..."). Returns once the change took effect.
  util::Status loadOnRequest(const std::string& name, const std::optional<std::string>& override);
  // Unloads every version of `name` (END, reason "unloaded"); in-flight requests finish. Polls
  // and rescans leave it unloaded until it is loaded again or a changed config.json lists it.
  util::Status unloadOnRequest(const std::string& name);

  // The version to serve: `version` 0 means the highest available one.
  util::StatusOr<std::shared_ptr<ModelVersion>> findVersion(std::string_view name,
                                                            int64_t version) const;
  // Every available version of a model, highest first; MODEL_NAME_MISSING if unknown.
  util::StatusOr<std::vector<std::shared_ptr<ModelVersion>>> versions(std::string_view name) const;
  // Every version of a model that has a serving instance, ascending; MODEL_NAME_MISSING if
  // unknown. Status reports want versionStatuses(), which also lists failed and retired ones.
  util::StatusOr<std::vector<std::shared_ptr<ModelVersion>>> allVersions(
      std::string_view name) const;
  // GetModelStatus: every version the model tried to serve, ascending, in any state.
  util::StatusOr<std::vector<VersionStatus>> versionStatuses(std::string_view name) const;
  // Every model known since start, by name (removed ones too: they have no versions).
  std::vector<std::string> modelNames() const;
  // /v1/config: the same for every model known since start (removed ones list END).
  std::map<std::string, std::vector<VersionStatus>> allVersionStatuses() const;

  // The config file's monitoring.metrics section, fixed at start (OVMS reads it once).
  const std::optional<config::MetricsConfig>& metricsConfig() const { return metrics_; }

  void setReady() { ready_.store(true, std::memory_order_release); }
  bool ready() const { return ready_.load(std::memory_order_acquire); }

 private:
  struct LoadRound;
  struct ReconcileResult {
    bool changed = false;
    util::Status last_error;  // of the last failed scan or load
  };
  enum class FileCheck { kUnchanged, kApplied, kUnreadable, kInvalid };

  ReconcileResult reconcile(const config::ModelConfig& config);
  LoadRound loadVersions(Model& model, const config::ModelConfig& config,
                         const std::map<int64_t, std::string>& available);
  util::StatusOr<std::shared_ptr<ModelVersion>> loadOne(Model& model,
                                                        const config::ModelConfig& config,
                                                        int64_t version, const std::string& path,
                                                        std::optional<util::Status>& plugin_check);
  ReconcileResult apply(Model& model, const config::ModelConfig& config,
                        const std::map<int64_t, std::string>& available, LoadRound& round);
  Model& registerModel(const config::ModelConfig& config, bool* created);
  bool applyServerConfig(const config::ServerConfig& server);
  void retireModel(Model& model, const char* why);
  util::StatusOr<config::ModelConfig> requestedConfig(const std::string& name,
                                                      const std::optional<std::string>& override);
  bool rescanAll();
  FileCheck checkConfigFile(util::Status* error);
  void reportProblem(const std::string& problem);
  void endProblemCycle();
  void trackRetired(std::vector<std::shared_ptr<ModelVersion>> retired);
  void releaseFreedMemory();

  std::shared_ptr<engine::Core> core_;
  // load.admission is set once, by the first configuration that needs the admission limit
  // (under reload_mutex_, like every load that reads it); admission_ publishes it to readers.
  Options options_;
  std::atomic<const engine::AdmissionLimiter*> admission_{nullptr};  // never reset

  mutable std::shared_mutex mutex_;
  // name → model. Guarded by mutex_; written only while reload_mutex_ is held too, so the
  // reconfiguring thread reads it without mutex_. Models are never erased (stable addresses).
  std::map<std::string, std::unique_ptr<Model>, std::less<>> models_;

  std::mutex reload_mutex_;   // one reconfiguration at a time; guards the members below
  std::string config_path_;   // the config file; "" in single-model mode
  std::string applied_text_;  // its contents last applied
  // Problems (unreadable folders or files) seen by this and by the previous poll: a problem is
  // logged when it appears, not every second while it lasts.
  std::set<std::string> problems_now_;
  std::set<std::string> problems_before_;
  std::vector<std::weak_ptr<ModelVersion>> draining_;  // retired, maybe still serving requests

  std::optional<config::MetricsConfig> metrics_;  // written once by loadConfigFile, before serving
  std::atomic<bool> ready_{false};
};

}  // namespace mserve::serving

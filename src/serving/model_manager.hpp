// Name → model → served versions. Loads models from their configuration, answers lookups from
// every transport thread, and says whether the initial load finished (readiness). Thread-safe:
// lookups take a shared lock and return shared_ptr handles.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/model_config.hpp"
#include "engine/core.hpp"
#include "serving/model_version.hpp"
#include "util/status.hpp"

namespace mserve::serving {

class ModelManager {
 public:
  explicit ModelManager(std::shared_ptr<engine::Core> core);

  // Loads the versions the model's policy selects. A version that fails to load is skipped and
  // the policy re-applied to the rest (OVMS's fallback); an error only if none could be loaded.
  util::Status loadModel(const config::ModelConfig& config);

  // The version to serve: `version` 0 means the highest available one.
  util::StatusOr<std::shared_ptr<ModelVersion>> findVersion(std::string_view name,
                                                            int64_t version) const;
  // Every available version of a model, highest first; MODEL_NAME_MISSING if unknown.
  util::StatusOr<std::vector<std::shared_ptr<ModelVersion>>> versions(std::string_view name) const;

  void setReady() { ready_.store(true, std::memory_order_release); }
  bool ready() const { return ready_.load(std::memory_order_acquire); }

 private:
  util::StatusOr<std::shared_ptr<ModelVersion>> loadVersion(const config::ModelConfig& config,
                                                            int64_t version,
                                                            const std::string& path);

  std::shared_ptr<engine::Core> core_;
  mutable std::shared_mutex mutex_;
  // name → version → handle; guarded by mutex_.
  std::map<std::string, std::map<int64_t, std::shared_ptr<ModelVersion>>, std::less<>> models_;
  std::atomic<bool> ready_{false};
};

}  // namespace mserve::serving

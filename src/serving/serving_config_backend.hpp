// api::config::ConfigBackend over the ModelManager: what GET /v1/config and POST
// /v1/config/reload call. Thread-safe (the manager is; reloads run one at a time).
#pragma once

#include "api/config/config_backend.hpp"
#include "serving/model_manager.hpp"

namespace mserve::serving {

class ServingConfigBackend final : public api::config::ConfigBackend {
 public:
  explicit ServingConfigBackend(ModelManager& manager) : manager_(manager) {}

  api::config::ReloadOutcome reload() override;
  api::config::ModelStatusMap statuses() const override;

 private:
  ModelManager& manager_;
};

}  // namespace mserve::serving

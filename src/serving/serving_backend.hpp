// The serving core as the frontends see it: implements api::kfs::KfsBackend over the
// ModelManager, running completions on one executor. Owns the draining flag that makes
// readiness false during shutdown. Thread-safe.
#pragma once

#include <atomic>
#include <memory>

#include "api/kfs/kfs_backend.hpp"
#include "image/image_decoder.hpp"
#include "serving/model_manager.hpp"
#include "util/executor.hpp"

namespace mserve::serving {

class ServingBackend final : public api::kfs::KfsBackend {
 public:
  ServingBackend(ModelManager& manager, util::Executor& completion)
      : manager_(manager), completion_(completion) {}

  // Readiness turns false; requests still run (graceful shutdown drains them).
  void startDraining() { draining_.store(true, std::memory_order_release); }
  // Limits for binary image inputs; call before serving starts (not synchronised).
  void setImageLimits(const image::ImageLimits& limits) { image_limits_ = limits; }

  bool live() const override { return true; }
  bool ready() const override;
  util::StatusOr<bool> modelReady(std::string_view name, int64_t version) const override;
  util::StatusOr<api::kfs::ModelDescription> describe(std::string_view name,
                                                      int64_t version) const override;
  util::StatusOr<std::vector<api::kfs::VersionStatus>> versionStatuses(
      std::string_view name) const override;
  void countRequest(std::string_view name, int64_t version, metrics::Api api,
                    metrics::Interface interface, metrics::Method method,
                    bool success) const override;
  void infer(std::shared_ptr<const tensor::InferenceRequest> request,
             api::kfs::InferCallback done) override;

 private:
  ModelManager& manager_;
  util::Executor& completion_;
  std::atomic<bool> draining_{false};
  image::ImageLimits image_limits_;
};

}  // namespace mserve::serving

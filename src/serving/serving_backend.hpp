// The serving core as the frontends see it: implements api::kfs::KfsBackend over the
// ModelManager, running completions on one executor. Owns the draining flag that makes
// readiness false during shutdown, and the image decoding threads that keep binary image
// decoding off the REST event loop and gRPC's callback threads. Thread-safe.
#pragma once

#include <atomic>
#include <memory>

#include "api/kfs/kfs_backend.hpp"
#include "image/image_decoder.hpp"
#include "serving/model_manager.hpp"
#include "util/executor.hpp"
#include "util/thread_pool.hpp"

namespace mserve::serving {

class ServingBackend final : public api::kfs::KfsBackend {
 public:
  ServingBackend(ModelManager& manager, util::Executor& completion)
      : manager_(manager), completion_(completion) {}

  // Readiness turns false; requests still run (graceful shutdown drains them).
  void startDraining() { draining_.store(true, std::memory_order_release); }
  // Turns on explicit model control (--model_control_mode explicit): repository load/unload
  // requests run, one at a time, on a thread of their own. Call before serving starts.
  void enableModelControl();
  // Waits until the control thread is idle (queued requests answer "not ready" once draining);
  // call when shutting down, after startDraining() and before the transports stop.
  void stopModelControl();
  // Limits for binary image inputs; call before serving starts (not synchronised).
  void setImageLimits(const image::ImageLimits& limits) { image_limits_ = limits; }
  // Decodes binary images on `threads` threads of their own rather than on the thread that
  // calls infer() (a REST event loop or a gRPC callback thread, which would stall every other
  // client it serves), with at most `max_waiting` requests queued: more are refused with
  // RESOURCE_EXHAUSTED. Without it images are decoded on the calling thread. Call before
  // serving starts (not synchronised).
  void startImageDecoders(size_t threads, size_t max_waiting);

  bool live() const override { return true; }
  bool ready() const override;
  util::StatusOr<bool> modelReady(std::string_view name, int64_t version) const override;
  util::StatusOr<api::kfs::ModelDescription> describe(std::string_view name,
                                                      int64_t version) const override;
  util::StatusOr<std::vector<api::kfs::VersionStatus>> versionStatuses(
      std::string_view name) const override;
  util::StatusOr<std::vector<api::kfs::VersionStatistics>> statistics(
      std::string_view name, int64_t version) const override;
  util::StatusOr<std::vector<api::kfs::ModelIndexEntry>> repositoryIndex(
      bool ready_only) const override;
  void loadModel(std::string name, std::optional<std::string> config,
                 api::kfs::ControlCallback done) override;
  void unloadModel(std::string name, api::kfs::ControlCallback done) override;
  void countRequest(std::string_view name, int64_t version, metrics::Api api,
                    metrics::Interface interface, metrics::Method method,
                    bool success) const override;
  void infer(std::shared_ptr<const tensor::InferenceRequest> request,
             api::kfs::InferCallback done) override;

 private:
  ModelManager& manager_;
  util::Executor& completion_;
  // Posts a load/unload to the control thread, refusing when off or too many wait.
  void control(std::function<util::Status()> change, api::kfs::ControlCallback done);

  std::atomic<bool> draining_{false};
  void inferDecoded(std::shared_ptr<ModelVersion> version,
                    std::shared_ptr<const tensor::InferenceRequest> request,
                    api::kfs::InferCallback done);

  image::ImageLimits image_limits_;
  std::unique_ptr<util::ThreadPool> control_;  // null unless explicit model control is on
  std::atomic<size_t> control_waiting_{0};     // posted to control_, not yet started
  size_t image_max_waiting_ = 0;
  // Last: joined (after running what is queued) before the members its tasks use go away.
  std::unique_ptr<util::ThreadPool> image_decoders_;
};

}  // namespace mserve::serving

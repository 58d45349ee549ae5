// One loaded version of a model: its compiled model and infer-request pool, and the execution of
// requests against it. Requests hold a shared_ptr to the version for as long as they use it, so
// a retired version is freed only after its last request finished. Tensor names are the ones
// clients see (renamed by the version's mapping_config.json); the engine keeps the model's own
// names and is addressed by index. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/tensor_mapping.hpp"
#include "engine/compiled_model.hpp"
#include "engine/infer_request_pool.hpp"
#include "metrics/infer_statistics.hpp"
#include "metrics/model_metrics.hpp"
#include "scheduling/request_scheduler.hpp"
#include "serving/reported_shapes.hpp"
#include "tensor/inference_request.hpp"
#include "util/executor.hpp"
#include "util/status.hpp"

namespace mserve::serving {

enum class VersionState { kStart, kLoading, kAvailable, kUnloading, kEnd };

// Called once per request with the outcome; `response` is non-null only on success and its
// views are valid only during the call.
using ResponseCallback = scheduling::ResponseCallback;

struct MetadataPorts {
  std::vector<engine::TensorInfo> inputs;
  std::vector<engine::TensorInfo> outputs;
};

class ModelVersion : public std::enable_shared_from_this<ModelVersion> {
 public:
  ModelVersion(std::string name, int64_t version, std::unique_ptr<engine::CompiledModel> model,
               std::unique_ptr<engine::InferRequestPool> pool,
               const config::TensorMapping& mapping = {}, bool reports_request_shapes = false);

  const std::string& name() const { return name_; }
  int64_t version() const { return version_; }
  // Inputs and outputs in the engine's order, with the names clients use.
  const std::vector<engine::TensorInfo>& inputs() const { return inputs_; }
  const std::vector<engine::TensorInfo>& outputs() const { return outputs_; }
  // Inputs and outputs as model metadata describes them: inputs() and outputs(), except for a
  // version loaded with `reports_request_shapes` (`shape: auto`, `batch_size: auto`), which
  // reports the model's original dims, then those of its latest request of other dims (OVMS).
  MetadataPorts metadataPorts() const;
  const engine::CompiledModel& compiledModel() const { return *model_; }
  size_t nireq() const { return pool_->size(); }
  // Now, for the status page: infer requests in use, and requests waiting for one (in the
  // scheduler's queue when the version has one, else in the pool's). Each takes a mutex.
  size_t busyInferRequests() const { return pool_->size() - pool_->idleCount(); }
  size_t waitingRequests() const {
    return scheduler_ ? scheduler_->queued() : pool_->waitingCount();
  }

  // Puts a scheduler (batching, queue bounds) between infer() and the pool; without one,
  // requests go straight to the pool. Call once, before it serves.
  void useScheduler(scheduling::SchedulerLimits limits);
  // Null when requests go straight to the pool.
  const scheduling::RequestScheduler* scheduler() const { return scheduler_.get(); }

  // The version's metric series (null when metrics are off). Set once, before it serves.
  void attachMetrics(std::shared_ptr<metrics::ModelMetrics> metrics);
  metrics::ModelMetrics* metrics() const { return metrics_.get(); }
  // Triton's statistics extension for this version: always counted, since it was loaded.
  metrics::InferStatistics& statistics() { return statistics_; }
  const metrics::InferStatistics& statistics() const { return statistics_; }

  VersionState state() const { return state_.load(std::memory_order_acquire); }
  void setState(VersionState state) { state_.store(state, std::memory_order_release); }

  // Validates `request` against the model, runs it, and calls `done` on `completion` (or on this
  // thread when validation fails). `request` must stay alive until `done` has been called.
  void infer(const tensor::InferenceRequest& request, util::Executor& completion,
             ResponseCallback done);

 private:
  // When a request reached each step of its execution, for the statistics.
  struct Timeline {
    std::chrono::steady_clock::time_point queued, acquired, started;
  };

  void complete(engine::InferRequest& slot, const tensor::InferenceRequest& request,
                const std::vector<size_t>& output_indices, util::Status status,
                const ResponseCallback& done, const Timeline& timeline);
  // Auto-shape metadata: `request`'s input dims and `output_dims` (every output) are reported
  // from now on if they differ from what is reported.
  void noteRequestDims(const tensor::InferenceRequest& request,
                       const scheduling::OutputDims& output_dims);
  void fail(const tensor::InferenceRequest& request, const util::Status& status,
            const ResponseCallback& done);
  void recordStatistics(std::chrono::steady_clock::time_point received, bool success,
                        const Timeline& timeline, std::chrono::steady_clock::time_point finished);

  const std::string name_;
  const int64_t version_;
  std::unique_ptr<engine::CompiledModel> model_;
  std::unique_ptr<engine::InferRequestPool> pool_;
  const std::vector<engine::TensorInfo> inputs_;   // model_'s, renamed
  const std::vector<engine::TensorInfo> outputs_;  // model_'s, renamed
  std::atomic<VersionState> state_{VersionState::kAvailable};
  std::shared_ptr<metrics::ModelMetrics> metrics_;
  std::unique_ptr<ReportedShapes> reported_;  // null: metadata shows inputs_ and outputs_
  metrics::InferStatistics statistics_;
  std::unique_ptr<scheduling::RequestScheduler> scheduler_;  // after pool_: destroyed first
};

}  // namespace mserve::serving

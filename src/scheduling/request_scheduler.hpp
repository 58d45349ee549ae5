// One model version's scheduler (DESIGN.md §3b): the queue between ModelVersion::infer and the
// InferRequestPool, where queue bounds, timeouts and dynamic batching live. Batches form on
// the thread that frees an infer request (the pool hands it over) or on the version's one
// timer (a batch's queue delay, queue timeouts), never by polling. A batch's inputs are
// concatenated once into a buffer bound to the infer request, and each request is answered
// with views of its rows of the outputs. Versions configured without batching or bounds have
// no scheduler at all. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "config/scheduling_config.hpp"
#include "engine/infer_request_pool.hpp"
#include "metrics/infer_statistics.hpp"
#include "metrics/model_metrics.hpp"
#include "scheduling/queue_timer.hpp"
#include "tensor/inference_request.hpp"
#include "util/executor.hpp"
#include "util/status.hpp"

namespace mserve::scheduling {

using Clock = std::chrono::steady_clock;

// Called once per request with the outcome; `response` is non-null only on success and its
// views are valid only during the call.
using ResponseCallback =
    std::function<void(const util::Status& status, const tensor::InferenceResponse* response)>;

// The dims output `index` had for one request (its rows of a batch), read on demand.
using OutputDims = std::function<util::StatusOr<tensor::Shape>(size_t index)>;

// What the version learns from each request the scheduler answers, as on its direct path.
struct ExecutionHooks {
  // Triton's statistics: executions once per batch, successes and failures per request.
  metrics::InferStatistics* statistics = nullptr;
  // Called for each successful request before it is answered (auto-shape metadata); empty
  // for versions that report their model's dims.
  std::function<void(const tensor::InferenceRequest& request, const OutputDims& outputs)>
      request_dims;
};

// The effective settings of one version: its own, else the server's defaults.
struct SchedulerLimits {
  uint32_t max_batch_size = 0;  // 0 = no batching
  std::vector<uint32_t> preferred_batch_sizes;
  std::chrono::microseconds max_queue_delay{0};
  bool preserve_ordering = false;
  uint32_t max_queue_size = 0;                 // 0 = unbounded
  std::chrono::microseconds queue_timeout{0};  // 0 = none

  static SchedulerLimits from(const config::SchedulingConfig& model,
                              const config::SchedulingDefaults& defaults);
  // Whether the version needs a scheduler at all (else today's direct path, at no cost).
  bool needed() const {
    return max_batch_size > 0 || max_queue_size > 0 || queue_timeout.count() > 0;
  }
  bool batching() const { return max_batch_size > 0; }
};

// A validated request waiting for an infer request.
struct QueuedRequest {
  const tensor::InferenceRequest* request = nullptr;
  std::vector<size_t> input_order;     // model input i is fed by request->inputs[input_order[i]]
  std::vector<size_t> output_indices;  // model outputs to answer with
  ResponseCallback done;
  util::Executor* completion = nullptr;
  std::shared_ptr<const void> keep_alive;  // the model version, until answered
  Clock::time_point queued{};
  Clock::time_point expires = Clock::time_point::max();
  int64_t rows = 1;  // its batch size (dimension 0) when batching
};

class RequestScheduler {
 public:
  // `model_name`, `version` and `outputs` (client names) must outlive the scheduler.
  RequestScheduler(SchedulerLimits limits, engine::InferRequestPool& pool,
                   const std::string& model_name, int64_t version,
                   const std::vector<engine::TensorInfo>& outputs);
  ~RequestScheduler();

  // Set once, before the version serves.
  void attachMetrics(metrics::ModelMetrics* metrics) { metrics_ = metrics; }
  void attachHooks(ExecutionHooks hooks) { hooks_ = std::move(hooks); }
  const SchedulerLimits& limits() const { return limits_; }

  // Queues `item`, or answers it at once when the queue is full or its batch is too large.
  void submit(QueuedRequest item);
  size_t queued() const;

 private:
  struct Batch {
    std::vector<QueuedRequest> items;
    uint64_t sequence = 0;  // order of dispatch, for preserve_ordering
  };
  struct Running;

  // Locked helpers: the caller holds mutex_.
  bool readyLocked(Clock::time_point now) const;
  Batch takeBatchLocked();
  std::vector<QueuedRequest> takeExpiredLocked(Clock::time_point now);
  QueuedRequest takeFrontLocked();
  void armTimerLocked();

  void onSlot(engine::InferRequest& slot);
  void onTimer();
  void acquireSlot();
  void reject(QueuedRequest& item, util::Status status);
  void answer(QueuedRequest& item, const util::Status& status);
  void answerExpired(std::vector<QueuedRequest> expired, bool post);

  // Running a batch (batch_execution.cpp).
  void execute(engine::InferRequest& slot, Batch batch);
  util::Status bindInputs(engine::InferRequest& slot, Running& running);
  void complete(engine::InferRequest& slot, const std::shared_ptr<Running>& running,
                const util::Status& status);
  void respond(engine::InferRequest& slot, Running& running, util::Status status);
  util::Status answerRows(engine::InferRequest& slot, Running& running, QueuedRequest& item,
                          int64_t first_row, util::Status status);
  void recordExecution(const Running& running, Clock::time_point end);
  void inOrder(uint64_t sequence, std::shared_ptr<const void> version, std::function<void()> work);

  const SchedulerLimits limits_;
  engine::InferRequestPool& pool_;
  const std::string& model_name_;
  const int64_t version_;
  const std::vector<engine::TensorInfo>& outputs_;
  metrics::ModelMetrics* metrics_ = nullptr;
  ExecutionHooks hooks_;

  mutable std::mutex mutex_;
  std::deque<QueuedRequest> queue_;            // guarded by mutex_
  std::multiset<Clock::time_point> expiries_;  // of queue_'s requests with a timeout; mutex_
  bool acquiring_ = false;                     // a pool acquire is pending; guarded by mutex_
  engine::InferRequest* held_ = nullptr;       // kept for a batch's queue delay; guarded by mutex_
  uint64_t next_sequence_ = 0;                 // guarded by mutex_

  std::mutex order_mutex_;
  uint64_t next_to_answer_ = 0;                        // guarded by order_mutex_
  std::map<uint64_t, std::function<void()>> waiting_;  // guarded by order_mutex_

  std::unique_ptr<QueueTimer> timer_;  // last: stopped first; only with a delay or timeout
};

}  // namespace mserve::scheduling

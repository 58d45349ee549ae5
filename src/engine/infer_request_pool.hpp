// The pool of `nireq` OpenVINO infer requests of one compiled model (DESIGN.md §3). A request
// waits for an idle infer request in FIFO order without holding a thread; inference runs
// asynchronously and its completion continues on the caller's executor, or, for models light
// enough (InlinePolicy), synchronously on the caller's thread. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/admission_limiter.hpp"
#include "engine/compiled_model.hpp"
#include "engine/inline_policy.hpp"
#include "tensor/inference_request.hpp"
#include "util/executor.hpp"
#include "util/status.hpp"

struct ov_infer_request;
struct ov_tensor;

namespace mserve::engine {

// One OpenVINO infer request. Used by one client request at a time (between acquire and
// release); its output views stay valid until release.
class InferRequest {
 public:
  ~InferRequest();
  InferRequest(const InferRequest&) = delete;
  InferRequest& operator=(const InferRequest&) = delete;

  // Binds input `index` of the model to the tensor's bytes without copying them; the bytes must
  // stay alive and unchanged until the completion ran. BYTES inputs are copied into a string
  // tensor.
  util::Status setInput(size_t index, const tensor::InputTensor& input);
  // Starts inference; `done` gets its outcome. When the model is light enough (InlinePolicy)
  // and the pool handed this request over on the current call stack (see acquire/release),
  // inference runs synchronously and `done` runs before start() returns; otherwise it runs
  // asynchronously and `done` runs on `executor` once OpenVINO finished.
  void start(util::Executor& executor, std::function<void(util::Status)> done);
  // Output `index` of the last completed inference (views into the engine's memory).
  util::StatusOr<tensor::OutputTensor> output(size_t index);

 private:
  friend class InferRequestPool;
  using Clock = std::chrono::steady_clock;
  InferRequest(const CompiledModel& model, ov_infer_request* request, InlinePolicy& policy);
  util::Status registerCallback();
  void runInline(std::function<void(util::Status)> done);
  static void onEngineCallback(void* self);
  void finish();
  util::Status setStringInput(size_t index, const tensor::InputTensor& input);
  void releaseTensors();

  const CompiledModel& model_;
  ov_infer_request* request_;
  InlinePolicy& policy_;  // the pool's
  // Whether start() may run inline: set by the pool on the thread that hands this request out
  // and read by start() on that same thread.
  bool handed_to_caller_ = false;
  struct Callback;
  std::unique_ptr<Callback> callback_;  // OpenVINO keeps a pointer to it: lives as long as we do
  // Set by start() before OpenVINO runs, read on OpenVINO's callback thread; atomic so that the
  // hand-over is visible to TSan too (OpenVINO's own synchronisation is not instrumented).
  std::atomic<util::Executor*> executor_{nullptr};
  Clock::time_point started_;                 // written before executor_ is stored
  std::function<void(util::Status)> done_;    // written by start(), run by finish()
  std::vector<ov_tensor*> tensors_;           // inputs and outputs handed out for this run
  std::vector<std::string> string_copies_;    // NUL-terminated copies of a BYTES input
  std::vector<const char*> string_pointers_;  // their c_str(), as the C API wants them
};

class InferRequestPool {
 public:
  // `inline_limit`: see InlinePolicy; zero keeps every inference asynchronous.
  static util::StatusOr<std::unique_ptr<InferRequestPool>> create(
      const CompiledModel& model, size_t nireq,
      std::chrono::microseconds inline_limit = std::chrono::microseconds(0));
  // Only once every acquired request was released (in-flight completions point into the pool).
  ~InferRequestPool();

  // Runs `waiter` with an idle infer request: at once on this thread if one is idle, otherwise
  // on the thread that releases one, in arrival order. Every acquired request must be released.
  // For a light model the waiter's inference then runs inline on that releasing thread too, up
  // to kMaxInlineHandOvers in a row per thread (bounding how long one client's thread serves
  // others); past that the request is handed over for an asynchronous run.
  // The waiter queue is unbounded: transports bound the requests in flight (gRPC streams,
  // connections), and each waiter is a few bytes.
  void acquire(std::function<void(InferRequest&)> waiter);
  void release(InferRequest& request);
  // Fair core sharing in time (DESIGN.md §3b): from now on each handed-out request also waits
  // for a slot of `limiter` (with this model's `weight`) and returns it on release. Call before
  // the first acquire. Without it the pool admits freely (no cost on the request path).
  void useAdmission(std::shared_ptr<AdmissionLimiter> limiter, uint32_t weight);
  static constexpr int kMaxInlineHandOvers = 8;

  size_t size() const { return requests_.size(); }
  size_t idleCount() const;
  size_t waitingCount() const;
  const InlinePolicy& inlinePolicy() const { return inline_policy_; }

 private:
  explicit InferRequestPool(std::chrono::microseconds inline_limit)
      : inline_policy_(inline_limit) {}
  void handOut(InferRequest& request, std::function<void(InferRequest&)> waiter, bool inline_ok);
  InlinePolicy inline_policy_;  // shared by the requests (declared first: they refer to it)
  std::shared_ptr<AdmissionLimiter> admission_;  // null: no admission limit
  std::shared_ptr<AdmissionLimiter::Lane> lane_;
  std::vector<std::unique_ptr<InferRequest>> requests_;
  mutable std::mutex mutex_;
  std::vector<InferRequest*> idle_;                         // guarded by mutex_
  std::deque<std::function<void(InferRequest&)>> waiters_;  // guarded by mutex_
};

}  // namespace mserve::engine

// When an inference runs on the thread that asked for it. An asynchronous inference costs two
// thread hand-offs (to OpenVINO's stream thread, then from its status-less callback to a
// completion executor): tens of microseconds of CPU and four or more context switches per
// request here, several times a tiny model's whole inference (docs/performance.md). So a model
// whose recent inferences took at most `limit` runs them synchronously on the caller's thread
// (a gRPC callback thread or a REST event-loop thread), blocking it about that long; heavier
// models keep the asynchronous path and never hold a transport thread. The estimate follows
// the recent past: a dynamic-shape model that is light on average runs one unusually large
// request inline before the average moves over the limit. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace mserve::engine {

class InlinePolicy {
 public:
  // `limit` zero: never inline.
  explicit InlinePolicy(std::chrono::microseconds limit);

  bool runInline() const;
  // One inference's duration, as seen by the caller: the synchronous call, or start to
  // OpenVINO's callback (which includes waking the stream thread, so an estimate from the
  // asynchronous path errs on the heavy side).
  void record(std::chrono::nanoseconds took);

  // The moving average, nanoseconds; kUnknown before the first inference.
  int64_t meanNanoseconds() const { return mean_ns_.load(std::memory_order_relaxed); }
  static constexpr int64_t kUnknown = INT64_MAX;

 private:
  const int64_t limit_ns_;
  // Exponential moving average over about the last eight inferences. Updates race benignly:
  // a lost update only delays the estimate by one sample.
  std::atomic<int64_t> mean_ns_{kUnknown};
};

}  // namespace mserve::engine

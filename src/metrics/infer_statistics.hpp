// Triton's statistics extension for one model version (REFERENCE-2.md §1.3): request success and
// failure, queue and compute durations, inference and execution counts, per-batch-size figures.
// Counted with relaxed atomics next to the OVMS metrics, so recording costs no lock on the
// request path; read by the statistics endpoints as a snapshot. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "metrics/percentile_histogram.hpp"

namespace mserve::metrics {

// The three phases of one model execution, in nanoseconds: inputs bound (compute_input), model
// run (compute_infer), outputs extracted and encoded (compute_output).
struct ComputeTimes {
  uint64_t input_ns = 0;
  uint64_t infer_ns = 0;
  uint64_t output_ns = 0;
};

struct StatisticDuration {
  uint64_t count = 0;
  uint64_t ns = 0;
};

struct BatchStatistics {
  uint64_t batch_size = 0;
  uint64_t count = 0;  // executions of that size; each compute duration carries this count
  ComputeTimes ns;     // summed over those executions
};

struct InferStatisticsSnapshot {
  StatisticDuration success, fail, queue, compute_input, compute_infer, compute_output;
  uint64_t inference_count = 0;
  uint64_t execution_count = 0;
  uint64_t last_inference_ms = 0;        // wall clock, ms since the epoch; 0 before the first
  std::vector<BatchStatistics> batches;  // ascending batch size, only sizes executed
};

class InferStatistics {
 public:
  // Batch sizes up to this are counted lock-free; larger ones (rare) under a mutex.
  static constexpr uint64_t kLockFreeBatchSizes = 64;

  // Once per successful request: `request_ns` from its arrival to its response, `queue_ns`
  // waiting for an execution, `compute` the times of the execution that served it (a batched
  // execution's times are counted once per request in it, as Triton does).
  void recordSuccess(uint64_t request_ns, uint64_t queue_ns, const ComputeTimes& compute);
  // Once per failed request, with its arrival-to-response time.
  void recordFailure(uint64_t request_ns);
  // Once per model execution: `batch_size` = the summed batch sizes of the requests it served
  // (1 per request for models without a batch dimension). Adds to inference_count,
  // execution_count, batch_stats and sets last_inference. A batcher serving k requests in one
  // execution calls this once and recordSuccess k times.
  void recordExecution(uint64_t batch_size, const ComputeTimes& times);

  InferStatisticsSnapshot snapshot() const;
  // Successful requests' arrival-to-response times, for percentiles (the status page).
  const PercentileHistogram& requestLatency() const { return request_latency_; }

 private:
  struct AtomicDuration {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> ns{0};
  };
  struct BatchSlot {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> input_ns{0};
    std::atomic<uint64_t> infer_ns{0};
    std::atomic<uint64_t> output_ns{0};
  };

  // success.count doubles as queue.count and as the compute counts (no response cache), so
  // the three compute counts perf_analyzer compares are always equal.
  AtomicDuration success_;
  AtomicDuration fail_;
  std::atomic<uint64_t> queue_ns_{0};
  std::atomic<uint64_t> compute_input_ns_{0};
  std::atomic<uint64_t> compute_infer_ns_{0};
  std::atomic<uint64_t> compute_output_ns_{0};
  std::atomic<uint64_t> inference_count_{0};
  std::atomic<uint64_t> execution_count_{0};
  std::atomic<uint64_t> last_inference_ms_{0};
  std::array<BatchSlot, kLockFreeBatchSizes + 1> batches_{};  // index = batch size; 0 unused
  PercentileHistogram request_latency_;

  mutable std::mutex large_mutex_;
  std::map<uint64_t, BatchStatistics> large_batches_;  // guarded by large_mutex_
};

}  // namespace mserve::metrics

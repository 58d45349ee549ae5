#include "metrics/infer_statistics.hpp"

#include <chrono>

namespace mserve::metrics {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

uint64_t wallClockMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

void InferStatistics::recordSuccess(uint64_t request_ns, uint64_t queue_ns,
                                    const ComputeTimes& compute) {
  success_.count.fetch_add(1, kRelaxed);
  success_.ns.fetch_add(request_ns, kRelaxed);
  queue_ns_.fetch_add(queue_ns, kRelaxed);
  compute_input_ns_.fetch_add(compute.input_ns, kRelaxed);
  compute_infer_ns_.fetch_add(compute.infer_ns, kRelaxed);
  compute_output_ns_.fetch_add(compute.output_ns, kRelaxed);
  request_latency_.observe(request_ns / 1000);
}

void InferStatistics::recordFailure(uint64_t request_ns) {
  fail_.count.fetch_add(1, kRelaxed);
  fail_.ns.fetch_add(request_ns, kRelaxed);
}

void InferStatistics::recordExecution(uint64_t batch_size, const ComputeTimes& times) {
  if (batch_size == 0) batch_size = 1;  // an execution serves at least one inference
  inference_count_.fetch_add(batch_size, kRelaxed);
  execution_count_.fetch_add(1, kRelaxed);
  last_inference_ms_.store(wallClockMs(), kRelaxed);
  if (batch_size <= kLockFreeBatchSizes) {
    BatchSlot& slot = batches_[batch_size];
    slot.count.fetch_add(1, kRelaxed);
    slot.input_ns.fetch_add(times.input_ns, kRelaxed);
    slot.infer_ns.fetch_add(times.infer_ns, kRelaxed);
    slot.output_ns.fetch_add(times.output_ns, kRelaxed);
    return;
  }
  std::lock_guard lock(large_mutex_);
  BatchStatistics& entry = large_batches_[batch_size];
  entry.batch_size = batch_size;
  entry.count += 1;
  entry.ns.input_ns += times.input_ns;
  entry.ns.infer_ns += times.infer_ns;
  entry.ns.output_ns += times.output_ns;
}

InferStatisticsSnapshot InferStatistics::snapshot() const {
  InferStatisticsSnapshot out;
  out.success = {success_.count.load(kRelaxed), success_.ns.load(kRelaxed)};
  out.fail = {fail_.count.load(kRelaxed), fail_.ns.load(kRelaxed)};
  out.queue = {out.success.count, queue_ns_.load(kRelaxed)};
  out.compute_input = {out.success.count, compute_input_ns_.load(kRelaxed)};
  out.compute_infer = {out.success.count, compute_infer_ns_.load(kRelaxed)};
  out.compute_output = {out.success.count, compute_output_ns_.load(kRelaxed)};
  out.inference_count = inference_count_.load(kRelaxed);
  out.execution_count = execution_count_.load(kRelaxed);
  out.last_inference_ms = last_inference_ms_.load(kRelaxed);
  for (uint64_t size = 1; size <= kLockFreeBatchSizes; ++size) {
    const BatchSlot& slot = batches_[size];
    const uint64_t count = slot.count.load(kRelaxed);
    if (count == 0) continue;
    out.batches.push_back({size,
                           count,
                           {slot.input_ns.load(kRelaxed), slot.infer_ns.load(kRelaxed),
                            slot.output_ns.load(kRelaxed)}});
  }
  std::lock_guard lock(large_mutex_);
  for (const auto& [size, entry] : large_batches_) out.batches.push_back(entry);
  return out;
}

}  // namespace mserve::metrics

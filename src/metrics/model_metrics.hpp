// The OVMS metric series of one model version (REFERENCE.md §6): request counters by API,
// interface and method, the request/inference/wait histograms and the gauges. Updated with
// relaxed atomics from any thread; read by MetricsRegistry when /metrics is scraped.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "metrics/latency_histogram.hpp"
#include "metrics/request_kind.hpp"

namespace mserve::metrics {

// Why the scheduler refused a request (ovms_requests_rejected's `reason` label).
enum class RejectReason { kQueueFull, kTimeout };

class ModelMetrics {
 public:
  ModelMetrics(std::string name, int64_t version) : name_(std::move(name)), version_(version) {}

  void countRequest(Api api, Interface interface, Method method, bool success) {
    counters_[counterIndex(api, interface, method, success)].fetch_add(1,
                                                                       std::memory_order_relaxed);
  }
  void observeRequestTime(Interface interface, uint64_t us) {
    request_time_[static_cast<size_t>(interface)].observe(us);
  }
  void observeInferenceTime(uint64_t us) { inference_time_.observe(us); }
  void observeWaitTime(uint64_t us) { wait_time_.observe(us); }
  void addCurrentRequests(int64_t delta) {
    current_requests_.fetch_add(delta, std::memory_order_relaxed);
  }
  void addActiveInferRequests(int64_t delta) {
    infer_req_active_.fetch_add(delta, std::memory_order_relaxed);
  }
  void setStreams(int64_t streams) { streams_.store(streams, std::memory_order_relaxed); }
  void setQueueSize(int64_t nireq) { queue_size_.store(nireq, std::memory_order_relaxed); }
  // Scheduler series (dynamic batching, queue bounds): only versions with a scheduler show them.
  void enableSchedulerSeries() { scheduled_.store(true, std::memory_order_relaxed); }
  void observeBatchSize(uint64_t size) { batch_size_.observe(size); }
  // ovms_compiled_model_info's labels besides name and version, sorted by name: replaced when
  // the version is (re)loaded, read at scrape time.
  using Labels = std::vector<std::pair<std::string, std::string>>;
  void setCompiledInfo(Labels labels) {
    std::lock_guard lock(info_mutex_);
    compiled_info_ = std::move(labels);
  }
  Labels compiledInfo() const {
    std::lock_guard lock(info_mutex_);
    return compiled_info_;
  }
  void countRejected(RejectReason reason) {
    rejected_[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  }

  // Readers for the registry.
  const std::string& name() const { return name_; }
  int64_t version() const { return version_; }
  uint64_t requests(Api api, Interface interface, Method method, bool success) const {
    return counters_[counterIndex(api, interface, method, success)].load(std::memory_order_relaxed);
  }
  const LatencyHistogram& requestTime(Interface interface) const {
    return request_time_[static_cast<size_t>(interface)];
  }
  const LatencyHistogram& inferenceTime() const { return inference_time_; }
  const LatencyHistogram& waitTime() const { return wait_time_; }
  int64_t currentRequests() const { return current_requests_.load(std::memory_order_relaxed); }
  int64_t activeInferRequests() const { return infer_req_active_.load(std::memory_order_relaxed); }
  int64_t streams() const { return streams_.load(std::memory_order_relaxed); }
  int64_t queueSize() const { return queue_size_.load(std::memory_order_relaxed); }
  bool schedulerSeries() const { return scheduled_.load(std::memory_order_relaxed); }
  const BatchSizeHistogram& batchSize() const { return batch_size_; }
  uint64_t rejected(RejectReason reason) const {
    return rejected_[static_cast<size_t>(reason)].load(std::memory_order_relaxed);
  }

 private:
  static size_t counterIndex(Api api, Interface interface, Method method, bool success) {
    return ((static_cast<size_t>(success) * 2 + static_cast<size_t>(api)) * 2 +
            static_cast<size_t>(interface)) *
               3 +
           static_cast<size_t>(method);
  }

  const std::string name_;
  const int64_t version_;
  std::array<std::atomic<uint64_t>, 2 * 2 * 2 * 3> counters_{};  // see counterIndex()
  std::array<LatencyHistogram, 2> request_time_;
  LatencyHistogram inference_time_;
  LatencyHistogram wait_time_;
  std::atomic<int64_t> current_requests_{0};
  std::atomic<int64_t> infer_req_active_{0};
  std::atomic<int64_t> streams_{0};
  std::atomic<int64_t> queue_size_{0};
  std::atomic<bool> scheduled_{false};
  BatchSizeHistogram batch_size_;
  std::array<std::atomic<uint64_t>, 2> rejected_{};  // by RejectReason
  mutable std::mutex info_mutex_;
  Labels compiled_info_;  // guarded by info_mutex_
};

}  // namespace mserve::metrics

// The status page's history, kept server-side: per model version a fixed ring of one point per
// sampling interval (throughput, latency percentiles, queue wait, infer time, concurrency),
// computed from the differences of two successive ServerFacts. Bounded: at most `capacity`
// points per served version, and versions no longer listed are dropped. Not thread-safe: one
// writer (StatusMonitor) that guards it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "status/model_facts.hpp"

namespace mserve::status {

// One version over one interval. Means and percentiles are -1 when no request completed.
struct StatusPoint {
  int64_t wall_ms = 0;  // end of the interval
  double seconds = 0;   // its length
  uint64_t successes = 0;
  uint64_t failures = 0;
  double p50_ms = -1, p90_ms = -1, p99_ms = -1;  // request latency
  double queue_ms = -1;                          // mean wait for an infer request
  double infer_ms = -1;                          // mean inference time
  // Mean requests in flight: the summed time of the requests that completed, over the
  // interval (Little's law).
  double concurrency = 0;
  double cpu_cores = 0;  // the whole process's CPU use over the interval, in CPUs
  // Sums kept for aggregating several points (the advice's window).
  uint64_t request_ns = 0, queue_ns = 0, infer_ns = 0;
};

struct VersionHistory {
  VersionFacts facts;              // at the last sample
  std::deque<StatusPoint> points;  // oldest first
  std::string advice;              // the latest advice for this version, "" if none yet
  int64_t advice_wall_ms = 0;      // when it last applied
  int64_t advice_logged_ns = 0;    // steady time it was last logged; 0 = never
};

class StatusHistory {
 public:
  static constexpr size_t kDefaultCapacity = 120;
  explicit StatusHistory(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // Adds one point per version present in both `facts` and the previous sample (with the same
  // instance and counters that did not go back); the first sample only sets the baseline.
  void add(const ServerFacts& facts);

  const ServerFacts& latest() const { return latest_; }
  // The process's CPU use over the last interval, in CPUs; 0 before two samples.
  double cpuCores() const { return cpu_cores_; }
  // Key: model name and version.
  std::map<std::pair<std::string, int64_t>, VersionHistory>& versions() { return versions_; }
  const std::map<std::pair<std::string, int64_t>, VersionHistory>& versions() const {
    return versions_;
  }

 private:
  const size_t capacity_;
  bool started_ = false;
  ServerFacts latest_;
  double cpu_cores_ = 0;
  std::map<std::pair<std::string, int64_t>, VersionHistory> versions_;
};

// The difference of two samples of one version over `seconds`.
StatusPoint pointBetween(const VersionCounters& before, const VersionCounters& after,
                         double seconds);

}  // namespace mserve::status

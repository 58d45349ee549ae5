// The run-time advice (docs/status.md): when a loaded model version's requests wait for an
// infer request far longer than they infer, or the CPU budget sits partly idle while they are
// in flight, and its streams or infer requests are fewer than its load and the budget could
// use, say so with the numbers and the flags to try. Pure functions of the recent history.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "status/model_facts.hpp"
#include "status/status_history.hpp"

namespace mserve::status {

// The recent points of one version, summed.
struct AdviceWindow {
  size_t points = 0;
  double seconds = 0;
  uint64_t successes = 0;
  double concurrency = 0;  // mean requests in flight
  double queue_ms = 0;     // mean wait for an infer request
  double infer_ms = 0;     // mean inference time
  double cpu_cores = 0;    // the process's mean CPU use
};

// Evidence the advice needs before it speaks.
constexpr size_t kAdviceWindowPoints = 5;
constexpr uint64_t kAdviceMinRequests = 20;
constexpr double kAdviceMinConcurrency = 1.5;
constexpr double kAdviceQueueOverInfer = 2.0;  // queue wait at least this times infer time
constexpr double kAdviceIdleShare = 0.6;       // or CPU use below this share of the budget

// The last `points` points of `history`, summed (fewer if it has fewer).
AdviceWindow recentWindow(const std::deque<StatusPoint>& history, size_t points);

// The advice for `facts` given its recent `window` and the process's CPU budget, or nullopt
// when there is nothing to suggest (fewer than kAdviceWindowPoints points, not enough load,
// requests do not wait, or the version already has the streams and infer requests its load could
// use).
std::optional<std::string> adviceFor(const VersionFacts& facts, const AdviceWindow& window,
                                     double cpu_budget);

}  // namespace mserve::status

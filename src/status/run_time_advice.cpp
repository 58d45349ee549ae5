#include "status/run_time_advice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace mserve::status {

AdviceWindow recentWindow(const std::deque<StatusPoint>& history, size_t points) {
  AdviceWindow window;
  const size_t first = history.size() > points ? history.size() - points : 0;
  uint64_t request_ns = 0, queue_ns = 0, infer_ns = 0;
  double cpu_seconds = 0;
  for (size_t i = first; i < history.size(); ++i) {
    const StatusPoint& point = history[i];
    window.points += 1;
    window.seconds += point.seconds;
    window.successes += point.successes;
    request_ns += point.request_ns;
    queue_ns += point.queue_ns;
    infer_ns += point.infer_ns;
    cpu_seconds += point.cpu_cores * point.seconds;
  }
  if (window.seconds > 0) {
    window.concurrency = static_cast<double>(request_ns) / 1e9 / window.seconds;
    window.cpu_cores = cpu_seconds / window.seconds;
  }
  if (window.successes > 0) {
    const auto count = static_cast<double>(window.successes);
    window.queue_ms = static_cast<double>(queue_ns) / 1e6 / count;
    window.infer_ms = static_cast<double>(infer_ns) / 1e6 / count;
  }
  return window;
}

std::optional<std::string> adviceFor(const VersionFacts& facts, const AdviceWindow& window,
                                     double cpu_budget) {
  if (!facts.loaded || window.points < kAdviceWindowPoints) return std::nullopt;
  if (window.successes < kAdviceMinRequests) return std::nullopt;
  if (window.concurrency < kAdviceMinConcurrency) return std::nullopt;
  const CompiledFacts& compiled = facts.compiled;
  // Either requests queue for infer requests, or they queue inside OpenVINO while the streams
  // and threads it runs on leave CPUs of the budget idle.
  const bool queued = window.queue_ms >= kAdviceQueueOverInfer * window.infer_ms;
  const bool idle =
      window.cpu_cores < kAdviceIdleShare * cpu_budget &&
      static_cast<double>(compiled.streams * std::max<int64_t>(compiled.threads, 1)) < cpu_budget;
  if (!queued && !idle) return std::nullopt;
  // The tuning guide's rules: streams no more than the CPUs nor than the mean concurrency,
  // infer requests at least the streams.
  const auto budget = std::max<int64_t>(1, static_cast<int64_t>(std::floor(cpu_budget)));
  const int64_t load = std::max<int64_t>(1, std::llround(window.concurrency));
  const int64_t streams = std::min(budget, load);
  const int64_t nireq = std::max(streams, compiled.streams);
  std::string flags;
  if (compiled.streams < streams) {
    flags = fmt::format(
        "--plugin_config '{{\"NUM_STREAMS\":{}}}' (or '{{\"PERFORMANCE_HINT\":\"THROUGHPUT\"}}')",
        streams);
  }
  if (compiled.nireq < nireq) {
    flags = fmt::format("--nireq {}{}{}", nireq, flags.empty() ? "" : " with ", flags);
  }
  if (flags.empty()) return std::nullopt;
  return fmt::format(
      "Model {} version {}: {:.1f} requests in flight on average share {} infer request(s) on {} "
      "stream(s); they waited {:.1f} ms for an infer request and inferred in {:.1f} ms over the "
      "last {:.0f} s, the process used {:.1f} of {:g} CPUs. Consider {}",
      facts.name, facts.version, window.concurrency, compiled.nireq, compiled.streams,
      window.queue_ms, window.infer_ms, window.seconds, window.cpu_cores, cpu_budget, flags);
}

}  // namespace mserve::status

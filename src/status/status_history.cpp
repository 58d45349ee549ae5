#include "status/status_history.hpp"

#include <set>

namespace mserve::status {
namespace {

constexpr double kNsPerMs = 1e6;

bool wentBack(const VersionCounters& before, const VersionCounters& after) {
  return after.successes < before.successes || after.failures < before.failures ||
         after.request_ns < before.request_ns;
}

}  // namespace

StatusPoint pointBetween(const VersionCounters& before, const VersionCounters& after,
                         double seconds) {
  StatusPoint point;
  point.seconds = seconds;
  point.successes = after.successes - before.successes;
  point.failures = after.failures - before.failures;
  point.request_ns = after.request_ns - before.request_ns;
  point.queue_ns = after.queue_ns - before.queue_ns;
  point.infer_ns = after.infer_ns - before.infer_ns;
  if (seconds > 0) point.concurrency = static_cast<double>(point.request_ns) / 1e9 / seconds;
  if (point.successes == 0) return point;
  const auto count = static_cast<double>(point.successes);
  point.queue_ms = static_cast<double>(point.queue_ns) / kNsPerMs / count;
  point.infer_ms = static_cast<double>(point.infer_ns) / kNsPerMs / count;
  metrics::PercentileHistogram::Counts interval{};
  for (size_t i = 0; i < interval.size(); ++i) {
    interval[i] = after.latency[i] >= before.latency[i] ? after.latency[i] - before.latency[i] : 0;
  }
  point.p50_ms = metrics::PercentileHistogram::percentile(interval, 0.50) / 1000;
  point.p90_ms = metrics::PercentileHistogram::percentile(interval, 0.90) / 1000;
  point.p99_ms = metrics::PercentileHistogram::percentile(interval, 0.99) / 1000;
  return point;
}

void StatusHistory::add(const ServerFacts& facts) {
  const double seconds = static_cast<double>(facts.steady_ns - latest_.steady_ns) / 1e9;
  const bool interval = started_ && seconds > 0;
  cpu_cores_ = interval ? (facts.cpu_seconds - latest_.cpu_seconds) / seconds : 0;
  std::set<std::pair<std::string, int64_t>> present;
  for (const VersionFacts& now : facts.versions) {
    const auto key = std::make_pair(now.name, now.version);
    present.insert(key);
    VersionHistory& history = versions_[key];
    const VersionFacts& before = history.facts;
    const bool comparable = interval && now.loaded && before.loaded &&
                            before.instance == now.instance &&
                            !wentBack(before.counters, now.counters);
    if (!comparable && before.instance != now.instance) history.points.clear();
    if (comparable) {
      StatusPoint point = pointBetween(before.counters, now.counters, seconds);
      point.wall_ms = facts.wall_ms;
      point.cpu_cores = cpu_cores_;
      history.points.push_back(point);
      while (history.points.size() > capacity_) history.points.pop_front();
    }
    history.facts = now;
  }
  std::erase_if(versions_, [&](const auto& entry) { return !present.count(entry.first); });
  latest_ = facts;
  latest_.versions.clear();  // kept per version above
  started_ = true;
}

}  // namespace mserve::status

#include "status/facts_collector.hpp"

#include <chrono>
#include <ctime>

namespace mserve::status {
namespace {

double processCpuSeconds() {
  timespec now{};
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) != 0) return 0;
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

VersionCounters countersOf(const serving::ModelVersion& version) {
  const metrics::InferStatisticsSnapshot stats = version.statistics().snapshot();
  VersionCounters counters;
  counters.successes = stats.success.count;
  counters.failures = stats.fail.count;
  counters.request_ns = stats.success.ns;
  counters.queue_ns = stats.queue.ns;
  counters.infer_ns = stats.compute_infer.ns;
  counters.latency = version.statistics().requestLatency().counts();
  return counters;
}

void addLoaded(VersionFacts& facts, const serving::ModelVersion& version) {
  facts.loaded = true;
  facts.instance = reinterpret_cast<uintptr_t>(&version);
  facts.compiled = serving::compiledFacts(version);
  facts.counters = countersOf(version);
  facts.busy = static_cast<int64_t>(version.busyInferRequests());
  facts.waiting = static_cast<int64_t>(version.waitingRequests());
}

}  // namespace

ServerFacts collectFacts(const serving::ModelManager& manager, double cpu_budget) {
  ServerFacts server;
  server.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  server.steady_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
  server.cpu_seconds = processCpuSeconds();
  server.cpu_budget = cpu_budget;
  if (const engine::AdmissionLimiter* admission = manager.admission()) {
    server.admission_limit = static_cast<int64_t>(admission->limit());
    server.admission_running = static_cast<int64_t>(admission->running());
    server.admission_peak = static_cast<int64_t>(admission->peakRunning());
  }
  for (const auto& [name, statuses] : manager.allVersionStatuses()) {
    auto loaded = manager.allVersions(name);
    for (const serving::VersionStatus& status : statuses) {
      VersionFacts facts;
      facts.name = name;
      facts.version = status.version;
      facts.state = serving::stateName(status.state);
      if (loaded.isOk() && status.state != serving::VersionState::kEnd) {
        for (const auto& version : loaded.value()) {
          if (version->version() == status.version) addLoaded(facts, *version);
        }
      }
      server.versions.push_back(std::move(facts));
    }
  }
  return server;
}

}  // namespace mserve::status

// Drives clients in a closed loop (each of N clients sends its next request when the previous
// one answered) or an open loop (requests scheduled at a fixed rate, spread over N clients;
// a request waiting for a busy client counts its wait as latency, so queueing is not hidden).
// Measures only the window after warm-up; runLoad() blocks until every request has finished.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench_target.hpp"
#include "latency_stats.hpp"

namespace mserve::bench {

struct LoadOptions {
  double rate = 0;         // requests per second; 0 = closed loop
  double warmup_s = 1;     // not measured
  double duration_s = 10;  // measured window (ignored when requests > 0)
  uint64_t requests = 0;   // > 0: measure this many completed requests instead
  pid_t server_pid = 0;    // > 0: charge that process's CPU time to the measured requests
  bool progress = true;    // a progress line on stderr
};

struct RunResult {
  size_t concurrency = 0;
  double rate = 0;
  uint64_t requests = 0;  // successful requests completed in the window
  uint64_t errors = 0;    // failed requests completed in the window
  std::string first_error;
  double elapsed_s = 0;  // the measured window
  double throughput_rps = 0;
  LatencySummary latency;        // of the successful requests
  LatencySummary error_latency;  // of the failed ones (how fast a rejection comes back)
  std::optional<double> server_cpu_s_per_request;
  std::optional<double> client_cpu_s_per_request;
};

// Runs `clients` (one request in flight each) with `options`.
RunResult runLoad(const std::vector<std::unique_ptr<BenchClient>>& clients,
                  const LoadOptions& options);

}  // namespace mserve::bench

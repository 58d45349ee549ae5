// What the status page and the run-time advice know about the server at one instant: per model
// version its state, the properties its compiled model reports, what it is doing now and its
// cumulative counters. Plain values, copied between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metrics/percentile_histogram.hpp"
#include "serving/compiled_facts.hpp"

namespace mserve::status {

// Read back from the compiled model (not from the request config): serving/compiled_facts.hpp.
using CompiledFacts = serving::CompiledFacts;

// Since the version was loaded.
struct VersionCounters {
  uint64_t successes = 0;
  uint64_t failures = 0;
  uint64_t request_ns = 0;  // successful requests, arrival to response, summed
  uint64_t queue_ns = 0;    // waiting for an infer request, summed
  uint64_t infer_ns = 0;    // inference proper, summed
  metrics::PercentileHistogram::Counts latency{};  // successful requests' latency, us
};

struct VersionFacts {
  std::string name;
  int64_t version = 0;
  std::string state;      // AVAILABLE, LOADING, END, ... (as /v1/config says)
  bool loaded = false;    // has a serving instance: the fields below are set
  uint64_t instance = 0;  // changes when the version is reloaded (its counters restart)
  CompiledFacts compiled;
  VersionCounters counters;
  int64_t busy = 0;     // infer requests in use now
  int64_t waiting = 0;  // requests waiting for one now
};

struct ServerFacts {
  int64_t wall_ms = 0;     // since the epoch
  int64_t steady_ns = 0;   // monotonic, for intervals
  double cpu_seconds = 0;  // the process's CPU time so far
  double cpu_budget = 1;   // CPUs it may use (util::CpuBudget)
  // The admission limit of fair core sharing (0: none applies), inferences it admits now and
  // the most it ever admitted at once.
  int64_t admission_limit = 0;
  int64_t admission_running = 0;
  int64_t admission_peak = 0;
  std::vector<VersionFacts> versions;  // by name, then version
};

}  // namespace mserve::status

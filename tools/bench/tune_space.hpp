// What `mserve-bench tune` varies: one candidate setting (hint or explicit streams, threads,
// nireq, pinning, precision), how it reads as a --plugin_config, and the search space around the
// CPU budget and the clients (the full grid, the tuning guide's starting points, one step away
// from a point). Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/plugin_config.hpp"

namespace mserve::bench {

enum class TuneGoal { kThroughput, kLatency };

struct Candidate {
  std::string hint;             // PERFORMANCE_HINT when streams == 0: "LATENCY" or "THROUGHPUT"
  uint32_t streams = 0;         // NUM_STREAMS; 0 = the hint decides
  uint32_t threads = 0;         // INFERENCE_NUM_THREADS; 0 = OpenVINO decides
  uint32_t nireq = 0;           // 0 = the compiled model's optimal number (the server's default)
  std::optional<bool> pinning;  // ENABLE_CPU_PINNING; nullopt = OpenVINO's default
  std::string precision;        // INFERENCE_PRECISION_HINT; "" = the device's default
  bool defaults = false;        // the server's defaults: no plugin config at all
  // Dynamic batching's max_batch_size (docs/scheduling.md); 0 = off. Only through a server.
  uint32_t max_batch = 0;

  bool operator==(const Candidate&) const = default;
};

// The server's defaults: no --plugin_config, no --nireq (PERFORMANCE_HINT=LATENCY, as OVMS).
Candidate defaultCandidate();

// The OpenVINO properties the candidate sets (empty for the defaults).
config::PluginConfig candidateProperties(const Candidate& candidate);
// Properties as the JSON object --plugin_config and config.json take (values as strings).
std::string propertiesJson(const config::PluginConfig& properties);
// The candidate's properties as that JSON object.
std::string pluginConfigJson(const Candidate& candidate);
// "streams 2, threads 2, nireq 4, pin YES, f32[, batch 8]" — for tables and progress lines.
std::string describeCandidate(const Candidate& candidate);

struct SearchSpace {
  uint32_t cpus = 1;                    // the process's CPU budget
  uint32_t concurrency = 1;             // clients (requests in flight)
  std::vector<std::string> precisions;  // "" = the device default; at least one
  bool vary_pinning = true;
  std::vector<uint32_t> batch_sizes{0};  // max_batch_size values; {0} = no batching
};

// Every candidate of the space (the exhaustive grid the search is compared with).
std::vector<Candidate> gridCandidates(const SearchSpace& space);
// The tuning guide's rules as starting points: streams from cores and clients, nireq at least
// the streams, both hints.
std::vector<Candidate> seedCandidates(const SearchSpace& space, TuneGoal goal);
// Candidates of the space one step away from `from` along one axis.
std::vector<Candidate> neighbourCandidates(const Candidate& from, const SearchSpace& space);

}  // namespace mserve::bench

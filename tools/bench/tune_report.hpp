// What `mserve-bench tune` prints and writes: the table of tried points with the Pareto front
// marked, the recommendation with its one-line why, the exact flags, and the config.json model
// entry; and the same as JSON for scripts. Pure functions.
#pragma once

#include <string>

#include "tune_search.hpp"

namespace mserve::bench {

struct TuneContext {
  std::string model_name;
  std::string base_path;  // the folder of numeric versions config.json's base_path names
  std::string device = "CPU";
  uint32_t cpus = 1;
  uint32_t concurrency = 1;
  std::string search;             // "guided" or "grid"
  std::string default_precision;  // what "" compiles to on the device
  TuneLimits limits;
};

// The table, the stop reason and the recommendation (flags, config.json entry, why).
std::string tuneText(const TuneResult& result, const TuneContext& context);
// "NUM_STREAMS 2: 8 clients on 2 CPUs; 412 req/s, +38 % over the defaults (298 req/s)".
std::string recommendationWhy(const TuneResult& result, const TuneContext& context);
// `--plugin_config '{...}' --nireq N` (nireq only when the candidate sets it).
std::string recommendedFlags(const Candidate& candidate);
// {"config": {"name", "base_path", "target_device", "plugin_config", "nireq"}}.
std::string configEntryJson(const Candidate& candidate, const TuneContext& context);
// {"model_config_list": [entry]}: what --write_config writes.
std::string configFileJson(const Candidate& candidate, const TuneContext& context);
std::string tuneJson(const TuneResult& result, const TuneContext& context);

// A one-line progress report after each measurement (for stderr).
std::string progressLine(const TuneResult& result, const TriedPoint& latest,
                         const TuneContext& context);

}  // namespace mserve::bench

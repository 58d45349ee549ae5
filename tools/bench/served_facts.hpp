// What a running mserve says it compiled a model with (GET /status/data, "compiled"), checked
// against the candidate the tuner asked for: a point is only counted when the server really runs
// it. Pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tune_space.hpp"

namespace mserve::bench {

struct ServedFacts {
  int64_t sample_ms = 0;  // server.t: when the status sample was taken (wall clock, ms)
  std::string text;       // "streams 2, threads 2, nireq 4, ..." for the table
  std::string precision;  // compiled INFERENCE_PRECISION_HINT
  std::string mismatch;   // "" when every setting the candidate makes is what the server runs
};

// nullopt when the document has no loaded version of `model` (or is not a status document).
std::optional<ServedFacts> servedFacts(const std::string& status_json, const std::string& model,
                                       const Candidate& candidate);

}  // namespace mserve::bench

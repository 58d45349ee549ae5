// The tuner's search over a SearchSpace (tune_space.hpp): measure the server's defaults and the
// tuning guide's starting points, move to a neighbour while it beats the best by more than the
// noise, then repeat the best few and pick by their medians; or, for comparison, the whole grid.
// Measuring is behind an interface (the in-process engine in the tool, a fake in unit tests) and
// time comes from a clock the caller gives, so the search is deterministic under test.
// Not thread-safe; one search runs on the calling thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tune_space.hpp"
#include "util/status.hpp"

namespace mserve::bench {

struct Measurement {
  double throughput_rps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double cpu_ms_per_request = -1;  // negative: unknown
  std::string compiled;            // the effective compiled properties, for the table
  std::string precision;           // the compiled INFERENCE_PRECISION_HINT
  // Outputs against an f32 compile on the same inputs: max |a - b| and that over max |f32|.
  std::optional<double> max_abs_error;
  std::optional<double> max_rel_error;
};

class Measurer {
 public:
  virtual ~Measurer() = default;
  // Compiles and drives the model with `candidate`; an error when it cannot run.
  virtual util::StatusOr<Measurement> measure(const Candidate& candidate) = 0;
};

struct TuneLimits {
  TuneGoal goal = TuneGoal::kThroughput;
  std::optional<double> p99_ms;  // an SLO a recommended point must meet
  double rate = 0;               // open loop: a point must keep up with it (95%)
  double budget_s = 60;          // guided search only; the grid measures every point
  uint32_t confirm_points = 3;   // the best this many are repeated...
  uint32_t repeats = 2;          // ...this many more times each
  double min_noise = 0.02;       // gains below max(this, the measured spread) are noise
};

struct TriedPoint {
  Candidate candidate;
  std::vector<Measurement> runs;
  std::string error;  // the measurement failed (e.g. a precision the device lacks)

  bool ok() const { return error.empty() && !runs.empty(); }
  double throughput() const;  // medians over the runs
  double p50() const;
  double p99() const;
  double cpuMs() const;  // negative: unknown
  // (max - min) / mean of the goal's metric over the runs; 0 for a single run.
  double spread(TuneGoal goal) const;
};

struct TuneResult {
  std::vector<TriedPoint> points;  // in the order first measured; points[0] is the defaults
  std::optional<size_t> best;      // the recommendation
  double noise = 0;                // the relative spread the decisions allowed for
  double elapsed_s = 0;
  size_t measurements = 0;
  std::string stop_reason;
};

using TuneClock = std::function<double()>;  // seconds, monotonic
using TuneProgress = std::function<void(const TuneResult&, const TriedPoint& latest)>;

// Whether `a` ranks above `b` for the limits' goal: feasible first, then the goal's metric.
bool ranksAbove(const TriedPoint& a, const TriedPoint& b, const TuneLimits& limits);
bool feasible(const TriedPoint& point, const TuneLimits& limits);
// How much better `a` is than `b` on the goal's metric (0.1 = 10 %; negative when worse).
double relativeGain(const TriedPoint& a, const TriedPoint& b, TuneGoal goal);
// Indices of the points no other point beats on both throughput and p99.
std::vector<size_t> paretoFront(const std::vector<TriedPoint>& points);

TuneResult runGuidedSearch(Measurer& measurer, const SearchSpace& space, const TuneLimits& limits,
                           const TuneClock& clock, const TuneProgress& progress);
TuneResult runGridSearch(Measurer& measurer, const SearchSpace& space, const TuneLimits& limits,
                         const TuneClock& clock, const TuneProgress& progress);

}  // namespace mserve::bench

// Guided and grid search. Every measurement goes through Search::measure, which keeps the table
// of tried points and the time spent; the budget check estimates the next point's cost from the
// mean so far, so the search stops before overrunning rather than after.
#include "tune_search.hpp"

#include <algorithm>
#include <numeric>

namespace mserve::bench {
namespace {

// The median: one run disturbed by the rest of a shared machine moves it least.
template <typename Field>
double medianOf(const std::vector<Measurement>& runs, Field field) {
  if (runs.empty()) return 0;
  std::vector<double> values;
  for (const Measurement& run : runs) values.push_back(field(run));
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

template <typename Field>
double meanOf(const std::vector<Measurement>& runs, Field field) {
  if (runs.empty()) return 0;
  double sum = 0;
  for (const Measurement& run : runs) sum += field(run);
  return sum / static_cast<double>(runs.size());
}

double metricOf(const Measurement& run, TuneGoal goal) {
  return goal == TuneGoal::kThroughput ? run.throughput_rps : run.p99_ms;
}

class Search {
 public:
  Search(Measurer& measurer, const TuneLimits& limits, const TuneClock& clock,
         const TuneProgress& progress)
      : measurer_(measurer), limits_(limits), clock_(clock), progress_(progress) {
    start_ = clock_();
  }

  // Whether another measurement fits the budget, keeping `reserved` more for later (the first
  // two always fit).
  bool fits(bool budgeted, uint32_t reserved = 0) const {
    if (!budgeted || result_.measurements < 2) return true;
    const double spent = clock_() - start_;
    const double mean = spent / static_cast<double>(result_.measurements);
    return spent + mean * (1 + reserved) <= limits_.budget_s;
  }
  // The measurements the final repeats take: exploring stops early enough to leave them time.
  uint32_t confirmCost() const { return limits_.confirm_points * limits_.repeats; }

  // Measures `candidate` again if it was tried, else adds it; its index. By value: callers pass
  // candidates of points_, which push_back may move.
  size_t measure(Candidate candidate) {
    size_t index = find(candidate).value_or(result_.points.size());
    if (index == result_.points.size()) result_.points.push_back({std::move(candidate), {}, {}});
    TriedPoint& point = result_.points[index];
    auto measured = measurer_.measure(point.candidate);
    if (measured.isOk()) {
      point.runs.push_back(std::move(measured.value()));
    } else {
      point.error = measured.status().message();
    }
    ++result_.measurements;
    result_.elapsed_s = clock_() - start_;
    if (progress_) progress_(result_, point);
    return index;
  }

  std::optional<size_t> find(const Candidate& candidate) const {
    for (size_t i = 0; i < result_.points.size(); ++i) {
      if (result_.points[i].candidate == candidate) return i;
    }
    return std::nullopt;
  }

  // The best measured point, or nullopt when none ran.
  std::optional<size_t> best() const {
    std::optional<size_t> best;
    for (size_t i = 0; i < result_.points.size(); ++i) {
      if (!result_.points[i].ok()) continue;
      if (!best || ranksAbove(result_.points[i], result_.points[*best], limits_)) best = i;
    }
    return best;
  }

  // Repeats the best `confirm_points` points round-robin, then picks by their medians.
  void confirm(bool budgeted) {
    std::vector<size_t> order(result_.points.size());
    std::iota(order.begin(), order.end(), 0);
    std::erase_if(order, [&](size_t i) { return !result_.points[i].ok(); });
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return ranksAbove(result_.points[a], result_.points[b], limits_);
    });
    order.resize(std::min<size_t>(order.size(), limits_.confirm_points));
    for (uint32_t round = 0; round < limits_.repeats; ++round) {
      for (size_t i : order) {
        if (result_.points[i].runs.size() > round + 1) continue;
        if (!fits(budgeted)) return stop("budget");
        measure(result_.points[i].candidate);
      }
    }
    for (size_t i : order) noteNoise(result_.points[i]);
  }

  void noteNoise(const TriedPoint& point) {
    result_.noise = std::max({result_.noise, limits_.min_noise, point.spread(limits_.goal)});
  }

  void stop(const std::string& reason) {
    if (result_.stop_reason.find(reason) != std::string::npos) return;
    result_.stop_reason += (result_.stop_reason.empty() ? "" : ", then ") + reason;
  }

  TuneResult finish() {
    result_.best = best();
    result_.elapsed_s = clock_() - start_;
    if (result_.noise == 0) result_.noise = limits_.min_noise;
    return std::move(result_);
  }

  TuneResult& result() { return result_; }
  const TuneLimits& limits() const { return limits_; }

 private:
  Measurer& measurer_;
  const TuneLimits& limits_;
  const TuneClock& clock_;
  const TuneProgress& progress_;
  double start_ = 0;
  TuneResult result_;
};

// Moves to the best neighbour while it beats the current best by more than the noise.
void refine(Search& search, const SearchSpace& space) {
  std::optional<size_t> best = search.best();
  while (best) {
    const Candidate from = search.result().points[*best].candidate;
    for (const Candidate& next : neighbourCandidates(from, space)) {
      if (search.find(next)) continue;
      if (!search.fits(true, search.confirmCost())) return search.stop("budget");
      search.measure(next);
    }
    const std::optional<size_t> now = search.best();
    const TuneResult& result = search.result();
    if (!now || *now == *best ||
        relativeGain(result.points[*now], result.points[*best], search.limits().goal) <=
            std::max(result.noise, search.limits().min_noise)) {
      return search.stop("gains below noise");
    }
    best = now;
  }
}

}  // namespace

double TriedPoint::throughput() const {
  return medianOf(runs, [](const Measurement& m) { return m.throughput_rps; });
}
double TriedPoint::p50() const {
  return medianOf(runs, [](const Measurement& m) { return m.p50_ms; });
}
double TriedPoint::p99() const {
  return medianOf(runs, [](const Measurement& m) { return m.p99_ms; });
}
double TriedPoint::cpuMs() const {
  for (const Measurement& run : runs) {
    if (run.cpu_ms_per_request < 0) return -1;
  }
  return meanOf(runs, [](const Measurement& m) { return m.cpu_ms_per_request; });
}

double TriedPoint::spread(TuneGoal goal) const {
  if (runs.size() < 2) return 0;
  const auto [low, high] = std::minmax_element(runs.begin(), runs.end(),
                                               [goal](const Measurement& a, const Measurement& b) {
                                                 return metricOf(a, goal) < metricOf(b, goal);
                                               });
  const double mean = meanOf(runs, [goal](const Measurement& m) { return metricOf(m, goal); });
  return mean > 0 ? (metricOf(*high, goal) - metricOf(*low, goal)) / mean : 0;
}

bool feasible(const TriedPoint& point, const TuneLimits& limits) {
  if (!point.ok()) return false;
  if (limits.p99_ms && point.p99() > *limits.p99_ms) return false;
  return limits.rate <= 0 || point.throughput() >= 0.95 * limits.rate;
}

double relativeGain(const TriedPoint& a, const TriedPoint& b, TuneGoal goal) {
  if (goal == TuneGoal::kThroughput) {
    return b.throughput() > 0 ? a.throughput() / b.throughput() - 1 : 0;
  }
  return a.p99() > 0 ? b.p99() / a.p99() - 1 : 0;
}

bool ranksAbove(const TriedPoint& a, const TriedPoint& b, const TuneLimits& limits) {
  if (a.ok() != b.ok()) return a.ok();
  const bool fa = feasible(a, limits);
  if (fa != feasible(b, limits)) return fa;
  return relativeGain(a, b, limits.goal) > 0;
}

std::vector<size_t> paretoFront(const std::vector<TriedPoint>& points) {
  std::vector<size_t> front;
  for (size_t i = 0; i < points.size(); ++i) {
    if (!points[i].ok()) continue;
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j) {
      if (j == i || !points[j].ok()) continue;
      const TriedPoint& a = points[i];
      const TriedPoint& b = points[j];
      dominated = b.throughput() >= a.throughput() && b.p99() <= a.p99() &&
                  (b.throughput() > a.throughput() || b.p99() < a.p99());
    }
    if (!dominated) front.push_back(i);
  }
  return front;
}

TuneResult runGuidedSearch(Measurer& measurer, const SearchSpace& space, const TuneLimits& limits,
                           const TuneClock& clock, const TuneProgress& progress) {
  Search search(measurer, limits, clock, progress);
  search.measure(defaultCandidate());
  for (const Candidate& seed : seedCandidates(space, limits.goal)) {
    if (!search.fits(true, search.confirmCost())) break;
    search.measure(seed);
  }
  // Repeat the best start once: its spread is the first estimate of the noise.
  if (std::optional<size_t> best = search.best(); best && search.fits(true, search.confirmCost())) {
    search.noteNoise(
        search.result().points[search.measure(search.result().points[*best].candidate)]);
  }
  refine(search, space);
  search.confirm(true);
  return search.finish();
}

TuneResult runGridSearch(Measurer& measurer, const SearchSpace& space, const TuneLimits& limits,
                         const TuneClock& clock, const TuneProgress& progress) {
  Search search(measurer, limits, clock, progress);
  search.measure(defaultCandidate());
  for (const Candidate& candidate : gridCandidates(space)) search.measure(candidate);
  search.stop("grid done");
  search.confirm(false);
  return search.finish();
}

}  // namespace mserve::bench

// The search against a fake measurer: a made-up landscape over the settings, one second of a fake
// clock per measurement, optional noise and failures. Deterministic.
#include "tune_search.hpp"

#include <gtest/gtest.h>

namespace mserve::bench {
namespace {

// Throughput peaks at 2 streams with nireq 4, pinned, default precision; the defaults are poor.
double landscape(const Candidate& c) {
  if (c.defaults) return 40;
  const uint32_t streams = c.streams > 0 ? c.streams : (c.hint == "THROUGHPUT" ? 2 : 1);
  double rps = streams == 2 ? 160 : 100;
  if (c.streams > 0 && c.nireq == 2 * c.streams) rps *= 1.15;
  if (c.threads == 1) rps *= 0.7;
  if (c.pinning && !*c.pinning) rps *= 0.95;
  if (c.precision == "f32") rps *= 0.5;
  return rps;
}

class FakeMeasurer final : public Measurer {
 public:
  explicit FakeMeasurer(double& clock) : clock_(clock) {}
  util::StatusOr<Measurement> measure(const Candidate& candidate) override {
    clock_ += 1;
    ++calls;
    if (fail_precision == candidate.precision && !candidate.defaults) {
      return util::Status(util::StatusCode::kInvalidArgument, "no such precision");
    }
    Measurement m;
    m.throughput_rps = flat ? 100 + (candidate.streams % 2) : landscape(candidate);
    if (noise > 0) m.throughput_rps *= (calls % 2 == 0) ? 1 + noise : 1 - noise;
    m.p99_ms = 8000 / m.throughput_rps;  // 8 clients
    m.p50_ms = m.p99_ms / 2;
    m.precision = candidate.precision.empty() ? "bf16" : candidate.precision;
    return m;
  }
  int calls = 0;
  bool flat = false;
  double noise = 0;
  std::string fail_precision = "none";

 private:
  double& clock_;
};

struct Fixture {
  double clock = 0;
  FakeMeasurer measurer{clock};
  SearchSpace space{2, 8, {"", "f32"}, true};
  TuneLimits limits;
  TuneClock now = [this] { return clock; };

  TuneResult guided() { return runGuidedSearch(measurer, space, limits, now, {}); }
  TuneResult grid() { return runGridSearch(measurer, space, limits, now, {}); }
};

const Candidate& bestOf(const TuneResult& result) {
  return result.points.at(*result.best).candidate;
}

TEST(TuneSearchTest, GuidedFindsTheGridBestInAThirdOfTheMeasurements) {
  Fixture guided_run;
  const TuneResult guided = guided_run.guided();
  Fixture grid_run;
  const TuneResult grid = grid_run.grid();
  ASSERT_TRUE(guided.best && grid.best);
  EXPECT_EQ(bestOf(guided), bestOf(grid));
  EXPECT_EQ(bestOf(guided), (Candidate{"", 2, 0, 4, true, "", false}));
  EXPECT_LE(guided.measurements * 3, grid.measurements);
  EXPECT_EQ(guided.stop_reason, "gains below noise");
  EXPECT_TRUE(guided.points.front().candidate.defaults);
}

TEST(TuneSearchTest, StopsWithinTheBudget) {
  Fixture run;
  run.limits.budget_s = 5;
  const TuneResult result = run.guided();
  EXPECT_EQ(result.measurements, 5u);
  EXPECT_LE(result.elapsed_s, 5);
  EXPECT_EQ(result.stop_reason, "budget");
  ASSERT_TRUE(result.best.has_value());
  // Exploring stopped early enough to leave time for repeating the best.
  EXPECT_EQ(result.points[*result.best].runs.size(), 3u);
}

TEST(TuneSearchTest, FlatLandscapeStopsAfterOneNeighbourhood) {
  Fixture run;
  run.measurer.flat = true;  // every gain is 1 %, below the 2 % floor
  const TuneResult result = run.guided();
  EXPECT_EQ(result.stop_reason, "gains below noise");
  EXPECT_LT(result.measurements, 20u);
}

TEST(TuneSearchTest, RepeatsTheBestAndReportsTheirSpread) {
  Fixture run;
  run.measurer.noise = 0.05;
  const TuneResult result = run.guided();
  ASSERT_TRUE(result.best);
  const TriedPoint& best = result.points[*result.best];
  EXPECT_EQ(best.runs.size(), 3u);
  EXPECT_GT(best.spread(TuneGoal::kThroughput), 0.05);
  EXPECT_GE(result.noise, best.spread(TuneGoal::kThroughput));
}

TEST(TuneSearchTest, AnSloExcludesFasterPointsThatMissIt) {
  Fixture run;
  run.limits.goal = TuneGoal::kThroughput;
  run.limits.p99_ms = 45;  // 8000 / rps <= 45 needs rps >= 178: only 160 * 1.15 = 184 meets it
  const TuneResult result = run.guided();
  ASSERT_TRUE(result.best);
  EXPECT_LE(result.points[*result.best].p99(), 45);
  EXPECT_TRUE(feasible(result.points[*result.best], {TuneGoal::kThroughput, 45}));
  EXPECT_FALSE(feasible(result.points[*result.best], {TuneGoal::kThroughput, 1}));
}

TEST(TuneSearchTest, LatencyGoalMinimisesP99) {
  Fixture run;
  run.limits.goal = TuneGoal::kLatency;
  const TuneResult result = run.guided();
  ASSERT_TRUE(result.best);
  for (const TriedPoint& point : result.points) {
    if (point.ok()) {
      EXPECT_LE(result.points[*result.best].p99(), point.p99() * 1.02);
    }
  }
}

TEST(TuneSearchTest, FailedPointsAreReportedNeverRecommended) {
  Fixture run;
  run.measurer.fail_precision = "";  // only f32 and the defaults run
  const TuneResult result = run.guided();
  ASSERT_TRUE(result.best);
  EXPECT_EQ(bestOf(result).precision, "f32");
  bool failed = false;
  for (const TriedPoint& point : result.points) failed = failed || !point.error.empty();
  EXPECT_TRUE(failed);
}

TEST(TuneSearchTest, ParetoFrontKeepsUndominatedPoints) {
  auto point = [](double rps, double p99) {
    TriedPoint p;
    Measurement m;
    m.throughput_rps = rps;
    m.p99_ms = p99;
    p.runs.push_back(m);
    return p;
  };
  const std::vector<TriedPoint> points{point(100, 10), point(200, 20), point(150, 30),
                                       point(50, 5)};
  EXPECT_EQ(paretoFront(points), (std::vector<size_t>{0, 1, 3}));
}

}  // namespace
}  // namespace mserve::bench

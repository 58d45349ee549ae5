#include "tune_space.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace mserve::bench {
namespace {

SearchSpace twoCpusEightClients() { return {2, 8, {"", "f32"}, true}; }

TEST(TuneSpaceTest, PropertiesOfExplicitStreams) {
  const Candidate c{"", 2, 2, 4, true, "f32", false};
  EXPECT_EQ(pluginConfigJson(c),
            R"({"NUM_STREAMS":"2","INFERENCE_NUM_THREADS":"2","ENABLE_CPU_PINNING":"YES",)"
            R"("INFERENCE_PRECISION_HINT":"f32"})");
  EXPECT_EQ(describeCandidate(c), "streams 2, threads 2, nireq 4, pin YES, f32");
}

TEST(TuneSpaceTest, PropertiesOfAHintAndOfTheDefaults) {
  const Candidate hint{"THROUGHPUT", 0, 0, 0, false, "", false};
  EXPECT_EQ(pluginConfigJson(hint),
            R"({"PERFORMANCE_HINT":"THROUGHPUT","ENABLE_CPU_PINNING":"NO"})");
  EXPECT_TRUE(candidateProperties(defaultCandidate()).empty());
  EXPECT_EQ(pluginConfigJson(defaultCandidate()), "{}");
}

TEST(TuneSpaceTest, GridFollowsTheGuideRules) {
  const std::vector<Candidate> grid = gridCandidates(twoCpusEightClients());
  // Modes LATENCY, streams 1, streams 2, THROUGHPUT; hints: nireq {auto, 8}; streams 1: threads
  // {auto, 1, 2} x nireq {1, 2, 8}; streams 2: threads {auto, 2} x nireq {2, 4, 8}; x pin x prec.
  EXPECT_EQ(grid.size(), (2 + 2 + 9 + 6) * 2u * 2u);
  for (const Candidate& c : grid) {
    EXPECT_EQ(std::count(grid.begin(), grid.end(), c), 1) << describeCandidate(c);
    EXPECT_LE(c.streams, 2u);
    if (c.streams > 0) {
      EXPECT_GE(c.nireq, c.streams) << describeCandidate(c);
      EXPECT_LE(c.nireq, 8u);
      EXPECT_TRUE(c.threads == 0 || c.threads >= c.streams) << describeCandidate(c);
    }
  }
}

TEST(TuneSpaceTest, OneClientNeverGetsMoreStreamsOrRequestsThanItUses) {
  const std::vector<Candidate> grid = gridCandidates({4, 1, {""}, false});
  for (const Candidate& c : grid) {
    EXPECT_LE(c.streams, 1u);
    EXPECT_LE(c.nireq, 1u);
    EXPECT_FALSE(c.pinning.has_value());
  }
}

TEST(TuneSpaceTest, ManyCpusKeepPowersOfTwo) {
  const std::vector<Candidate> grid = gridCandidates({32, 64, {""}, false});
  std::vector<uint32_t> streams;
  for (const Candidate& c : grid) {
    if (c.streams > 0 && std::find(streams.begin(), streams.end(), c.streams) == streams.end()) {
      streams.push_back(c.streams);
    }
  }
  EXPECT_EQ(streams, (std::vector<uint32_t>{1, 2, 4, 8, 16, 32}));
}

TEST(TuneSpaceTest, BatchSizesAreOneMoreAxis) {
  SearchSpace space = twoCpusEightClients();
  const size_t without = gridCandidates(space).size();
  space.batch_sizes = {0, 8};
  EXPECT_EQ(gridCandidates(space).size(), 2 * without);
  const Candidate from{"", 2, 0, 4, true, "", false, 0};
  Candidate batched = from;
  batched.max_batch = 8;
  const std::vector<Candidate> next = neighbourCandidates(from, space);
  EXPECT_NE(std::find(next.begin(), next.end(), batched), next.end());
  EXPECT_EQ(describeCandidate(batched), "streams 2, nireq 4, pin YES, default precision, batch 8");
  EXPECT_EQ(seedCandidates(space, TuneGoal::kThroughput)[0].max_batch, 0u);
}

TEST(TuneSpaceTest, ThroughputSeedsTakeStreamsFromCoresAndClients) {
  const std::vector<Candidate> seeds = seedCandidates(twoCpusEightClients(), TuneGoal::kThroughput);
  ASSERT_EQ(seeds.size(), 3u);
  EXPECT_EQ(seeds[0].streams, 2u);  // min(2 CPUs, 8 clients)
  EXPECT_EQ(seeds[0].nireq, 4u);    // nireq >= streams, two per stream
  EXPECT_EQ(seeds[1].hint, "THROUGHPUT");
  EXPECT_EQ(seeds[2].hint, "LATENCY");
  const std::vector<Candidate> grid = gridCandidates(twoCpusEightClients());
  for (const Candidate& seed : seeds) {
    EXPECT_NE(std::find(grid.begin(), grid.end(), seed), grid.end()) << describeCandidate(seed);
  }
}

TEST(TuneSpaceTest, LatencySeedsStartFromTheLatencyHint) {
  const std::vector<Candidate> seeds = seedCandidates({2, 1, {""}, true}, TuneGoal::kLatency);
  ASSERT_EQ(seeds.size(), 2u);  // streams min(2, 1) = 1 is the same seed twice
  EXPECT_EQ(seeds[0].hint, "LATENCY");
  EXPECT_EQ(seeds[1].streams, 1u);
  EXPECT_EQ(seeds[1].nireq, 1u);
}

TEST(TuneSpaceTest, NeighboursAreOneStepAwayAndInTheGrid) {
  const SearchSpace space = twoCpusEightClients();
  const std::vector<Candidate> grid = gridCandidates(space);
  const Candidate from{"", 1, 0, 2, true, "", false};
  const std::vector<Candidate> next = neighbourCandidates(from, space);
  // LATENCY hint, streams 2, threads 1, nireq 1 and 8, pin NO, f32.
  EXPECT_EQ(next.size(), 7u);
  for (const Candidate& c : next) {
    EXPECT_NE(std::find(grid.begin(), grid.end(), c), grid.end()) << describeCandidate(c);
    EXPECT_NE(c, from);
  }
  const Candidate more_streams{"", 2, 0, 2, true, "", false};
  EXPECT_NE(std::find(next.begin(), next.end(), more_streams), next.end());
}

}  // namespace
}  // namespace mserve::bench

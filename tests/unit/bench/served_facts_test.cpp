#include "served_facts.hpp"

#include <gtest/gtest.h>

namespace mserve::bench {
namespace {

// The shape of GET /status/data (src/status/status_json.cpp), trimmed to what is read.
constexpr const char* kStatus = R"({"server": {"t": 1700000000123},
  "models": [
    {"name": "other", "version": 1, "state": "AVAILABLE",
     "compiled": {"hint": "LATENCY", "streams": 1, "threads": 2, "precision": "bf16",
                  "pinning": "YES", "nireq": 1, "max_batch_size": 0}},
    {"name": "dummy", "version": 1, "state": "AVAILABLE",
     "compiled": {"hint": "LATENCY", "streams": 2, "threads": 2, "precision": "f32",
                  "pinning": "NO", "nireq": 4, "max_batch_size": 8}}]})";

TEST(ServedFactsTest, MatchingCandidate) {
  const auto facts = servedFacts(kStatus, "dummy", {"", 2, 0, 4, false, "f32", false, 8});
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->sample_ms, 1700000000123);
  EXPECT_EQ(facts->mismatch, "");
  EXPECT_EQ(facts->precision, "f32");
  EXPECT_EQ(facts->text, "hint LATENCY, streams 2, threads 2, nireq 4, pin NO, f32, batch 8");
}

TEST(ServedFactsTest, EverySettingThatDiffersIsNamed) {
  const auto facts = servedFacts(kStatus, "dummy", {"", 1, 1, 2, true, "bf16", false, 0});
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->mismatch,
            "streams 2 (asked 1), threads 2 (asked 1), nireq 4 (asked 2), pinning NO (asked "
            "YES), precision f32 (asked bf16), max_batch_size 8 (asked 0)");
  const auto hint = servedFacts(kStatus, "other", {"THROUGHPUT", 0, 0, 0, {}, "", false, 0});
  ASSERT_TRUE(hint);
  EXPECT_EQ(hint->mismatch, "hint LATENCY (asked THROUGHPUT)");
}

TEST(ServedFactsTest, UnknownModelOrDocument) {
  EXPECT_FALSE(servedFacts(kStatus, "resnet", defaultCandidate()));
  EXPECT_FALSE(servedFacts("<html>", "dummy", defaultCandidate()));
  EXPECT_FALSE(servedFacts("{}", "dummy", defaultCandidate()));
}

}  // namespace
}  // namespace mserve::bench

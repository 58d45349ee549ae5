#include "status/status_json.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>

#include "status/status_monitor.hpp"

namespace mserve::status {
namespace {

ServerFacts sample(int64_t second, uint64_t successes, bool loaded = true) {
  ServerFacts facts;
  facts.wall_ms = 1'700'000'000'000 + second * 1000;
  facts.steady_ns = second * 1'000'000'000;
  facts.cpu_budget = 2;
  VersionFacts version;
  version.name = "resnet \"<b>\"";  // written as a JSON string, escaped
  version.version = 3;
  version.state = loaded ? "AVAILABLE" : "LOADING";
  version.loaded = loaded;
  version.instance = 7;
  version.compiled = {.device = "CPU",
                      .hint = "LATENCY",
                      .streams = 1,
                      .threads = 2,
                      .precision = "f32",
                      .pinning = "YES",
                      .nireq = 4};
  version.busy = 2;
  version.waiting = 5;
  version.counters.successes = successes;
  version.counters.request_ns = successes * 2'000'000;
  version.counters.latency[metrics::PercentileHistogram::bucketOf(2000)] = successes;
  facts.versions.push_back(version);
  return facts;
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

TEST(StatusJsonTest, ListsServerAndVersionsWithTheirHistory) {
  StatusHistory history;
  history.add(sample(0, 0));
  history.add(sample(1, 40));
  const auto json = parse(statusJson({"1.2", "2026.4", 1'699'999'999'000, 1000}, history));
  EXPECT_STREQ(json["server"]["version"].GetString(), "1.2");
  EXPECT_EQ(json["server"]["cpu_budget"].GetDouble(), 2);
  ASSERT_EQ(json["models"].Size(), 1u);
  const auto& model = json["models"][0];
  EXPECT_STREQ(model["name"].GetString(), "resnet \"<b>\"");
  EXPECT_EQ(model["version"].GetInt64(), 3);
  EXPECT_STREQ(model["compiled"]["hint"].GetString(), "LATENCY");
  EXPECT_EQ(model["compiled"]["nireq"].GetInt64(), 4);
  EXPECT_EQ(model["now"]["waiting"].GetInt64(), 5);
  EXPECT_EQ(model["now"]["requests"].GetInt64(), 40);
  ASSERT_EQ(model["history"].Size(), 1u);
  const auto& point = model["history"][0];
  EXPECT_EQ(point["rps"].GetDouble(), 40);
  EXPECT_NEAR(point["p50_ms"].GetDouble(), 2.0, 0.5);
  EXPECT_TRUE(point["queue_ms"].IsNumber());
  EXPECT_EQ(point["concurrency"].GetDouble(), 0.08);
  EXPECT_TRUE(model["advice"].IsNull());
}

TEST(StatusJsonTest, AVersionThatIsNotLoadedHasStateOnly) {
  StatusHistory history;
  history.add(sample(0, 0, false));
  const auto json = parse(statusJson({}, history));
  const auto& model = json["models"][0];
  EXPECT_STREQ(model["state"].GetString(), "LOADING");
  EXPECT_FALSE(model.HasMember("compiled"));
  EXPECT_EQ(model["history"].Size(), 0u);
}

TEST(StatusMonitorTest, AdviceIsLoggedOncePerPeriodAndShownOnEverySample) {
  std::atomic<int64_t> second{0};
  // 8 clients on one infer request: each waits 70 ms and infers 10 ms.
  auto collect = [&] {
    const int64_t s = second.load();
    ServerFacts facts = sample(s, static_cast<uint64_t>(s * 100));
    VersionFacts& v = facts.versions[0];
    v.compiled.nireq = 1;
    v.counters.request_ns = v.counters.successes * 80'000'000;
    v.counters.queue_ns = v.counters.successes * 70'000'000;
    v.counters.infer_ns = v.counters.successes * 10'000'000;
    facts.cpu_seconds = static_cast<double>(s) * 2;
    return facts;
  };
  std::vector<std::string> logged;
  StatusMonitor monitor(collect, {},
                        {.advice_log_period = std::chrono::seconds(60), .start_thread = false},
                        [&](const std::string& line) { logged.push_back(line); });
  for (int64_t s = 0; s <= 30; ++s) {
    second = s;
    monitor.sampleNow();
  }
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_NE(logged[0].find("--nireq 2"), std::string::npos) << logged[0];
  const auto json = parse(*monitor.json());
  EXPECT_EQ(json["server"]["history_points"].GetInt64(), 120);
  EXPECT_EQ(json["models"][0]["advice"]["text"].GetString(), logged[0]);
  EXPECT_EQ(json["models"][0]["history"].Size(), 30u);
  second = 65;  // 60 s after the first line (at 5 s, once five points were there)
  monitor.sampleNow();
  EXPECT_EQ(logged.size(), 2u);
}

}  // namespace
}  // namespace mserve::status

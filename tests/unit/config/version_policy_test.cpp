#include "config/version_policy.hpp"

#include <gtest/gtest.h>

namespace mserve::config {
namespace {

using util::StatusCode;

VersionPolicy parsed(const std::string& json) {
  auto policy = VersionPolicy::parse(json);
  EXPECT_TRUE(policy.isOk()) << json << ": " << policy.status().message();
  return policy.isOk() ? policy.value() : VersionPolicy::latest(1);
}

void expectError(const std::string& json, const std::string& why) {
  auto policy = VersionPolicy::parse(json);
  ASSERT_FALSE(policy.isOk()) << json;
  EXPECT_EQ(policy.status().code(), StatusCode::kModelConfigInvalid);
  EXPECT_EQ(policy.status().details(), "Couldn't parse model version policy. " + why) << json;
  EXPECT_EQ(policy.status().message(),
            "Model config is invalid - Couldn't parse model version policy. " + why);
}

TEST(VersionPolicyTest, ParsesTheThreeForms) {
  const VersionPolicy latest = parsed(R"({"latest": {"num_versions": 2}})");
  EXPECT_EQ(latest.kind(), VersionPolicy::Kind::kLatest);
  EXPECT_EQ(latest.toString(), R"({"latest":{"num_versions":2}})");

  const VersionPolicy specific = parsed(R"({"specific": {"versions": [3, 1]}})");
  EXPECT_EQ(specific.kind(), VersionPolicy::Kind::kSpecific);
  EXPECT_EQ(specific.toString(), R"({"specific":{"versions":[3,1]}})");

  const VersionPolicy all = parsed(R"({"all": {}})");
  EXPECT_EQ(all.kind(), VersionPolicy::Kind::kAll);
  EXPECT_EQ(all.toString(), R"({"all":{}})");
}

TEST(VersionPolicyTest, EmptyTextIsLatestOne) {
  const VersionPolicy policy = parsed("");
  EXPECT_EQ(policy.kind(), VersionPolicy::Kind::kLatest);
  EXPECT_EQ(policy.toString(), R"({"latest":{"num_versions":1}})");
}

TEST(VersionPolicyTest, FactoriesPrintTheirJson) {
  EXPECT_EQ(VersionPolicy::latest().toString(), R"({"latest":{"num_versions":1}})");
  EXPECT_EQ(VersionPolicy::specific({2}).toString(), R"({"specific":{"versions":[2]}})");
  EXPECT_EQ(VersionPolicy::all().toString(), R"({"all":{}})");
}

TEST(VersionPolicyTest, ToStringRoundTrips) {
  for (const char* json : {R"({"latest":{"num_versions":3}})", R"({"specific":{"versions":[1,5]}})",
                           R"({"all":{}})"}) {
    EXPECT_EQ(parsed(parsed(json).toString()).toString(), json);
  }
}

TEST(VersionPolicyTest, RejectsMalformedPolicies) {
  expectError("{", "Invalid JSON: Missing a name for object member.");
  expectError("[]", "Expected an object with exactly one of latest, specific, all");
  expectError("{}", "Expected an object with exactly one of latest, specific, all");
  expectError(R"({"all":{}, "latest":{"num_versions":1}})",
              "Expected an object with exactly one of latest, specific, all");
  expectError(R"({"newest":{}})", "Unknown policy newest; expected latest, specific or all");
  expectError(R"({"latest":1})", "latest must be an object");
  expectError(R"({"latest":{}})", R"(latest must be {"num_versions": N})");
  expectError(R"({"latest":{"num_versions":1,"x":2}})", R"(latest must be {"num_versions": N})");
  expectError(R"({"latest":{"num_versions":0}})", "num_versions must be an integer >= 1");
  expectError(R"({"latest":{"num_versions":-1}})", "num_versions must be an integer >= 1");
  expectError(R"({"latest":{"num_versions":"2"}})", "num_versions must be an integer >= 1");
  expectError(R"({"latest":{"num_versions":1.5}})", "num_versions must be an integer >= 1");
  expectError(R"({"specific":{"versions":3}})", R"(specific must be {"versions": [...]})");
  expectError(R"({"specific":{}})", R"(specific must be {"versions": [...]})");
  expectError(R"({"specific":{"versions":[1,0]}})", "versions must be integers >= 1");
  expectError(R"({"specific":{"versions":["1"]}})", "versions must be integers >= 1");
  expectError(R"({"all":{"x":1}})", "all must be {}");
}

TEST(VersionPolicyTest, LatestSelectsTheHighest) {
  EXPECT_EQ(VersionPolicy::latest(1).select({1, 3, 2}), (std::vector<int64_t>{3}));
  EXPECT_EQ(VersionPolicy::latest(2).select({1, 3, 2, 5}), (std::vector<int64_t>{5, 3}));
  EXPECT_EQ(VersionPolicy::latest(5).select({2, 1}), (std::vector<int64_t>{2, 1}));
  EXPECT_TRUE(VersionPolicy::latest(1).select({}).empty());
}

TEST(VersionPolicyTest, SpecificSelectsTheIntersection) {
  EXPECT_EQ(VersionPolicy::specific({1, 3, 7}).select({1, 2, 3}), (std::vector<int64_t>{3, 1}));
  EXPECT_TRUE(VersionPolicy::specific({9}).select({1, 2}).empty());
}

TEST(VersionPolicyTest, AllSelectsEveryVersionHighestFirst) {
  EXPECT_EQ(VersionPolicy::all().select({2, 10, 1, 2}), (std::vector<int64_t>{10, 2, 1}));
}

}  // namespace
}  // namespace mserve::config

// The repository extension's request parsing and index encoding (no backend, no sockets).
#include "api/kfs/kfs_repository.hpp"

#include <gtest/gtest.h>

namespace mserve::api::kfs {
namespace {

TEST(KfsRepository, IndexBody) {
  EXPECT_FALSE(*parseIndexBody("", 100));
  EXPECT_FALSE(*parseIndexBody("{}", 100));
  EXPECT_TRUE(*parseIndexBody(R"({"ready": true})", 100));
  auto bad = parseIndexBody(R"({"ready": 1})", 100);
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "Invalid value for 'ready': expected a boolean");
  EXPECT_EQ(bad.status().httpStatus(), 400);
  EXPECT_FALSE(parseIndexBody("[]", 100).isOk());
  EXPECT_FALSE(parseIndexBody("{", 100).isOk());
}

TEST(KfsRepository, LoadBody) {
  EXPECT_FALSE(parseLoadBody("", 100)->has_value());
  EXPECT_FALSE(parseLoadBody(R"({"parameters": {}})", 100)->has_value());
  auto config = parseLoadBody(R"({"parameters": {"config": "{\"base_path\": \"/m\"}"}})", 100);
  ASSERT_TRUE(config.isOk());
  EXPECT_EQ(**config, R"({"base_path": "/m"})");
  EXPECT_FALSE(parseLoadBody(R"({"parameters": {"config": 1}})", 100).isOk());
  EXPECT_FALSE(parseLoadBody(R"({"parameters": {"config": "[[[[[[[[[[]]]]]]]]]]"}})", 100).isOk());
  auto files =
      parseLoadBody(R"({"parameters": {"config": "{}", "file:1/model.xml": "AA=="}})", 100);
  ASSERT_FALSE(files.isOk());
  EXPECT_EQ(files.status().httpStatus(), 501);
}

TEST(KfsRepository, UnloadBodyAndGrpcParameters) {
  EXPECT_TRUE(parseUnloadBody(R"({"parameters": {"unload_dependents": false}})", 100).isOk());
  EXPECT_FALSE(parseUnloadBody(R"({"parameters": {"unload_dependents": "x"}})", 100).isOk());
  google::protobuf::Map<std::string, inference::ModelRepositoryParameter> parameters;
  parameters["unload_dependents"].set_bool_param(true);
  EXPECT_TRUE(unloadParameters(parameters).isOk());
  parameters["config"].set_string_param(R"({"base_path": "/m"})");
  EXPECT_EQ(**loadParameters(parameters), R"({"base_path": "/m"})");
  parameters["config"].set_int64_param(3);
  EXPECT_FALSE(loadParameters(parameters).isOk());
  EXPECT_EQ(checkRepositoryName("other").grpcCode(), 12);  // UNIMPLEMENTED
  EXPECT_TRUE(checkRepositoryName("").isOk());
}

TEST(KfsRepository, IndexAsJsonAndProtobuf) {
  const std::vector<ModelIndexEntry> index = {
      {"a", 1, "READY", ""}, {"a", 2, "UNAVAILABLE", "unloaded"}, {"b", 0, "", ""}};
  EXPECT_EQ(repositoryIndexJson(index),
            R"([{"name":"a","version":"1","state":"READY"},)"
            R"({"name":"a","version":"2","state":"UNAVAILABLE","reason":"unloaded"},)"
            R"({"name":"b"}])");
  inference::RepositoryIndexResponse proto;
  buildRepositoryIndex(index, proto);
  ASSERT_EQ(proto.models_size(), 3);
  EXPECT_EQ(proto.models(1).reason(), "unloaded");
  EXPECT_EQ(proto.models(2).version(), "");
}

}  // namespace
}  // namespace mserve::api::kfs

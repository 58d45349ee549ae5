// config.json: schema validation with its exact messages, model entries (names, paths, policy,
// shape and batch forms), the monitoring section, change fingerprints, file reading, and a
// version's mapping_config.json.
#include "config/config_file.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "config/model_config_json.hpp"
#include "config/tensor_mapping.hpp"

namespace mserve::config {
namespace {

using util::StatusCode;

constexpr char kDir[] = "/srv/config";

util::StatusOr<ServerConfig> parse(const std::string& text) {
  return parseServerConfig(text, kDir);
}

// The error message of an invalid config.
std::string errorOf(const std::string& text) {
  auto parsed = parse(text);
  EXPECT_FALSE(parsed.isOk()) << text;
  return parsed.isOk() ? "" : parsed.status().message();
}

std::string modelList(const std::string& config) {
  return R"({"model_config_list": [{"config": )" + config + "}]}";
}

// The one rejected entry's message of a config with a single model.
std::string rejectionOf(const std::string& config) {
  auto parsed = parse(modelList(config));
  EXPECT_TRUE(parsed.isOk()) << parsed.status().message();
  if (!parsed.isOk() || parsed->rejected.size() != 1) {
    ADD_FAILURE() << "expected one rejected entry for " << config;
    return "";
  }
  return parsed->rejected[0].status.message();
}

ModelConfig onlyModel(const std::string& config) {
  auto parsed = parse(modelList(config));
  EXPECT_TRUE(parsed.isOk()) << parsed.status().message();
  if (!parsed.isOk() || parsed->models.size() != 1) {
    ADD_FAILURE() << "expected one model for " << config;
    return {};
  }
  return parsed->models[0];
}

TEST(ConfigFileTest, ParsesSeveralModelsResolvingRelativePaths) {
  auto parsed = parse(R"({"model_config_list": [
      {"config": {"name": "a", "base_path": "models/a"}},
      {"config": {"name": "b", "base_path": "/abs/b/", "model_version_policy": {"all": {}},
                  "nireq": 4, "target_device": "CPU", "allow_cache": true,
                  "plugin_config": {"NUM_STREAMS": 2, "ENABLE_CPU_PINNING": false}}}
    ]})");
  ASSERT_TRUE(parsed.isOk()) << parsed.status().message();
  ASSERT_EQ(parsed->models.size(), 2u);
  EXPECT_TRUE(parsed->rejected.empty());
  EXPECT_FALSE(parsed->metrics.has_value());
  const ModelConfig& a = parsed->models[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.base_path, "/srv/config/models/a");
  EXPECT_EQ(a.version_policy.toString(), R"({"latest":{"num_versions":1}})");
  EXPECT_FALSE(a.allow_cache);
  const ModelConfig& b = parsed->models[1];
  EXPECT_EQ(b.base_path, "/abs/b");
  EXPECT_EQ(b.version_policy.kind(), VersionPolicy::Kind::kAll);
  EXPECT_EQ(b.nireq, 4u);
  EXPECT_TRUE(b.allow_cache);
  const PluginConfig expected = {{"NUM_STREAMS", "2"}, {"ENABLE_CPU_PINNING", "false"}};
  EXPECT_EQ(b.plugin_config, expected);
}

TEST(ConfigFileTest, MalformedJsonIsJsonInvalid) {
  auto parsed = parse(R"({"model_config_list": [})");
  ASSERT_FALSE(parsed.isOk());
  EXPECT_EQ(parsed.status().code(), StatusCode::kJsonInvalid);
  EXPECT_EQ(parsed.status().message(),
            "The file is not valid json - Error: Invalid value. Offset: 23");
}

TEST(ConfigFileTest, UnknownKeysAreNamed) {
  EXPECT_EQ(errorOf(R"({"model_config_list": [], "model_list": []})"),
            "Configuration file is invalid - Unknown key in config file: model_list");
  EXPECT_EQ(errorOf(modelList(R"({"name": "m", "base_path": "m", "batchsize": 1})")),
            "Configuration file is invalid - Unknown key in config file: "
            "model_config_list[0].config.batchsize");
  EXPECT_EQ(errorOf(R"({"model_config_list": [{"config": {"name": "m"}, "extra": 1}]})"),
            "Configuration file is invalid - Unknown key in config file: "
            "model_config_list[0].extra");
  EXPECT_EQ(errorOf(R"({"model_config_list": [], "monitoring": {"metrics": {"enable": true,
                        "endpoint_path": "/m"}}})"),
            "Configuration file is invalid - Unknown key in config file: "
            "monitoring.metrics.endpoint_path");
  // OVMS's per-request options are not config.json keys either.
  EXPECT_EQ(errorOf(modelList(R"({"name": "m", "base_path": "m", "mean": "[1]"})")),
            "Configuration file is invalid - Unknown key in config file: "
            "model_config_list[0].config.mean");
}

TEST(ConfigFileTest, MissingKeysAreNamed) {
  EXPECT_EQ(errorOf("{}"),
            "Configuration file is invalid - Missing key in config file: model_config_list");
  EXPECT_EQ(errorOf(modelList(R"({"base_path": "m"})")),
            "Configuration file is invalid - Missing key in config file: "
            "model_config_list[0].config.name");
  EXPECT_EQ(errorOf(R"({"model_config_list": [{}]})"),
            "Configuration file is invalid - Missing key in config file: "
            "model_config_list[0].config");
}

TEST(ConfigFileTest, WrongValuesNameTheKeyAndRule) {
  EXPECT_EQ(errorOf(modelList(R"({"name": "m", "base_path": "m", "nireq": -1})")),
            "Configuration file is invalid - Invalid value in config file: "
            "model_config_list[0].config.nireq (minimum)");
  EXPECT_EQ(errorOf(modelList(R"({"name": 7, "base_path": "m"})")),
            "Configuration file is invalid - Invalid value in config file: "
            "model_config_list[0].config.name (type)");
  EXPECT_EQ(errorOf(modelList(R"({"name": "m", "base_path": "m",
                                  "model_version_policy": {"latest": {"num_versions": 0}}})")),
            "Configuration file is invalid - Invalid value in config file: "
            "model_config_list[0].config.model_version_policy (oneOf)");
  EXPECT_EQ(errorOf(modelList(R"({"name": "m", "base_path": "m",
                                  "plugin_config": {"NUM_STREAMS": [1]}})")),
            "Configuration file is invalid - Invalid value in config file: "
            "model_config_list[0].config.plugin_config.NUM_STREAMS (type)");
  EXPECT_EQ(errorOf(R"([])"),
            "Configuration file is invalid - Invalid value in config file: (top level) (type)");
}

TEST(ConfigFileTest, UnsupportedFeaturesSaySo) {
  EXPECT_EQ(errorOf(R"({"model_config_list": [], "pipeline_config_list": [{"name": "p"}]})"),
            "Configuration file is invalid - Not supported by mserve: pipeline_config_list (DAG "
            "pipelines)");
  EXPECT_EQ(errorOf(R"({"model_config_list": [], "custom_node_library_config_list": [{}]})"),
            "Configuration file is invalid - Not supported by mserve: "
            "custom_node_library_config_list (custom nodes)");
  EXPECT_EQ(errorOf(R"({"model_config_list": [], "mediapipe_config_list": [{}]})"),
            "Configuration file is invalid - Not supported by mserve: mediapipe_config_list "
            "(MediaPipe graphs)");
  EXPECT_EQ(errorOf(R"({"model_config_list": [], "custom_loader_config_list": [{}]})"),
            "Configuration file is invalid - Not supported by mserve: custom_loader_config_list "
            "(custom loaders)");
  EXPECT_EQ(errorOf(modelList(R"({"name": "m", "base_path": "m", "stateful": true})")),
            "Configuration file is invalid - Not supported by mserve: "
            "model_config_list[0].config.stateful (stateful models)");
  EXPECT_EQ(errorOf(modelList(R"({"name": "m", "base_path": "m", "max_sequence_number": 9})")),
            "Configuration file is invalid - Not supported by mserve: "
            "model_config_list[0].config.max_sequence_number (stateful models)");
  EXPECT_EQ(errorOf(modelList(R"({"name": "m", "graph_path": "g.pbtxt"})")),
            "Configuration file is invalid - Not supported by mserve: "
            "model_config_list[0].config.graph_path (MediaPipe graphs)");
  EXPECT_EQ(errorOf(modelList(R"({"name": "m", "base_path": "m",
                                  "custom_loader_options": {"loader_name": "x"}})")),
            "Configuration file is invalid - Not supported by mserve: "
            "model_config_list[0].config.custom_loader_options (custom loaders)");
}

TEST(ConfigFileTest, EmptyListsOfUnsupportedFeaturesAndStatelessFlagAreAccepted) {
  auto parsed = parse(R"({"model_config_list": [{"config": {"name": "m", "base_path": "m",
      "stateful": false}}], "pipeline_config_list": [], "custom_node_library_config_list": [],
      "mediapipe_config_list": [], "custom_loader_config_list": []})");
  ASSERT_TRUE(parsed.isOk()) << parsed.status().message();
  EXPECT_EQ(parsed->models.size(), 1u);
}

TEST(ConfigFileTest, MonitoringSectionIsKept) {
  auto parsed = parse(R"({"model_config_list": [], "monitoring": {"metrics": {"enable": true,
      "metrics_list": ["ovms_requests_success", "ovms_infer_req_active"]}}})");
  ASSERT_TRUE(parsed.isOk()) << parsed.status().message();
  ASSERT_TRUE(parsed->metrics.has_value());
  EXPECT_TRUE(parsed->metrics->enable);
  const std::vector<std::string> expected = {"ovms_requests_success", "ovms_infer_req_active"};
  EXPECT_EQ(parsed->metrics->metrics_list, expected);
  EXPECT_EQ(errorOf(R"({"model_config_list": [], "monitoring": {"metrics": {}}})"),
            "Configuration file is invalid - Missing key in config file: "
            "monitoring.metrics.enable");
}

TEST(ConfigFileTest, InvalidNamesAreRejectedAndOthersServed) {
  auto parsed = parse(R"({"model_config_list": [
      {"config": {"name": "ok-name_1.0", "base_path": "a"}},
      {"config": {"name": "a/b", "base_path": "b"}},
      {"config": {"name": "..", "base_path": "c"}},
      {"config": {"name": "", "base_path": "d"}},
      {"config": {"name": "x\u0001y", "base_path": "e"}}
    ]})");
  ASSERT_TRUE(parsed.isOk()) << parsed.status().message();
  ASSERT_EQ(parsed->models.size(), 1u);
  EXPECT_EQ(parsed->models[0].name, "ok-name_1.0");
  ASSERT_EQ(parsed->rejected.size(), 4u);
  EXPECT_EQ(parsed->rejected[0].status.message(),
            "Model config is invalid - Invalid model name \"a/b\": use 1 to 255 characters from "
            "A-Z a-z 0-9 . _ - and no \"..\"");
  EXPECT_EQ(parsed->rejected[3].status.code(), StatusCode::kModelConfigInvalid);
  EXPECT_NE(parsed->rejected[3].status.message().find("x\\x01y"), std::string::npos);
  EXPECT_TRUE(validateModelName(std::string(255, 'n')).isOk());
  EXPECT_FALSE(validateModelName(std::string(256, 'n')).isOk());
  EXPECT_FALSE(validateModelName("a b").isOk());
  EXPECT_FALSE(validateModelName(".").isOk());
}

TEST(ConfigFileTest, BasePathsAreCheckedAndResolved) {
  EXPECT_EQ(rejectionOf(R"({"name": "m", "base_path": "../m"})"),
            "The provided base path is invalid or doesn't exists - base_path must not contain "
            "\"..\": ../m");
  EXPECT_EQ(rejectionOf(R"({"name": "m", "base_path": "/a/../../etc"})"),
            "The provided base path is invalid or doesn't exists - base_path must not contain "
            "\"..\": /a/../../etc");
  EXPECT_EQ(rejectionOf(R"({"name": "m", "base_path": "s3://bucket/m"})"),
            "Model config is invalid - Cloud storage base paths are not supported by mserve: "
            "s3://bucket/m");
  EXPECT_EQ(rejectionOf(R"({"name": "m"})"), "Model config is invalid - m: base_path is required");
  EXPECT_EQ(rejectionOf(R"({"name": "m", "base_path": ""})"),
            "The provided base path is invalid or doesn't exists - base_path \"\"");
  EXPECT_EQ(onlyModel(R"({"name": "m", "base_path": "./a/./b/"})").base_path, "/srv/config/a/b");
  EXPECT_EQ(onlyModel(R"({"name": "m", "base_path": "a..b"})").base_path, "/srv/config/a..b");
}

TEST(ConfigFileTest, ShapeBatchAndLayout) {
  const ModelConfig shaped = onlyModel(R"j({"name": "m", "base_path": "m",
                                           "shape": {"in": "(1,3,-1)", "x": "auto"}})j");
  ASSERT_EQ(shaped.shape.shapes.count("in"), 1u);
  EXPECT_EQ(shaped.shape.shapes.at("in").size(), 3u);
  EXPECT_EQ(shaped.shape.auto_inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(onlyModel(R"j({"name": "m", "base_path": "m", "shape": "(1,10)"})j")
                .shape.shapes.at("")
                .size(),
            2u);
  EXPECT_FALSE(onlyModel(R"({"name": "m", "base_path": "m", "batch_size": 0})").batch_size);
  EXPECT_EQ(*onlyModel(R"({"name": "m", "base_path": "m", "batch_size": 4})").batch_size,
            tensor::Dimension::fixed(4));
  EXPECT_EQ(*onlyModel(R"({"name": "m", "base_path": "m", "batch_size": "auto"})").batch_size,
            tensor::Dimension::dynamic());
  // Shape wins over batch size, as in OVMS.
  EXPECT_FALSE(onlyModel(R"j({"name": "m", "base_path": "m", "batch_size": 2, "shape": "(1,10)"})j")
                   .batch_size);
  EXPECT_EQ(rejectionOf(R"j({"name": "m", "base_path": "m", "shape": "(1,x)"})j"),
            "Model config is invalid - Couldn't parse shape parameter. Invalid dimension \"x\"");
  const LayoutParam expected_layouts = {{"", "NHWC:NCHW"}};
  EXPECT_EQ(onlyModel(R"({"name": "m", "base_path": "m", "layout": "NHWC:NCHW"})").layouts,
            expected_layouts);
  const LayoutParam per_input = {{"in", "NCHW"}};
  EXPECT_EQ(onlyModel(R"({"name": "m", "base_path": "m", "layout": {"in": "NCHW"}})").layouts,
            per_input);
  EXPECT_EQ(rejectionOf(R"({"name": "m", "base_path": "m", "layout": "nhwc"})"),
            "Model config is invalid - Couldn't parse layout parameter. Expected e.g. NHWC:NCHW "
            "or NCHW, got \"nhwc\"");
}

TEST(ConfigFileTest, DuplicateNamesKeepTheFirst) {
  auto parsed = parse(R"({"model_config_list": [
      {"config": {"name": "m", "base_path": "first"}},
      {"config": {"name": "m", "base_path": "second"}}]})");
  ASSERT_TRUE(parsed.isOk());
  ASSERT_EQ(parsed->models.size(), 1u);
  EXPECT_EQ(parsed->models[0].base_path, "/srv/config/first");
  ASSERT_EQ(parsed->warnings.size(), 1u);
  EXPECT_EQ(parsed->warnings[0],
            "Duplicated model names: m defined in config file. Only first definition will be "
            "loaded.");
}

TEST(ConfigFileTest, FingerprintIgnoresOnlyTheVersionPolicy) {
  const std::string base = onlyModel(R"({"name": "m", "base_path": "m"})").fingerprint;
  EXPECT_EQ(onlyModel(R"({"name": "m", "base_path": "m", "model_version_policy": {"all": {}}})")
                .fingerprint,
            base);
  EXPECT_NE(onlyModel(R"({"name": "m", "base_path": "m", "nireq": 2})").fingerprint, base);
  EXPECT_NE(onlyModel(R"({"name": "m", "base_path": "other"})").fingerprint, base);
  EXPECT_NE(onlyModel(R"({"name": "m", "base_path": "m", "plugin_config": {"NUM_STREAMS": 1}})")
                .fingerprint,
            base);
}

TEST(ConfigFileTest, ContentHashSeesEveryByte) {
  EXPECT_EQ(contentHash("{}"), contentHash("{}"));
  EXPECT_NE(contentHash(R"({"a": 1})"), contentHash(R"({"a": 2})"));
  EXPECT_NE(contentHash("{}"), contentHash("{} "));
}

class ConfigFileOnDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/mserve_config_XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    root_ = name;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  std::filesystem::path root_;
};

TEST_F(ConfigFileOnDiskTest, FindsAndReadsTheFile) {
  std::ofstream(root_ / "config.json") << R"({"model_config_list": []})";
  EXPECT_EQ(configFilePath(root_.string()), (root_ / "config.json").string());
  EXPECT_EQ(configFilePath((root_ / "other.json").string()), (root_ / "other.json").string());
  auto text = readConfigFile(configFilePath(root_.string()));
  ASSERT_TRUE(text.isOk());
  EXPECT_EQ(text.value(), R"({"model_config_list": []})");
  auto missing = readConfigFile((root_ / "missing.json").string());
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::kFileInvalid);
}

TEST_F(ConfigFileOnDiskTest, ReadsMappingConfig) {
  auto none = readTensorMapping(root_.string());
  ASSERT_TRUE(none.isOk());
  EXPECT_TRUE(none->empty());
  std::ofstream(root_ / kMappingFileName) << R"({"inputs": {"b": "input"}, "outputs": {"a": "y"}})";
  auto mapping = readTensorMapping(root_.string());
  ASSERT_TRUE(mapping.isOk()) << mapping.status().message();
  EXPECT_EQ(mapping->inputs.at("b"), "input");
  EXPECT_EQ(mapping->outputs.at("a"), "y");
}

TEST(TensorMappingTest, RejectsMalformedMappings) {
  EXPECT_TRUE(parseTensorMapping(R"({"outputs": {"a": "y"}})").isOk());
  EXPECT_TRUE(parseTensorMapping("{}").isOk());
  auto not_json = parseTensorMapping("{");
  ASSERT_FALSE(not_json.isOk());
  EXPECT_EQ(not_json.status().code(), StatusCode::kJsonInvalid);
  EXPECT_EQ(parseTensorMapping(R"({"inputs": {"a": 1}})").status().message(),
            "The file is not valid json - Invalid value in mapping_config.json: inputs.a (type)");
  EXPECT_EQ(parseTensorMapping(R"({"inputs": {}, "extra": {}})").status().message(),
            "The file is not valid json - Unknown key in mapping_config.json: extra");
  EXPECT_EQ(parseTensorMapping(R"({"inputs": {"a": "x", "b": "x"}})").status().message(),
            "The file is not valid json - mapping_config.json: inputs give two tensors the name x");
}

}  // namespace
}  // namespace mserve::config

#include "config/plugin_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace mserve::config {
namespace {

using util::StatusCode;

PluginConfig parsed(const std::string& text, const std::string& device = "CPU") {
  auto config = parsePluginConfig(text, device);
  EXPECT_TRUE(config.isOk()) << text << ": " << config.status().message();
  return config.isOk() ? config.value() : PluginConfig{};
}

void expectError(const std::string& text, const std::string& details,
                 const std::string& device = "CPU") {
  auto config = parsePluginConfig(text, device);
  ASSERT_FALSE(config.isOk()) << text;
  EXPECT_EQ(config.status().code(), StatusCode::kPluginConfigInvalid);
  EXPECT_EQ(config.status().message(), "Couldn't parse plugin config - " + details);
}

class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    char name[] = "/tmp/mserve_plugin_XXXXXX";
    const int fd = mkstemp(name);
    close(fd);
    path_ = name;
    std::ofstream(path_) << contents;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(PluginConfigTest, ValuesBecomeStringsInTheUsersOrder) {
  EXPECT_EQ(parsed(R"({"NUM_STREAMS": "2", "PERF_COUNT": true, "INFERENCE_NUM_THREADS": 4,
                       "X_NEG": -3, "X_DOUBLE": 0.5, "X_BIG": 18446744073709551615,
                       "ENABLE_CPU_PINNING": false, "X_EXP": 1e21})"),
            (PluginConfig{{"NUM_STREAMS", "2"},
                          {"PERF_COUNT", "true"},
                          {"INFERENCE_NUM_THREADS", "4"},
                          {"X_NEG", "-3"},
                          {"X_DOUBLE", "0.5"},
                          {"X_BIG", "18446744073709551615"},
                          {"ENABLE_CPU_PINNING", "false"},
                          {"X_EXP", "1e+21"}}));
}

TEST(PluginConfigTest, NestedObjectsAreKeptAsCompactJson) {
  EXPECT_EQ(parsed(R"({"DEVICE_PROPERTIES": {"CPU": {"NUM_STREAMS": 2, "X": "a b"}}})"),
            (PluginConfig{{"DEVICE_PROPERTIES", R"({"CPU":{"NUM_STREAMS":2,"X":"a b"}})"}}));
}

TEST(PluginConfigTest, EmptyTextIsAnEmptyConfig) {
  EXPECT_TRUE(parsed("").empty());
  EXPECT_TRUE(parsed("  ").empty());
  EXPECT_TRUE(parsed("{}").empty());
}

TEST(PluginConfigTest, DuplicateKeysKeepTheLastValue) {
  EXPECT_EQ(parsed(R"({"A": "1", "B": "2", "A": "3"})"), (PluginConfig{{"A", "3"}, {"B", "2"}}));
}

TEST(PluginConfigTest, RejectsWhatOpenVinoCannotTake) {
  expectError("{\"NUM_STREAMS\": ", "Plugin config is not valid JSON: Invalid value.");
  expectError("NUM_STREAMS=1", "Plugin config is not valid JSON: Invalid value.");
  expectError("[1]", "Plugin config must be a JSON object");
  expectError(R"({"A": [1, 2]})", "Value of A must be a string, bool, number or object");
  expectError(R"({"A": null})", "Value of A must be a string, bool, number or object");
}

TEST(PluginConfigTest, ReadsAFlatObjectFromAFile) {
  TempFile file(R"({"NUM_STREAMS": 3, "PERFORMANCE_HINT": "THROUGHPUT"})");
  EXPECT_EQ(parsed(file.path()),
            (PluginConfig{{"NUM_STREAMS", "3"}, {"PERFORMANCE_HINT", "THROUGHPUT"}}));
}

TEST(PluginConfigTest, ReadsBenchmarkAppDumpConfigForTheDevice) {
  TempFile file(R"({"CPU": {"NUM_STREAMS": "3"}, "GPU": {"NUM_STREAMS": "1"}})");
  EXPECT_EQ(parsed(file.path(), "CPU"), (PluginConfig{{"NUM_STREAMS", "3"}}));
  EXPECT_EQ(parsed(file.path(), "GPU"), (PluginConfig{{"NUM_STREAMS", "1"}}));
  expectError(file.path(), "Plugin config file " + file.path() + " has no entry for device NPU",
              "NPU");
}

TEST(PluginConfigTest, DumpConfigWithOneDeviceIsTakenWhateverTheDevice) {
  TempFile file(R"({"CPU": {"NUM_STREAMS": "3", "ENABLE_CPU_PINNING": "YES"}})");
  EXPECT_EQ(parsed(file.path(), "AUTO"),
            (PluginConfig{{"NUM_STREAMS", "3"}, {"ENABLE_CPU_PINNING", "YES"}}));
}

TEST(PluginConfigTest, DevicePropertiesAloneIsNotADumpConfig) {
  TempFile file(R"({"DEVICE_PROPERTIES": {"CPU": {"NUM_STREAMS": 2}}})");
  EXPECT_EQ(parsed(file.path()),
            (PluginConfig{{"DEVICE_PROPERTIES", R"({"CPU":{"NUM_STREAMS":2}})"}}));
}

TEST(PluginConfigTest, BadFilesAreReported) {
  TempFile invalid("{not json");
  expectError(invalid.path(), "Plugin config file " + invalid.path() +
                                  " is not valid JSON: Missing a name for object member.");
  TempFile array("[]");
  expectError(array.path(), "Plugin config file " + array.path() + " must hold an object");
}

NormalisedPluginConfig normalised(PluginConfig config) {
  return normalisePluginConfig(std::move(config));
}

TEST(PluginConfigTest, NormaliseAddsLatencyHintWhenNeitherHintNorStreams) {
  const auto out = normalised({{"INFERENCE_NUM_THREADS", "4"}});
  EXPECT_EQ(out.properties,
            (PluginConfig{{"INFERENCE_NUM_THREADS", "4"}, {"PERFORMANCE_HINT", "LATENCY"}}));
  EXPECT_TRUE(out.warnings.empty());
  EXPECT_EQ(normalised({}).properties, (PluginConfig{{"PERFORMANCE_HINT", "LATENCY"}}));
}

TEST(PluginConfigTest, NormaliseKeepsAHintOrStreamsAlone) {
  EXPECT_EQ(normalised({{"PERFORMANCE_HINT", "THROUGHPUT"}}).properties,
            (PluginConfig{{"PERFORMANCE_HINT", "THROUGHPUT"}}));
  const auto streams = normalised({{"NUM_STREAMS", "2"}});
  EXPECT_EQ(streams.properties, (PluginConfig{{"NUM_STREAMS", "2"}}));
  EXPECT_TRUE(streams.warnings.empty());
}

TEST(PluginConfigTest, NormaliseWarnsWhenHintAndStreamsMeet) {
  const auto out = normalised({{"NUM_STREAMS", "2"}, {"PERFORMANCE_HINT", "LATENCY"}});
  EXPECT_EQ(out.properties, (PluginConfig{{"NUM_STREAMS", "2"}, {"PERFORMANCE_HINT", "LATENCY"}}));
  EXPECT_EQ(out.warnings, (std::vector<std::string>{
                              "Both PERFORMANCE_HINT and NUM_STREAMS are set; NUM_STREAMS decides "
                              "the number of streams"}));
}

TEST(PluginConfigTest, NormaliseTranslatesThroughputStreams) {
  const auto automatic = normalised({{"CPU_THROUGHPUT_STREAMS", "CPU_THROUGHPUT_AUTO"}});
  EXPECT_EQ(automatic.properties, (PluginConfig{{"PERFORMANCE_HINT", "THROUGHPUT"}}));
  EXPECT_EQ(
      automatic.warnings,
      (std::vector<std::string>{
          "Plugin config key CPU_THROUGHPUT_STREAMS is deprecated; using "
          "PERFORMANCE_HINT=THROUGHPUT instead of CPU_THROUGHPUT_STREAMS=CPU_THROUGHPUT_AUTO"}));

  const auto gpu = normalised({{"GPU_THROUGHPUT_STREAMS", "GPU_THROUGHPUT_AUTO"}});
  EXPECT_EQ(gpu.properties, (PluginConfig{{"PERFORMANCE_HINT", "THROUGHPUT"}}));
  EXPECT_EQ(normalised({{"CPU_THROUGHPUT_STREAMS", "CPU_THROUGHPUT_NUMA"}}).properties,
            (PluginConfig{{"NUM_STREAMS", "NUMA"}}));

  const auto numeric = normalised({{"A", "1"}, {"CPU_THROUGHPUT_STREAMS", "4"}, {"B", "2"}});
  EXPECT_EQ(numeric.properties, (PluginConfig{{"A", "1"}, {"NUM_STREAMS", "4"}, {"B", "2"}}));
  EXPECT_EQ(numeric.warnings, (std::vector<std::string>{
                                  "Plugin config key CPU_THROUGHPUT_STREAMS is deprecated; using "
                                  "NUM_STREAMS=4 instead of CPU_THROUGHPUT_STREAMS=4"}));
}

TEST(PluginConfigTest, NormaliseTranslatesThreadsNum) {
  const auto out = normalised({{"CPU_THREADS_NUM", "8"}, {"NUM_STREAMS", "1"}});
  EXPECT_EQ(out.properties, (PluginConfig{{"INFERENCE_NUM_THREADS", "8"}, {"NUM_STREAMS", "1"}}));
  EXPECT_EQ(out.warnings,
            (std::vector<std::string>{"Plugin config key CPU_THREADS_NUM is deprecated; using "
                                      "INFERENCE_NUM_THREADS=8 instead of CPU_THREADS_NUM=8"}));
}

TEST(PluginConfigTest, NormaliseMapsAffinityToPinning) {
  EXPECT_EQ(normalised({{"AFFINITY", "NONE"}, {"NUM_STREAMS", "1"}}).properties,
            (PluginConfig{{"ENABLE_CPU_PINNING", "NO"}, {"NUM_STREAMS", "1"}}));
  for (const char* value : {"CORE", "NUMA", "HYBRID_AWARE"}) {
    EXPECT_EQ(normalised({{"AFFINITY", value}, {"NUM_STREAMS", "1"}}).properties,
              (PluginConfig{{"ENABLE_CPU_PINNING", "YES"}, {"NUM_STREAMS", "1"}}))
        << value;
  }
}

TEST(PluginConfigTest, NormaliseLetsExplicitModernKeysWin) {
  const auto out = normalised({{"AFFINITY", "NONE"},
                               {"ENABLE_CPU_PINNING", "YES"},
                               {"NUM_STREAMS", "2"},
                               {"CPU_THROUGHPUT_STREAMS", "4"}});
  EXPECT_EQ(out.properties, (PluginConfig{{"ENABLE_CPU_PINNING", "YES"}, {"NUM_STREAMS", "2"}}));
  EXPECT_EQ(out.warnings,
            (std::vector<std::string>{
                "Plugin config key AFFINITY is deprecated and ignored: ENABLE_CPU_PINNING is set "
                "explicitly",
                "Plugin config key CPU_THROUGHPUT_STREAMS is deprecated and ignored: NUM_STREAMS "
                "is set explicitly"}));
}

TEST(PluginConfigTest, UnsupportedKeysListsUnknownOnesInOrder) {
  const std::vector<std::string> supported = {"NUM_STREAMS", "PERFORMANCE_HINT"};
  EXPECT_EQ(unsupportedKeys({{"NUM_STREAMS", "1"}, {"FOO", "1"}, {"BAR", "2"}}, supported),
            (std::vector<std::string>{"FOO", "BAR"}));
  EXPECT_TRUE(unsupportedKeys({{"PERFORMANCE_HINT", "LATENCY"}}, supported).empty());
}

TEST(PluginConfigTest, CoreWideKeysAreAlwaysSupported) {
  EXPECT_TRUE(unsupportedKeys({{"ENABLE_MMAP", "NO"}, {"CACHE_DIR", "/c"}}, {}).empty());
}

}  // namespace
}  // namespace mserve::config

#include "cli/server_options.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mserve::cli {
namespace {

constexpr uint32_t kCores = 4;
constexpr uint64_t kFiles = 1024;

ParseResult run(std::vector<const char*> args, uint32_t cores = kCores, uint64_t files = kFiles) {
  args.insert(args.begin(), "mserve");
  return parseCommandLine(static_cast<int>(args.size()), args.data(), cores, "2026.4.0", files);
}

// A valid single-model command line plus `extra`.
ParseResult runModel(std::vector<const char*> extra, uint32_t cores = kCores,
                     uint64_t files = kFiles) {
  std::vector<const char*> args = {"--model_name", "m", "--model_path", "/models/m"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run(args, cores, files);
}

void expectUsageError(const ParseResult& result, const std::string& text) {
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_EQ(result.error, text + "\n");
  EXPECT_FALSE(result.options.has_value());
  EXPECT_TRUE(result.output.empty());
}

TEST(ServerOptionsTest, NoArgumentsPrintsHelpAndExitsZero) {
  const ParseResult result = run({});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, helpText());
  EXPECT_TRUE(result.error.empty());
  EXPECT_FALSE(result.options.has_value());
}

TEST(ServerOptionsTest, HelpFlagsPrintHelp) {
  for (const char* flag : {"--help", "-h"}) {
    const ParseResult result = runModel({"--port", "9000", flag});
    EXPECT_EQ(result.exit_code, 0) << flag;
    EXPECT_EQ(result.output, helpText()) << flag;
    EXPECT_FALSE(result.options.has_value()) << flag;
  }
}

TEST(ServerOptionsTest, HelpListsEveryFlagWithItsDefaultOnOneLine) {
  const std::string help = helpText();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"--port PORT", "(default: 0)"},
      {"--grpc_bind_address ADDRESSES", "(default: 0.0.0.0)"},
      {"--grpc_workers COUNT", "(default: 1)"},
      {"--grpc_channel_arguments ARGS", "(default: none)"},
      {"--rest_port PORT", "(default: 0)"},
      {"--rest_bind_address ADDRESSES", "(default: 0.0.0.0)"},
      {"--rest_workers COUNT", "(default: min(CPU budget, (open files - 15) / 7), at least 2)"},
      {"--model_name NAME", "(default: none)"},
      {"--model_path PATH", "(default: none)"},
      {"--config_path PATH", "(default: none)"},
      {"--batch_size SIZE", "(default: model's)"},
      {"--shape SHAPE", "(default: model's)"},
      {"--layout LAYOUT", "(default: model's)"},
      {"--model_version_policy JSON", R"((default: {"latest":{"num_versions":1}}))"},
      {"--nireq COUNT", "(default: 0)"},
      {"--target_device DEVICE", "(default: CPU)"},
      {"--plugin_config JSON", "(default: {})"},
      {"--file_system_poll_wait_seconds SECONDS", "(default: 1)"},
      {"--log_level LEVEL", "(default: INFO)"},
      {"--log_path PATH", "(default: none)"},
      {"--cache_dir PATH", "(default: none)"},
      {"--metrics_enable ", "(default: false)"},
      {"--metrics_list NAMES", "(default: the default families)"},
      {"--drain_seconds SECONDS", "(default: 0)"},
      {"--shutdown_timeout_seconds SECONDS", "(default: 5)"},
      {"--grpc_tls_cert PEM", "(default: none)"},
      {"--rest_tls_client_ca PEM", "(default: none)"},
      {"-h, --help ", "Show this help message and exit"},
      {"--version ", "Show the server and OpenVINO versions and exit"},
  };
  for (const auto& [flag, tail] : expected) {
    const size_t at = help.find("  " + flag);
    ASSERT_NE(at, std::string::npos) << flag;
    const size_t end = help.find('\n', at);
    const std::string line = help.substr(at, end - at);
    EXPECT_EQ(line.substr(line.size() - tail.size()), tail) << line;
  }
}

TEST(ServerOptionsTest, VersionPrintsServerAndOpenVinoVersions) {
  const ParseResult result = run({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "mserve 0.1.0\nOpenVINO backend 2026.4.0\n");
  EXPECT_FALSE(result.options.has_value());
  // As in OVMS, --version is answered before --help and before any validation.
  EXPECT_EQ(run({"--help", "--version", "--port", "70000"}).output,
            "mserve 0.1.0\nOpenVINO backend 2026.4.0\n");
}

TEST(ServerOptionsTest, UnknownOptionsAreListedLikeOvms) {
  expectUsageError(runModel({"--port", "9000", "--foo", "bar", "-x", "--grpc_max_threads=4"}),
                   "error parsing options - unmatched arguments: --foo, bar, -x, "
                   "--grpc_max_threads=4, ");
  // Reported before --version and --help are looked at.
  expectUsageError(run({"--version", "extra"}),
                   "error parsing options - unmatched arguments: extra, ");
}

TEST(ServerOptionsTest, CxxoptsErrorsKeepTheirText) {
  expectUsageError(runModel({"--port", "-1"}),
                   "error parsing options: Argument \u2018-1\u2019 failed to parse");
  expectUsageError(runModel({"--port"}),
                   "error parsing options: Option \u2018port\u2019 is missing an argument");
  expectUsageError(runModel({"--nireq", "many"}),
                   "error parsing options: Argument \u2018many\u2019 failed to parse");
  expectUsageError(runModel({"--port", "9000", "--metrics_enable=maybe"}),
                   "error parsing options: Argument \u2018maybe\u2019 failed to parse");
  expectUsageError(runModel({"--port", "4294967296"}),
                   "error parsing options: Argument \u20184294967296\u2019 failed to parse");
}

TEST(ServerOptionsTest, DefaultsMatchOvms) {
  const ParseResult result = runModel({"--port", "9000"});
  ASSERT_TRUE(result.options.has_value()) << result.error;
  EXPECT_EQ(result.exit_code, 0);
  const ServerOptions& o = *result.options;
  EXPECT_EQ(o.port, 9000u);
  EXPECT_EQ(o.rest_port, 0u);
  EXPECT_EQ(o.grpc_bind_address, "0.0.0.0");
  EXPECT_EQ(o.rest_bind_address, "0.0.0.0");
  EXPECT_EQ(o.grpc_workers, 1u);
  EXPECT_FALSE(o.rest_workers.has_value());
  EXPECT_FALSE(o.rest_workers_given);
  EXPECT_EQ(o.grpc_channel_arguments, "");
  EXPECT_EQ(o.model_name, "m");
  EXPECT_EQ(o.model_path, "/models/m");
  EXPECT_EQ(o.batch_size, "");
  EXPECT_EQ(o.shape, "");
  EXPECT_EQ(o.layout, "");
  EXPECT_EQ(o.model_version_policy, "");
  EXPECT_EQ(o.nireq, 0u);
  EXPECT_EQ(o.target_device, "CPU");
  EXPECT_FALSE(o.target_device_given);
  EXPECT_EQ(o.plugin_config, "");
  EXPECT_EQ(o.config_path, "");
  EXPECT_EQ(o.file_system_poll_wait_seconds, 1u);
  EXPECT_EQ(o.log_level, "INFO");
  EXPECT_EQ(o.log_path, "");
  EXPECT_EQ(o.cache_dir, "");
  EXPECT_FALSE(o.metrics_enable);
  EXPECT_EQ(o.metrics_list, "");
  EXPECT_EQ(o.inline_inference_max_us, 200u);  // mserve's own
}

TEST(ServerOptionsTest, EveryFlagIsParsed) {
  const ParseResult result = runModel({"--port=9000",
                                       "--rest_port",
                                       "8000",
                                       "--grpc_bind_address",
                                       "127.0.0.1",
                                       "--rest_bind_address",
                                       "127.0.0.1,::1",
                                       "--grpc_workers",
                                       "2",
                                       "--rest_workers",
                                       "7",
                                       "--grpc_channel_arguments",
                                       "grpc.max_connection_age_ms=2000",
                                       "--batch_size",
                                       "auto",
                                       "--shape",
                                       "(1,3,224,224)",
                                       "--layout",
                                       "NHWC:NCHW",
                                       "--model_version_policy",
                                       R"({"all":{}})",
                                       "--nireq",
                                       "4",
                                       "--target_device",
                                       "GPU.1",
                                       "--plugin_config",
                                       R"({"NUM_STREAMS":"2"})",
                                       "--file_system_poll_wait_seconds",
                                       "0",
                                       "--log_level",
                                       "DEBUG",
                                       "--log_path",
                                       "/tmp/log.txt",
                                       "--cache_dir",
                                       "/tmp/cache",
                                       "--metrics_enable",
                                       "--metrics_list",
                                       "ovms_requests_success",
                                       "--inline_inference_max_us",
                                       "0"});
  ASSERT_TRUE(result.options.has_value()) << result.error;
  const ServerOptions& o = *result.options;
  EXPECT_EQ(o.port, 9000u);
  EXPECT_EQ(o.rest_port, 8000u);
  EXPECT_EQ(o.grpc_bind_address, "127.0.0.1");
  EXPECT_EQ(o.rest_bind_address, "127.0.0.1,::1");
  EXPECT_EQ(o.grpc_workers, 2u);
  EXPECT_EQ(o.rest_workers, 7u);
  EXPECT_TRUE(o.rest_workers_given);
  EXPECT_EQ(o.grpc_channel_arguments, "grpc.max_connection_age_ms=2000");
  EXPECT_EQ(o.batch_size, "auto");
  EXPECT_EQ(o.shape, "(1,3,224,224)");
  EXPECT_EQ(o.layout, "NHWC:NCHW");
  EXPECT_EQ(o.model_version_policy, R"({"all":{}})");
  EXPECT_EQ(o.nireq, 4u);
  EXPECT_EQ(o.target_device, "GPU.1");
  EXPECT_TRUE(o.target_device_given);
  EXPECT_EQ(o.plugin_config, R"({"NUM_STREAMS":"2"})");
  EXPECT_EQ(o.file_system_poll_wait_seconds, 0u);
  EXPECT_EQ(o.log_level, "DEBUG");
  EXPECT_EQ(o.log_path, "/tmp/log.txt");
  EXPECT_EQ(o.cache_dir, "/tmp/cache");
  EXPECT_TRUE(o.metrics_enable);
  EXPECT_EQ(o.metrics_list, "ovms_requests_success");
  EXPECT_EQ(o.inline_inference_max_us, 0u);
}

TEST(ServerOptionsTest, ConfigPathModeParses) {
  const ParseResult result = run({"--config_path", "/c/config.json", "--rest_port", "8000",
                                  "--layout", "NCHW", "--nireq", "0"});
  ASSERT_TRUE(result.options.has_value()) << result.error;
  EXPECT_EQ(result.options->config_path, "/c/config.json");
  EXPECT_EQ(result.options->layout, "NCHW");  // not one of OVMS's exclusive parameters
}

TEST(ServerOptionsTest, Rule1ConfigPathWithModelNameOrPath) {
  const char* kText = "Use either config_path or model_path with model_name";
  expectUsageError(run({"--config_path", "c.json", "--model_name", "m", "--port", "9000"}), kText);
  expectUsageError(run({"--config_path", "c.json", "--model_path", "/m", "--port", "9000"}), kText);
}

TEST(ServerOptionsTest, Rule2NeitherConfigNorModelNameAndPath) {
  const char* kText = "Use config_path or model_path with model_name";
  expectUsageError(run({"--port", "9000"}), kText);
  expectUsageError(run({"--model_name", "m", "--port", "9000"}), kText);
  expectUsageError(run({"--model_path", "/m", "--port", "9000"}), kText);
}

TEST(ServerOptionsTest, Rule3ModelParametersExclusiveWithConfig) {
  const std::vector<std::vector<const char*>> cases = {
      {"--batch_size", "1"},      {"--shape", "auto"},
      {"--nireq", "2"},           {"--model_version_policy", R"({"all":{}})"},
      {"--target_device", "CPU"}, {"--plugin_config", "{}"},
  };
  for (const auto& extra : cases) {
    std::vector<const char*> args = {"--config_path", "c.json", "--port", "9000"};
    args.insert(args.end(), extra.begin(), extra.end());
    expectUsageError(run(args), "Model parameters in CLI are exclusive with the config file");
  }
  // OVMS counts an empty --target_device as not given.
  EXPECT_TRUE(run({"--config_path", "c.json", "--port", "9000", "--target_device", ""})
                  .options.has_value());
}

TEST(ServerOptionsTest, Rule4GrpcWorkersWithinCoreCount) {
  const char* kText = "grpc_workers count should be from 1 to CPU core count : 4";
  expectUsageError(runModel({"--port", "9000", "--grpc_workers", "0"}), kText);
  expectUsageError(runModel({"--port", "9000", "--grpc_workers", "5"}), kText);
  EXPECT_TRUE(runModel({"--port", "9000", "--grpc_workers", "4"}).options.has_value());
  expectUsageError(runModel({"--port", "9000", "--grpc_workers", "2"}, /*cores=*/1),
                   "grpc_workers count should be from 1 to CPU core count : 1");
}

TEST(ServerOptionsTest, Rule5MetricsNeedRestPort) {
  expectUsageError(runModel({"--port", "9000", "--metrics_enable"}),
                   "rest_port setting is missing, metrics are enabled on rest port");
}

TEST(ServerOptionsTest, Rule6MetricsListNeedsMetricsEnable) {
  const char* kText = "metrics_enable setting is missing, required when metrics_list is provided";
  expectUsageError(runModel({"--rest_port", "8000", "--metrics_list", "ovms_streams"}), kText);
  expectUsageError(
      runModel({"--rest_port", "8000", "--metrics_enable=false", "--metrics_list", "ovms_streams"}),
      kText);
}

TEST(ServerOptionsTest, Rule7SomePortIsRequired) {
  expectUsageError(runModel({}), "port and rest_port cannot both be unset");
  expectUsageError(run({"--config_path", "c.json"}), "port and rest_port cannot both be unset");
}

TEST(ServerOptionsTest, Rule8RestWorkersAtMostTenThousand) {
  expectUsageError(runModel({"--rest_port", "8000", "--rest_workers", "10001"}, kCores, 1000000),
                   "rest_workers count should be from 2 to 10000");
  // Checked before rule 9, as OVMS.
  expectUsageError(runModel({"--port", "9000", "--rest_workers", "10001"}),
                   "rest_workers count should be from 2 to 10000");
  EXPECT_TRUE(runModel({"--rest_port", "8000", "--rest_workers", "10000"}, kCores, 1000000)
                  .options.has_value());
}

TEST(ServerOptionsTest, Rule9RestWorkersNeedRestPort) {
  expectUsageError(runModel({"--port", "9000", "--rest_workers", "4"}),
                   "rest_workers is set but rest_port is not set. rest_port is required to start "
                   "rest servers");
}

TEST(ServerOptionsTest, Rule10RestWorkersBoundedByOpenFilesLimit) {
  // (100 - 15) / 6 = 14.
  expectUsageError(runModel({"--rest_port", "8000", "--rest_workers", "15"}, kCores, 100),
                   "rest_workers count cannot be larger than 14 due to open files limit. Current "
                   "open files limit: 100");
  const ParseResult ok = runModel({"--rest_port", "8000", "--rest_workers", "14"}, kCores, 100);
  ASSERT_TRUE(ok.options.has_value()) << ok.error;
  EXPECT_EQ(ok.options->rest_workers, 14u);
}

TEST(ServerOptionsTest, Rules11And12PortRanges) {
  expectUsageError(runModel({"--port", "65536"}), "port number out of range from 0 to 65535");
  expectUsageError(runModel({"--port", "9000", "--rest_port", "70000"}, kCores, 1000000),
                   "rest_port number out of range from 0 to 65535");
  EXPECT_TRUE(runModel({"--port", "65535"}).options.has_value());
}

TEST(ServerOptionsTest, Rules13And14BindAddresses) {
  expectUsageError(runModel({"--rest_port", "8000", "--rest_bind_address", "bad_host"}),
                   "rest_bind_address has invalid format: proper hostname or IP address expected.");
  expectUsageError(runModel({"--port", "9000", "--grpc_bind_address", "256.1.1.1"}),
                   "grpc_bind_address has invalid format: proper hostname or IP address expected.");
  // REST is checked first.
  expectUsageError(
      runModel({"--port", "9000", "--grpc_bind_address", "-x", "--rest_bind_address", "-y"}),
      "rest_bind_address has invalid format: proper hostname or IP address expected.");
}

TEST(ServerOptionsTest, BindAddressForms) {
  for (const char* good : {"0.0.0.0", "127.0.0.1,::1", "::", "localhost", "my-host.example.com",
                           "cafe", "2001:db8::8a2e:370:7334", "10.0.0.1,localhost"}) {
    EXPECT_TRUE(runModel({"--port", "9000", "--grpc_bind_address", good}).options.has_value())
        << good;
  }
  for (const char* bad : {"1.2.3", "01.2.3.4", "host_name", "-host", "host-", "a..b", "127.0.0.1,",
                          ",::1", ":::1::", "1.2.3.4.5", "a b"}) {
    EXPECT_FALSE(runModel({"--port", "9000", "--grpc_bind_address", bad}).options.has_value())
        << bad;
  }
  const std::string long_name(256, 'a');
  EXPECT_FALSE(
      runModel({"--port", "9000", "--grpc_bind_address", long_name.c_str()}).options.has_value());
}

TEST(ServerOptionsTest, Rule15PortsMustDiffer) {
  expectUsageError(runModel({"--port", "9000", "--rest_port", "9000"}),
                   "port and rest_port cannot have the same values");
}

TEST(ServerOptionsTest, Rule17LogLevel) {
  expectUsageError(runModel({"--port", "9000", "--log_level", "info"}),
                   "log_level should be one of: TRACE, DEBUG, INFO, WARNING, ERROR");
  for (const char* level : {"TRACE", "DEBUG", "INFO", "WARNING", "ERROR"}) {
    EXPECT_TRUE(runModel({"--port", "9000", "--log_level", level}).options.has_value()) << level;
  }
}

TEST(ServerOptionsTest, FirstFailingRuleWins) {
  // Rules 5, 11 and 17 all fail: 5 comes first.
  expectUsageError(runModel({"--port", "70000", "--metrics_enable", "--log_level", "x"}),
                   "rest_port setting is missing, metrics are enabled on rest port");
  // Rules 1 and 4 fail: 1 first.
  expectUsageError(run({"--config_path", "c", "--model_name", "m", "--grpc_workers", "99"}),
                   "Use either config_path or model_path with model_name");
}

TEST(ServerOptionsTest, RestWorkersDefaultAppliesOnlyWithRestPort) {
  const ParseResult with_rest = runModel({"--rest_port", "8000"}, /*cores=*/4, /*files=*/1024);
  ASSERT_TRUE(with_rest.options.has_value()) << with_rest.error;
  EXPECT_EQ(with_rest.options->rest_workers, 4u);
  EXPECT_FALSE(with_rest.options->rest_workers_given);

  const ParseResult one_core = runModel({"--rest_port", "8000"}, /*cores=*/1, /*files=*/1024);
  ASSERT_TRUE(one_core.options.has_value()) << one_core.error;
  EXPECT_EQ(one_core.options->rest_workers, 2u);

  // Values below 2 are raised to 2 silently.
  const ParseResult zero = runModel({"--rest_port", "8000", "--rest_workers", "0"});
  ASSERT_TRUE(zero.options.has_value()) << zero.error;
  EXPECT_EQ(zero.options->rest_workers, 2u);
  EXPECT_TRUE(zero.options->rest_workers_given);
}

TEST(ServerOptionsTest, DefaultRestWorkersFormula) {
  EXPECT_EQ(defaultRestWorkers(4, 1024), 4u);        // min(4, 1009 / 7 = 144)
  EXPECT_EQ(defaultRestWorkers(64, 200), 26u);       // min(64, 185 / 7 = 26)
  EXPECT_EQ(defaultRestWorkers(1, 1024), 2u);        // raised to 2
  EXPECT_EQ(defaultRestWorkers(8, 10), 2u);          // limit below the reserve
  EXPECT_EQ(defaultRestWorkers(8, UINT64_MAX), 8u);  // RLIM_INFINITY
}

TEST(ServerOptionsTest, RestConnectionFlagsAndTheirDefaults) {
  ParseResult result = runModel({"--rest_port", "8000"}, kCores, 4096);
  ASSERT_TRUE(result.options.has_value()) << result.error;
  EXPECT_EQ(result.options->rest_header_timeout_seconds, 10u);
  EXPECT_EQ(result.options->rest_max_connections, 2048u);  // half the open files
  result = runModel({"--rest_port", "8000", "--rest_header_timeout_seconds", "3",
                     "--rest_max_connections", "50"});
  ASSERT_TRUE(result.options.has_value()) << result.error;
  EXPECT_EQ(result.options->rest_header_timeout_seconds, 3u);
  EXPECT_EQ(result.options->rest_max_connections, 50u);
  EXPECT_EQ(defaultRestMaxConnections(1024), 512u);
  EXPECT_EQ(defaultRestMaxConnections(20), 16u);
  EXPECT_EQ(defaultRestMaxConnections(UINT64_MAX), 16384u);
  const std::string help = helpText();
  EXPECT_NE(help.find("--rest_header_timeout_seconds SECONDS"), std::string::npos);
  EXPECT_NE(help.find("--rest_max_connections COUNT"), std::string::npos);
}

TEST(ServerOptionsTest, RealOpenFilesLimitIsUsedWhenNotInjected) {
  std::vector<const char*> args = {"mserve", "--model_name", "m",   "--model_path",
                                   "/m",     "--rest_port",  "8000"};
  const ParseResult result =
      parseCommandLine(static_cast<int>(args.size()), args.data(), 2, "x", /*limit=*/0);
  ASSERT_TRUE(result.options.has_value()) << result.error;
  EXPECT_EQ(result.options->rest_workers, 2u);
}

TEST(ServerOptionsTest, DrainAndTlsFlagsAreParsed) {
  const ParseResult result =
      runModel({"--port", "9000", "--rest_port", "8000", "--drain_seconds", "7",
                "--shutdown_timeout_seconds", "30", "--grpc_tls_cert", "/c/g.crt", "--grpc_tls_key",
                "/c/g.key", "--grpc_tls_client_ca", "/c/ca.crt", "--rest_tls_cert", "/c/r.crt",
                "--rest_tls_key", "/c/r.key"});
  ASSERT_TRUE(result.options.has_value()) << result.error;
  const ServerOptions& o = *result.options;
  EXPECT_EQ(o.drain_seconds, 7u);
  EXPECT_EQ(o.shutdown_timeout_seconds, 30u);
  EXPECT_EQ(o.grpc_tls.cert_path, "/c/g.crt");
  EXPECT_EQ(o.grpc_tls.key_path, "/c/g.key");
  EXPECT_EQ(o.grpc_tls.client_ca_path, "/c/ca.crt");
  EXPECT_EQ(o.rest_tls.cert_path, "/c/r.crt");
  EXPECT_EQ(o.rest_tls.key_path, "/c/r.key");
  EXPECT_EQ(o.rest_tls.client_ca_path, "");
}

TEST(ServerOptionsTest, DrainAndTlsDefaultsKeepOvmsBehaviour) {
  const ParseResult result = runModel({"--port", "9000"});
  ASSERT_TRUE(result.options.has_value()) << result.error;
  EXPECT_EQ(result.options->drain_seconds, 0u);
  EXPECT_EQ(result.options->shutdown_timeout_seconds, 5u);
  EXPECT_FALSE(result.options->grpc_tls.enabled());
  EXPECT_FALSE(result.options->rest_tls.enabled());
}

TEST(ServerOptionsTest, TlsFlagsComeInPairs) {
  expectUsageError(runModel({"--port", "9000", "--grpc_tls_cert", "a"}),
                   "grpc_tls_cert and grpc_tls_key must be set together");
  expectUsageError(runModel({"--rest_port", "8000", "--rest_tls_key", "a"}),
                   "rest_tls_cert and rest_tls_key must be set together");
  expectUsageError(runModel({"--port", "9000", "--grpc_tls_client_ca", "ca"}),
                   "grpc_tls_client_ca needs grpc_tls_cert and grpc_tls_key");
  expectUsageError(runModel({"--port", "9000", "--rest_tls_cert", "a", "--rest_tls_key", "b"}),
                   "rest_tls_cert is set but rest_port is not set");
}

}  // namespace
}  // namespace mserve::cli

// `mserve-bench tune`'s command line. Parsing is pure; the usage text comes from cxxopts.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "input_data.hpp"
#include "tune_space.hpp"

namespace mserve::bench {

struct TuneOptions {
  std::string model_path;
  std::string model_name;  // default: the model folder's name
  std::string device = "CPU";
  std::string protocol = "inprocess";  // inprocess, grpc or rest
  std::string address;                 // grpc/rest: the inference endpoint
  std::string rest_address;            // grpc/rest: the REST port for /v1/config/reload
  std::string config_path;             // grpc/rest: the config.json the server runs with
  pid_t server_pid = 0;                // grpc/rest: charge the server's CPU
  std::vector<uint32_t> batch_sizes;   // empty: {0, clients} through a server, {0} in process
  TuneGoal goal = TuneGoal::kThroughput;
  uint32_t concurrency = 0;  // 0: 2 x the CPU budget for throughput, 1 for latency
  double rate = 0;           // open loop; 0 = closed loop
  std::optional<double> p99_ms;
  double budget_s = 60;
  bool grid = false;  // --search grid: every point of the space, no budget
  double point_s = 2;
  double warmup_s = 0.5;
  std::vector<std::string> precisions;  // "" = the device's default
  bool vary_pinning = true;
  std::string write_config;
  std::string json_path;  // "-" = stdout
  InputOptions inputs;
};

struct ParsedTuneOptions {
  std::optional<TuneOptions> options;  // nullopt: exit with `exit_code` after printing
  std::string output;                  // --help text
  std::string error;
  int exit_code = 0;
};

// argv[0] is "tune" (the subcommand).
ParsedTuneOptions parseTuneOptions(int argc, char** argv);

}  // namespace mserve::bench

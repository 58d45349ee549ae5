// mserve-bench's command line: target, load shape, inputs and outputs. Parsing is pure; the
// usage text comes from cxxopts.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "in_process_target.hpp"
#include "input_data.hpp"
#include "load_driver.hpp"

namespace mserve::bench {

struct BenchOptions {
  std::string protocol =
      "kfs-grpc";       // kfs-grpc, kfs-rest-binary, kfs-rest-json, tfs-grpc, tfs-rest
  std::string address;  // host:port; default localhost:9000 (gRPC) / :8000 (REST)
  std::string model;
  int64_t model_version = 0;
  std::optional<InProcessOptions> in_process;  // --in-process MODEL_PATH
  size_t rest_client_threads = 1;
  size_t shm_output_bytes = 0;            // kfs-grpc-shm: see GrpcTargetOptions
  std::vector<size_t> concurrency = {1};  // several values: a sweep, one run each
  LoadOptions load;
  InputOptions inputs;
  std::string json_path;  // "-" = stdout
  std::string csv_path;
  std::string label;  // copied into every output row
};

struct ParsedOptions {
  std::optional<BenchOptions> options;  // nullopt: exit with `exit_code` after printing
  std::string output;                   // --help text for stdout
  std::string error;                    // for stderr
  int exit_code = 0;
};

ParsedOptions parseBenchOptions(int argc, char** argv);

}  // namespace mserve::bench

// The in-process reference: the model compiled by mserve's own engine (same LoadSpec and plugin
// config normalisation as the server) and driven through its InferRequestPool, N asynchronous
// requests in flight, completions on a pool of the server's size. What the server is compared
// to: the same inference without any transport.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bench_target.hpp"

namespace mserve::bench {

struct InProcessOptions {
  std::string model_path;  // a model file, a version folder, or a folder of numeric versions
  std::string device = "CPU";
  std::string plugin_config;  // JSON or a file (benchmark_app -dump_config format too)
  uint32_t nireq = 0;         // 0 = the compiled model's optimal number, as the server
};

// Loads the model; errors are load errors.
util::StatusOr<std::unique_ptr<BenchTarget>> makeInProcessTarget(const InProcessOptions& options);

}  // namespace mserve::bench

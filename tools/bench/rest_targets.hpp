// Benchmark targets over REST (HTTP/1.1 keep-alive, one connection per client): KServe v2 infer
// with binary or JSON bodies, and TF Serving predict (columnar JSON). Request bodies are built
// once; every request of a client sends the same bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bench_target.hpp"

namespace mserve::bench {

enum class RestFormat { kKfsBinary, kKfsJson, kTfsJson };

struct RestTargetOptions {
  std::string address;  // host:port
  std::string model;
  int64_t version = 0;  // 0 = the default version
  RestFormat format = RestFormat::kKfsBinary;
  size_t io_threads = 1;  // client threads running the connections
};

std::unique_ptr<BenchTarget> makeRestTarget(const RestTargetOptions& options);

}  // namespace mserve::bench

// Benchmark targets over gRPC: KServe v2 ModelInfer with raw_input_contents, and TF Serving
// Predict with tensor_content (strings in string_val). Each client gets its own channel and so
// its own TCP connection: gRPC would otherwise share one connection between channels to the
// same address, and the server's per-connection stream limit (the core count, as OVMS) would
// silently cap the concurrency.
#pragma once

#include <memory>
#include <string>

#include "bench_target.hpp"

namespace mserve::bench {

struct GrpcTargetOptions {
  std::string address;  // host:port
  std::string model;
  int64_t version = 0;  // 0 = the default version
  // KServe only: every tensor in system shared memory (kfs_grpc_shm.hpp), output slots of
  // dynamic-shape outputs this big (0 = the inputs' total).
  bool shared_memory = false;
  size_t shm_output_bytes = 0;
};

std::unique_ptr<BenchTarget> makeKfsGrpcTarget(const GrpcTargetOptions& options);
std::unique_ptr<BenchTarget> makeTfsGrpcTarget(const GrpcTargetOptions& options);

}  // namespace mserve::bench

// mserve-bench: a load generator for mserve (and OVMS) over KServe v2 / TF Serving, gRPC / REST,
// with an in-process reference mode through mserve's own engine. See tools/bench/README.md.
#include <cstdio>
#include <iostream>

#include "bench_options.hpp"
#include "bench_report.hpp"
#include "grpc_targets.hpp"
#include "in_process_target.hpp"
#include "rest_targets.hpp"
#include "tune_command.hpp"
#include "util/allocator.hpp"

namespace {

using namespace mserve::bench;
using mserve::util::Status;
using mserve::util::StatusOr;

constexpr int kExitFailure = 1;
constexpr int kExitRequestErrors = 3;

StatusOr<std::unique_ptr<BenchTarget>> makeTarget(const BenchOptions& options) {
  if (options.in_process) return makeInProcessTarget(*options.in_process);
  GrpcTargetOptions grpc{options.address, options.model, options.model_version};
  if (options.protocol == "kfs-grpc") return makeKfsGrpcTarget(grpc);
  if (options.protocol == "kfs-grpc-shm") {
    grpc.shared_memory = true;
    grpc.shm_output_bytes = options.shm_output_bytes;
    return makeKfsGrpcTarget(grpc);
  }
  if (options.protocol == "tfs-grpc") return makeTfsGrpcTarget(grpc);
  RestTargetOptions rest{options.address, options.model, options.model_version,
                         RestFormat::kKfsBinary, options.rest_client_threads};
  if (options.protocol == "kfs-rest-json") rest.format = RestFormat::kKfsJson;
  if (options.protocol == "tfs-rest") rest.format = RestFormat::kTfsJson;
  return makeRestTarget(rest);
}

// Builds the inputs from the target's signature and hands them to it.
Status prepareInputs(BenchTarget& target, const InputOptions& options) {
  auto signature = target.signature();
  if (!signature.isOk()) return signature.status();
  auto inputs = buildInputs(signature.value(), options);
  if (!inputs.isOk()) return inputs.status();
  for (const InputTensorData& input : inputs.value()) {
    const size_t size = input.bytes.empty() ? input.strings.size() : input.bytes.size();
    std::fprintf(stderr, "input %s %s %s: %zu %s\n", input.name.c_str(),
                 std::string(mserve::tensor::kserveName(input.datatype)).c_str(),
                 mserve::tensor::toString(input.shape).c_str(), size,
                 input.bytes.empty() ? "strings" : "bytes");
  }
  return target.setInputs(inputs.value());
}

StatusOr<RunResult> runLevel(BenchTarget& target, size_t concurrency, const LoadOptions& load) {
  std::vector<std::unique_ptr<BenchClient>> clients;
  for (size_t i = 0; i < concurrency; ++i) {
    auto client = target.makeClient(i);
    if (!client.isOk()) return client.status();
    clients.push_back(std::move(client.value()));
  }
  return runLoad(clients, load);
}

}  // namespace

int main(int argc, char** argv) {
  // The same allocator limits as the server: the client's own tensor-sized buffers (and the
  // in-process reference's) are reused instead of faulted in per request.
  mserve::util::tuneAllocatorForRequestBuffers();
  if (argc > 1 && std::string(argv[1]) == "tune") return runTune(argc - 1, argv + 1);
  ParsedOptions parsed = parseBenchOptions(argc, argv);
  std::cout << parsed.output;
  std::cerr << parsed.error;
  if (!parsed.options) return parsed.exit_code;
  const BenchOptions& options = *parsed.options;

  auto target = makeTarget(options);
  Status status = target.isOk() ? prepareInputs(*target.value(), options.inputs) : target.status();
  if (!status.isOk()) {
    std::cerr << "mserve-bench: " << status.message() << '\n';
    return kExitFailure;
  }
  BenchReport report{options.label,
                     target.value()->describe(),
                     options.in_process ? "in-process" : options.protocol,
                     options.model,
                     target.value()->properties(),
                     options.load.warmup_s,
                     {}};
  bool request_errors = false;
  for (size_t concurrency : options.concurrency) {
    auto run = runLevel(*target.value(), concurrency, options.load);
    if (!run.isOk()) {
      std::cerr << "mserve-bench: " << run.status().message() << '\n';
      return kExitFailure;
    }
    request_errors = request_errors || run->errors > 0 || run->requests == 0;
    report.runs.push_back(std::move(run.value()));
  }
  if (options.json_path != "-" && options.csv_path != "-") std::cout << toText(report);
  if (!writeOutput(options.json_path, toJson(report)) ||
      !writeOutput(options.csv_path, toCsv(report))) {
    std::cerr << "mserve-bench: cannot write the results\n";
    return kExitFailure;
  }
  return request_errors ? kExitRequestErrors : 0;
}

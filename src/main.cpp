// mserve entry point: parse the command line, load the model, serve it over gRPC until SIGINT
// or SIGTERM, then drain in-flight requests and exit 0 (REFERENCE.md §1.3, §9.3).
#include <sched.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "api/kfs/kfs_grpc_service.hpp"
#include "cli/server_options.hpp"
#include "cli/single_model_config.hpp"
#include "engine/core.hpp"
#include "net/grpc/grpc_server.hpp"
#include "serving/model_manager.hpp"
#include "serving/serving_backend.hpp"
#include "util/logging.hpp"
#include "util/signals.hpp"
#include "util/thread_pool.hpp"

namespace {

using namespace mserve;

constexpr int kExitUsage = 64;
constexpr int kExitStartFailure = 1;
// OVMS gives in-flight gRPC calls 5 s after a shutdown signal.
constexpr auto kShutdownGrace = std::chrono::seconds(5);
// Completion threads only encode responses; inference runs on OpenVINO's own threads.
constexpr size_t kCompletionThreads = 2;

uint32_t cpuCount() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return static_cast<uint32_t>(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

// Flags of features still being built: refused, never silently ignored.
std::string notSupportedYet(const cli::ServerOptions& options) {
  if (options.rest_port != 0) return "--rest_port";
  if (options.rest_workers_given) return "--rest_workers";
  if (options.rest_bind_address != "0.0.0.0") return "--rest_bind_address";
  if (!options.config_path.empty()) return "--config_path";
  if (options.metrics_enable) return "--metrics_enable";
  if (!options.metrics_list.empty()) return "--metrics_list";
  if (!options.layout.empty()) return "--layout";
  return {};
}

int serve(const cli::ServerOptions& options, std::shared_ptr<engine::Core> core) {
  MSERVE_LOG(util::servingLog(), info, "Starting mserve {} with OpenVINO {}", MSERVE_VERSION,
             core->version());
  if (!options.cache_dir.empty()) {
    if (util::Status status = core->setCacheDir(options.cache_dir); !status.isOk()) {
      MSERVE_LOG(util::servingLog(), warn, "Cache directory not used: {}", status.message());
    }
  }
  std::vector<std::string> warnings;
  auto model_config = cli::singleModelConfig(options, &warnings);
  for (const std::string& warning : warnings) MSERVE_LOG(util::servingLog(), warn, "{}", warning);
  if (!model_config.isOk()) {
    MSERVE_LOG(util::servingLog(), err, "{}", model_config.status().message());
    MSERVE_LOG(util::servingLog(), err, "Couldn't start model manager");
    return kExitStartFailure;
  }

  // Declared first, destroyed last: OpenVINO's callback thread may still be returning from
  // post() when the model versions (and their infer requests) are freed.
  util::ThreadPool completion(kCompletionThreads, "completion");
  serving::ModelManager manager(core);
  serving::ServingBackend backend(manager, completion);
  api::kfs::KfsGrpcService kfs_service(backend);

  net::grpc_server::GrpcServerOptions grpc_options;
  grpc_options.bind_address = options.grpc_bind_address;
  grpc_options.port = options.port;
  grpc_options.workers = options.grpc_workers;
  grpc_options.channel_arguments = options.grpc_channel_arguments;
  auto grpc_server = net::grpc_server::GrpcServer::start(grpc_options, {&kfs_service});
  if (!grpc_server.isOk()) {
    MSERVE_LOG(util::servingLog(), err, "{}", grpc_server.status().message());
    return kExitStartFailure;
  }

  if (util::Status status = manager.loadModel(model_config.value()); !status.isOk()) {
    MSERVE_LOG(util::modelManagerLog(), err, "{}", status.message());
    MSERVE_LOG(util::servingLog(), err, "Couldn't start model manager");
    grpc_server.value()->shutdown(std::chrono::system_clock::now());
    return kExitStartFailure;
  }
  manager.setReady();
  MSERVE_LOG(util::modelManagerLog(), info, "Started model manager thread");

  const int signal = util::waitForShutdownSignal();
  MSERVE_LOG(util::servingLog(), info, "Received signal {}: shutting down", signal);
  backend.startDraining();
  // Returns once every call finished: an RPC finishes only after its inference completed.
  grpc_server.value()->shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  MSERVE_LOG(util::servingLog(), info, "Shutdown complete");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts, so that only waitForShutdownSignal() receives them.
  util::blockShutdownSignals();
  auto core = engine::Core::create();
  if (!core.isOk()) {
    std::cerr << "Cannot start OpenVINO: " << core.status().message() << '\n';
    return kExitStartFailure;
  }
  cli::ParseResult parsed = cli::parseCommandLine(argc, argv, cpuCount(), core.value()->version());
  std::cout << parsed.output << std::flush;
  std::cerr << parsed.error << std::flush;
  if (!parsed.options) return parsed.exit_code;
  const cli::ServerOptions& options = *parsed.options;
  if (const std::string flag = notSupportedYet(options); !flag.empty()) {
    std::cerr << flag << " is not supported yet by mserve\n";
    return kExitUsage;
  }
  if (!util::setupLogging(options.log_level, options.log_path)) {
    std::cerr << "Cannot open log file: " << options.log_path << '\n';
    return kExitStartFailure;
  }
  return serve(options, std::move(core.value()));
}

// mserve entry point: parse the command line, start the gRPC and REST servers, load the model
// (or config.json's models), serve until SIGINT or SIGTERM, then drain in-flight requests and
// exit 0 (REFERENCE.md §1.3, §9.3).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/config/config_rest_api.hpp"
#include "api/kfs/kfs_grpc_service.hpp"
#include "api/kfs/kfs_rest_api.hpp"
#include "api/kfs/kfs_shm_rest_api.hpp"
#include "api/tfs/tfs_grpc_service.hpp"
#include "api/tfs/tfs_rest_api.hpp"
#include "cli/server_options.hpp"
#include "cli/single_model_config.hpp"
#include "config/config_file.hpp"
#include "engine/core.hpp"
#include "metrics/metrics_registry.hpp"
#include "net/grpc/grpc_server.hpp"
#include "net/grpc/health_publisher.hpp"
#include "net/http/http_server.hpp"
#include "serving/cache_dir.hpp"
#include "serving/health_report.hpp"
#include "serving/model_manager.hpp"
#include "serving/model_watcher.hpp"
#include "serving/serving_backend.hpp"
#include "serving/serving_config_backend.hpp"
#include "shm/region_registry.hpp"
#include "status/facts_collector.hpp"
#include "status/status_monitor.hpp"
#include "status/status_routes.hpp"
#include "util/allocator.hpp"
#include "util/cpu_budget.hpp"
#include "util/logging.hpp"
#include "util/open_files.hpp"
#include "util/signals.hpp"
#include "util/thread_pool.hpp"

namespace {

using namespace mserve;

constexpr int kExitStartFailure = 1;
// How often the gRPC health service catches up with model changes (drain and readiness are
// published at once).
constexpr auto kHealthPeriod = std::chrono::milliseconds(500);
// Completion threads only encode responses; inference runs on OpenVINO's own threads.
constexpr size_t kCompletionThreads = 2;
// Binary image decoding, off the REST and gRPC threads: one thread per CPU of the budget, at
// most this many, and this many requests waiting per thread before more are refused (503).
constexpr uint32_t kMaxImageDecodeThreads = 4;
constexpr size_t kImageDecodeWaitingPerThread = 16;

// The metrics settings: from the command line, or from config.json's monitoring section (OVMS
// refuses both at once). Returns a null registry when metrics are off.
util::StatusOr<std::unique_ptr<metrics::MetricsRegistry>> createMetrics(
    const cli::ServerOptions& options) {
  bool enable = options.metrics_enable;
  std::string list = options.metrics_list;
  if (!options.config_path.empty()) {
    auto text = config::readConfigFile(config::configFilePath(options.config_path));
    const auto parsed = text.isOk() ? config::parseServerConfig(text.value(), "") : text.status();
    if (parsed.isOk() && parsed->metrics) {
      if (enable) {
        return util::Status(util::StatusCode::kConfigFileInvalid,
                            "Metrics configuration duplicated in configuration file and CLI "
                            "parameters");
      }
      enable = parsed->metrics->enable;
      list.clear();
      for (const std::string& name : parsed->metrics->metrics_list) list += name + ",";
    }
    // A broken file is reported by the model manager's load below.
  }
  if (!enable) return std::unique_ptr<metrics::MetricsRegistry>();
  if (options.rest_port == 0) {
    return util::Status(util::StatusCode::kConfigFileInvalid,
                        "rest_port setting is missing, metrics are enabled on rest port");
  }
  return metrics::MetricsRegistry::create(list);
}

void addMetricsRoute(net::http::Router& router, const metrics::MetricsRegistry* registry) {
  // With metrics off the route does not exist: OVMS answers 400 "Invalid request URL".
  if (registry == nullptr) return;
  router.add(net::http::Method::kGet, "/metrics",
             [registry](net::http::HttpRequest&, net::http::Responder respond) {
               respond({200, "text/plain; version=0.0.4", {}, registry->serialize()});
             });
}

status::ServerInfo startedInfo(const engine::Core& core) {
  return {.version = MSERVE_VERSION,
          .openvino_version = core.version(),
          .started_wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count()};
}

// The REST server on --rest_port, or null when it is 0. `router` must outlive it.
util::StatusOr<std::unique_ptr<net::http::HttpServer>> startRestServer(
    const cli::ServerOptions& options, const net::http::Router& router) {
  if (options.rest_port == 0) return std::unique_ptr<net::http::HttpServer>();
  net::http::HttpServerOptions http_options;
  http_options.bind_address = options.rest_bind_address;
  http_options.port = options.rest_port;
  http_options.workers = options.rest_workers.value_or(2);
  http_options.limits.max_body_bytes = options.rest_max_body_bytes;
  http_options.limits.max_header_bytes = options.rest_max_header_bytes;
  http_options.limits.idle_timeout = std::chrono::seconds(options.rest_idle_timeout_seconds);
  http_options.tls_cert_path = options.rest_tls.cert_path;
  http_options.tls_key_path = options.rest_tls.key_path;
  http_options.tls_client_ca_path = options.rest_tls.client_ca_path;
  http_options.limits.header_timeout = std::chrono::seconds(options.rest_header_timeout_seconds);
  http_options.limits.max_connections = options.rest_max_connections;
  return net::http::HttpServer::start(http_options, router);
}

// The initial load: config.json, or the single model of the command line. Fails (exit 1) only
// for an unreadable or invalid config file, or a single model with no loadable version; models
// of a config file that fail to load are reported and the others served.
util::Status loadInitialModels(serving::ModelManager& manager, const cli::ServerOptions& options,
                               const std::optional<config::ModelConfig>& single_model) {
  if (single_model) return manager.loadModel(*single_model);
  return manager.loadConfigFile(options.config_path);
}

void logOpenFilesLimit(const util::OpenFilesLimit& limit, const cli::ServerOptions& options) {
  MSERVE_LOG(util::servingLog(), info,
             "Open files limit: soft {} (started with {}), hard {}; REST connections at most {}",
             limit.soft, limit.soft_before, limit.hard, options.rest_max_connections);
  if (!limit.error.empty()) {
    MSERVE_LOG(util::servingLog(), warn, "Cannot raise the open files limit: {}", limit.error);
  }
}

// SIGHUP does what POST /v1/config/reload does: apply a changed config.json and rescan the
// model folders (in single-model mode, only the folder).
void reloadOnHangup(serving::ModelManager& manager) {
  MSERVE_LOG(util::servingLog(), info, "Received SIGHUP: reloading the configuration");
  const serving::ReloadResult result = manager.reloadConfig();
  switch (result.outcome) {
    case serving::ReloadResult::Outcome::kReloaded:
      MSERVE_LOG(util::servingLog(), info, "SIGHUP reload: configuration applied");
      break;
    case serving::ReloadResult::Outcome::kNotReloaded:
      MSERVE_LOG(util::servingLog(), info, "SIGHUP reload: nothing changed");
      break;
    default:
      MSERVE_LOG(util::servingLog(), err, "SIGHUP reload failed: {}", result.error.message());
  }
}

int serve(const cli::ServerOptions& options, std::shared_ptr<engine::Core> core,
          const util::CpuBudget& cpu_budget) {
  MSERVE_LOG(util::servingLog(), info, "Starting mserve {} with OpenVINO {}", MSERVE_VERSION,
             core->version());
  MSERVE_LOG(util::servingLog(), info, "{}", cpu_budget.describe());
  const bool cache_on = serving::setupCacheDir(*core, options.cache_dir);
  std::optional<config::ModelConfig> single_model;  // nullopt: --config_path
  if (options.config_path.empty()) {
    std::vector<std::string> warnings;
    auto model_config = cli::singleModelConfig(options, &warnings);
    for (const std::string& warning : warnings) {
      MSERVE_LOG(util::servingLog(), warn, "{}", warning);
    }
    if (!model_config.isOk()) {
      MSERVE_LOG(util::servingLog(), err, "{}", model_config.status().message());
      MSERVE_LOG(util::servingLog(), err, "Couldn't start model manager");
      return kExitStartFailure;
    }
    single_model = std::move(model_config).value();
  }

  // Declared first, destroyed last: OpenVINO's callback thread may still be returning from
  // post() when the model versions (and their infer requests) are freed.
  util::ThreadPool completion(kCompletionThreads, "completion");
  auto metrics_registry = createMetrics(options);
  if (!metrics_registry.isOk()) {
    MSERVE_LOG(util::servingLog(), err, "{}", metrics_registry.status().message());
    return kExitStartFailure;
  }
  const serving::LoadOptions load_options{
      .cache_dir_set = cache_on,
      .inline_inference_limit = std::chrono::microseconds(options.inline_inference_max_us),
      .cpu_budget = cpu_budget,
      .scheduling = {.max_queue_size = options.max_queue_size,
                     .queue_timeout_us = options.queue_timeout_us},
      .admission = nullptr};  // created by the first configuration that needs it
  serving::ModelManager manager(core,
                                {.load = load_options, .metrics = metrics_registry.value().get()});
  // Samples the models once a second for the status page and the run-time advice; stopped
  // (destroyed) before the manager it reads.
  status::StatusMonitor status_monitor(
      [&manager, budget = static_cast<double>(cpu_budget.cpus)] {
        return status::collectFacts(manager, budget);
      },
      startedInfo(*core), {},
      [](const std::string& advice) { MSERVE_LOG(util::modelManagerLog(), info, "{}", advice); });
  serving::ServingBackend backend(manager, completion);
  backend.setImageLimits({.max_pixels = options.max_image_pixels});
  const bool explicit_control = options.model_control_mode == "explicit";
  if (explicit_control) backend.enableModelControl();
  const uint32_t decode_threads = std::min(cpu_budget.cpus, kMaxImageDecodeThreads);
  backend.startImageDecoders(decode_threads, decode_threads * kImageDecodeWaitingPerThread);
  // Before the services that lend its regions to requests: destroyed (unmapping every region)
  // after they are gone.
  shm::RegionRegistry shm_registry(options.allow_system_shared_memory);
  if (shm_registry.enabled()) {
    MSERVE_LOG(util::servingLog(), warn,
               "System shared memory is enabled: local clients may register shared memory "
               "objects this process can open");
  }
  api::kfs::KfsGrpcService kfs_service(backend, &shm_registry);
  api::tfs::TfsPredictionService tfs_prediction_service(backend);
  api::tfs::TfsModelService tfs_model_service(backend);

  net::grpc_server::GrpcServerOptions grpc_options;
  grpc_options.bind_address = options.grpc_bind_address;
  grpc_options.port = options.port;
  grpc_options.workers = options.grpc_workers;
  grpc_options.channel_arguments = options.grpc_channel_arguments;
  grpc_options.max_concurrent_streams = static_cast<int>(cpu_budget.cpus);
  grpc_options.tls_cert_path = options.grpc_tls.cert_path;
  grpc_options.tls_key_path = options.grpc_tls.key_path;
  grpc_options.tls_client_ca_path = options.grpc_tls.client_ca_path;
  std::unique_ptr<net::grpc_server::GrpcServer> grpc_server;  // --port 0: no gRPC
  if (options.port != 0) {
    auto started = net::grpc_server::GrpcServer::start(
        grpc_options, {&kfs_service, &tfs_prediction_service, &tfs_model_service});
    if (!started.isOk()) {
      MSERVE_LOG(util::servingLog(), err, "{}", started.status().message());
      return kExitStartFailure;
    }
    grpc_server = std::move(started.value());
  }
  std::unique_ptr<net::grpc_server::HealthPublisher> health;  // NOT_SERVING until ready
  if (grpc_server) {
    health = std::make_unique<net::grpc_server::HealthPublisher>(
        *grpc_server, [&] { return serving::healthReport(manager, backend.ready()); },
        kHealthPeriod);
  }
  // Routes are registered before the server starts; the router outlives what they refer to.
  serving::ServingConfigBackend config_backend(manager);
  net::http::Router router;
  addMetricsRoute(router, metrics_registry.value().get());
  api::kfs::addKfsRestRoutes(router, backend,
                             {.max_json_depth = options.rest_max_json_depth,
                              .shm = &shm_registry,
                              .max_request_memory_bytes = options.rest_max_request_memory_bytes});
  api::kfs::addShmRestRoutes(router, shm_registry);
  api::tfs::addTfsRestRoutes(router, backend,
                             {.max_json_depth = options.rest_max_json_depth,
                              .max_request_memory_bytes = options.rest_max_request_memory_bytes});
  api::config::addConfigRestRoutes(router, config_backend);
  if (options.status_page) status::addStatusRoutes(router, status_monitor);
  auto http_server = startRestServer(options, router);
  if (!http_server.isOk()) {
    if (grpc_server) grpc_server->shutdown(std::chrono::system_clock::now());
    return kExitStartFailure;
  }

  if (util::Status status = loadInitialModels(manager, options, single_model); !status.isOk()) {
    MSERVE_LOG(util::modelManagerLog(), err, "{}", status.message());
    MSERVE_LOG(util::servingLog(), err, "Couldn't start model manager");
    if (grpc_server) grpc_server->shutdown(std::chrono::system_clock::now());
    if (*http_server) (*http_server)->stop(std::chrono::steady_clock::now());
    return kExitStartFailure;
  }
  manager.setReady();
  status_monitor.sampleNow();  // the status page lists the initial models from now on
  if (health) health->publishNow();
  // --file_system_poll_wait_seconds 0 or explicit model control: none (only the API changes
  // what is served then, as in Triton's explicit mode).
  std::unique_ptr<serving::ModelWatcher> watcher;
  if (options.file_system_poll_wait_seconds > 0 && !explicit_control) {
    watcher = std::make_unique<serving::ModelWatcher>(
        manager, std::chrono::seconds(options.file_system_poll_wait_seconds));
  }
  MSERVE_LOG(util::modelManagerLog(), info, "Started model manager thread");

  const int signal = util::waitForShutdownSignal([&manager] { reloadOnHangup(manager); });
  util::exitOnNextShutdownSignal();
  MSERVE_LOG(util::servingLog(), info, "Received signal {}: not ready, serving for {} s more",
             signal, options.drain_seconds);
  // Load balancers and kubelets see not-ready at once and stop sending, while requests already
  // routed here (the endpoint-removal race, REFERENCE-2 §11.2) are still served.
  backend.startDraining();
  if (health) health->publishNow();
  watcher.reset();  // no reload while draining
  std::this_thread::sleep_for(std::chrono::seconds(options.drain_seconds));
  MSERVE_LOG(util::servingLog(), info, "Shutting down: requests in flight get {} s",
             options.shutdown_timeout_seconds);
  health.reset();
  backend.stopModelControl();
  // Each returns once every call finished: a call finishes only after its inference completed.
  const auto grace = std::chrono::seconds(options.shutdown_timeout_seconds);
  // Both stop accepting at once: neither keeps taking requests while the other drains.
  const auto rest_deadline = std::chrono::steady_clock::now() + grace;
  std::thread rest_stopper([&] {
    if (*http_server) (*http_server)->stop(rest_deadline);
  });
  if (grpc_server) grpc_server->shutdown(std::chrono::system_clock::now() + grace);
  rest_stopper.join();
  if (shm_registry.enabled()) {
    const size_t regions = shm_registry.list("")->size();
    (void)shm_registry.remove("");  // unmaps them: no request is left to use them
    MSERVE_LOG(util::servingLog(), info, "Unregistered {} system shared memory regions", regions);
  }
  MSERVE_LOG(util::servingLog(), info, "Shutdown complete");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  util::tuneAllocatorForRequestBuffers();
  // Before any thread starts, so that only waitForShutdownSignal() receives them.
  util::blockShutdownSignals();
  // Before the command line is read: the REST defaults derive from the raised limit.
  const util::OpenFilesLimit open_files = util::raiseOpenFilesLimit();
  auto core = engine::Core::create();
  if (!core.isOk()) {
    std::cerr << "Cannot start OpenVINO: " << core.status().message() << '\n';
    return kExitStartFailure;
  }
  // Sizes the defaults (workers, gRPC streams, CPU plugin properties) the user did not set.
  const util::CpuBudget cpu_budget = util::processCpuBudget();
  cli::ParseResult parsed =
      cli::parseCommandLine(argc, argv, cpu_budget.cpus, core.value()->version());
  std::cout << parsed.output << std::flush;
  std::cerr << parsed.error << std::flush;
  if (!parsed.options) return parsed.exit_code;
  const cli::ServerOptions& options = *parsed.options;
  if (!util::setupLogging(options.log_level, options.log_path)) {
    std::cerr << "Cannot open log file: " << options.log_path << '\n';
    return kExitStartFailure;
  }
  logOpenFilesLimit(open_files, options);
  return serve(options, std::move(core.value()), cpu_budget);
}

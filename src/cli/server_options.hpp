// The server's command line: OVMS's flag names and defaults (DESIGN.md §4, REFERENCE.md §1),
// parsed with cxxopts and validated in OVMS's order with OVMS's messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mserve::cli {

// TLS files of one transport (PEM paths); all empty = plaintext.
struct TlsFiles {
  std::string cert_path;       // certificate chain
  std::string key_path;        // its private key
  std::string client_ca_path;  // set: clients must present a certificate this CA signed
  bool enabled() const { return !cert_path.empty(); }
};

struct ServerOptions {
  // Transport.
  uint32_t port = 0;  // gRPC; 0 = off
  uint32_t rest_port = 0;
  std::string grpc_bind_address = "0.0.0.0";
  std::string rest_bind_address = "0.0.0.0";
  uint32_t grpc_workers = 1;
  // Effective REST worker count when rest_port is set (given, or the default); else nullopt.
  std::optional<uint32_t> rest_workers;
  bool rest_workers_given = false;  // --rest_workers was on the command line
  // REST limits (OVMS has only the body one, hard-coded); see net/http/http_limits.hpp.
  uint32_t rest_max_body_bytes = 1u << 30;
  uint32_t rest_max_header_bytes = 64 * 1024;
  uint32_t rest_max_json_depth = 100;
  uint32_t rest_idle_timeout_seconds = 300;
  uint32_t rest_header_timeout_seconds = 10;
  // 0 = derived from the open-files limit (defaultRestMaxConnections); set by validation.
  uint32_t rest_max_connections = 0;
  // What one REST request may cost in memory: body, JSON decoding, response (api/request_memory).
  uint32_t rest_max_request_memory_bytes = 1u << 31;
  std::string grpc_channel_arguments;
  // Single-model mode.
  std::string model_name;
  std::string model_path;
  std::string batch_size;            // "" = model's
  std::string shape;                 // "" = model's
  std::string layout;                // "" = model's
  std::string model_version_policy;  // "" = latest 1
  uint32_t nireq = 0;
  std::string target_device = "CPU";
  bool target_device_given = false;  // explicitly set: exclusive with --config_path (OVMS rule)
  std::string plugin_config;         // JSON text or a file path; "" = {}
  // Multi-model mode.
  std::string config_path;
  // Operations.
  uint32_t file_system_poll_wait_seconds = 1;
  // "none": what is served follows the command line / config.json (and its polling);
  // "explicit": the repository API loads and unloads models, nothing is polled.
  std::string model_control_mode = "none";
  std::string log_level = "INFO";
  std::string log_path;
  std::string cache_dir;
  bool metrics_enable = false;
  std::string metrics_list;
  // Binary image inputs: largest width × height an image header may declare.
  uint32_t max_image_pixels = 1u << 26;
  // Inference on the receiving thread for light models (engine/inline_policy.hpp).
  uint32_t inline_inference_max_us = 200;
  // Graceful shutdown (REFERENCE.md §9.3): not-ready but serving for drain_seconds after the
  // first SIGTERM/SIGINT, then in-flight requests get shutdown_timeout_seconds.
  uint32_t drain_seconds = 0;
  uint32_t shutdown_timeout_seconds = 5;  // OVMS's hard-coded gRPC grace
  TlsFiles grpc_tls;
  TlsFiles rest_tls;
  // Triton's system shared memory extension: off by default, since it lets a local client point
  // the server at shared memory objects (shm/README.md).
  bool status_page = true;  // mserve: GET /, /status, /status/data on the REST port
  bool allow_system_shared_memory = false;
  // Dynamic batching of the single model (config.json models use their `scheduling` key).
  uint32_t dynamic_batching_max_batch_size = 0;
  std::string dynamic_batching_preferred_batch_sizes;
  uint32_t dynamic_batching_max_queue_delay_us = 0;
  bool dynamic_batching_preserve_ordering = false;
  // Server defaults for every model's queue (0 = unbounded / no timeout, as OVMS).
  uint32_t max_queue_size = 0;
  uint32_t queue_timeout_us = 0;
};

// What the command line asks for: run, or print and exit with `exit_code`.
struct ParseResult {
  std::optional<ServerOptions> options;  // set when the server should start
  int exit_code = 0;                     // 0 for --help/--version, 64 for usage errors
  std::string output;                    // text for stdout (help, version)
  std::string error;                     // text for stderr, ends with a newline
};

// `core_count` is the CPU budget (util::CpuBudget::cpus) bounding --grpc_workers and sizing the
// --rest_workers default (injected for tests);
// `openvino_version` is printed by --version; `open_files_limit` is RLIMIT_NOFILE for the
// --rest_workers rules (0 = read it with getrlimit).
ParseResult parseCommandLine(int argc, const char* const* argv, uint32_t core_count,
                             const std::string& openvino_version, uint64_t open_files_limit = 0);

// The --help text: one line per flag with its default.
std::string helpText();

// OVMS's validation rules in OVMS's order (REFERENCE.md §1.2); the first failure's message
// (without newline), or "" when valid. Sets the effective `rest_workers`.
std::string validateServerOptions(ServerOptions& options, uint32_t core_count,
                                  uint64_t open_files_limit);

// OVMS's default: min(cores, (open_files_limit - 15) / 7), at least 2.
uint32_t defaultRestWorkers(uint32_t core_count, uint64_t open_files_limit);
// --rest_max_connections when not given: half the open files (the rest is for gRPC, model files
// and OpenVINO), within [16, 16384].
uint32_t defaultRestMaxConnections(uint64_t open_files_limit);

}  // namespace mserve::cli

// Command-line parsing: cxxopts configured like OVMS (unknown options collected, then reported
// with OVMS's text), our own one-line-per-flag help, --version. Validation lives in
// server_options_validation.cpp.
#include "cli/server_options.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <cxxopts.hpp>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace mserve::cli {
namespace {

constexpr int kExitUsage = 64;  // EX_USAGE, as OVMS

enum class FlagType { kSwitch, kBool, kUint, kString };

// One row per flag: registers it with cxxopts and prints its help line, so the two never drift.
struct FlagSpec {
  std::string_view name;  // cxxopts spec, e.g. "h,help"
  FlagType type;
  std::string_view value_name;
  std::string_view default_text;  // "" for --help/--version
  std::string_view help;
};

constexpr FlagSpec kFlags[] = {
    {"h,help", FlagType::kSwitch, "", "", "Show this help message and exit"},
    {"version", FlagType::kSwitch, "", "", "Show the server and OpenVINO versions and exit"},
    {"port", FlagType::kUint, "PORT", "0", "gRPC port; 0 = no gRPC server"},
    {"grpc_bind_address", FlagType::kString, "ADDRESSES", "0.0.0.0",
     "Comma list of addresses or hostnames for gRPC"},
    {"grpc_workers", FlagType::kUint, "COUNT", "1", "gRPC server instances, 1 to the CPU budget"},
    {"grpc_channel_arguments", FlagType::kString, "ARGS", "none",
     "gRPC channel arguments as k=v,k=v"},
    {"rest_port", FlagType::kUint, "PORT", "0", "REST port; 0 = no REST server"},
    {"rest_bind_address", FlagType::kString, "ADDRESSES", "0.0.0.0",
     "Comma list of addresses or hostnames for REST"},
    {"rest_workers", FlagType::kUint, "COUNT", "min(CPU budget, (open files - 15) / 7), at least 2",
     "REST worker threads; needs --rest_port"},
    {"rest_max_body_bytes", FlagType::kUint, "BYTES", "1073741824",
     "Largest REST request body; larger ones get 413"},
    {"rest_max_header_bytes", FlagType::kUint, "BYTES", "65536",
     "Largest REST request line and headers; larger ones get 431"},
    {"rest_max_json_depth", FlagType::kUint, "LEVELS", "100",
     "Deepest nesting of a REST JSON body; deeper ones get 400"},
    {"rest_idle_timeout_seconds", FlagType::kUint, "SECONDS", "300",
     "Close REST connections idle or stalled this long; 0 = never"},
    {"rest_header_timeout_seconds", FlagType::kUint, "SECONDS", "10",
     "Close REST connections whose request header is not complete this long after it began; "
     "0 = only the idle timeout"},
    {"rest_max_connections", FlagType::kUint, "COUNT", "half the open files, 16 to 16384",
     "Open REST connections at most; above it the oldest idle one is closed"},
    {"rest_max_request_memory_bytes", FlagType::kUint, "BYTES", "2147483648",
     "Most memory one REST request may cost (body, JSON decoding, response); more gets 413"},
    {"model_name", FlagType::kString, "NAME", "none", "Model name (single-model mode)"},
    {"model_path", FlagType::kString, "PATH", "none",
     "Folder of numeric model versions (single-model mode)"},
    {"config_path", FlagType::kString, "PATH", "none",
     "config.json or its folder (multi-model mode)"},
    {"batch_size", FlagType::kString, "SIZE", "model's",
     "N, a:b or auto; ignored when --shape is set"},
    {"shape", FlagType::kString, "SHAPE", "model's",
     "auto, (1,3,224,224) with -1 or a:b dims, or JSON per input"},
    {"layout", FlagType::kString, "LAYOUT", "model's", "e.g. NHWC:NCHW or NCHW, or JSON per input"},
    {"model_version_policy", FlagType::kString, "JSON", R"({"latest":{"num_versions":1}})",
     "Versions to serve: latest N, specific list or all"},
    {"nireq", FlagType::kUint, "COUNT", "0", "Infer requests per version; 0 = device's optimal"},
    {"target_device", FlagType::kString, "DEVICE", "CPU", "CPU, GPU.1, AUTO, HETERO:..., ..."},
    {"plugin_config", FlagType::kString, "JSON", "{}",
     "OpenVINO properties as JSON, or a file holding them"},
    {"file_system_poll_wait_seconds", FlagType::kUint, "SECONDS", "1",
     "Config and version change checks; 0 = off"},
    {"model_control_mode", FlagType::kString, "MODE", "none",
     "none: serve what the command line or config.json names; explicit: the repository API "
     "(v2/repository) loads and unloads models, nothing is polled"},
    {"log_level", FlagType::kString, "LEVEL", "INFO", "TRACE, DEBUG, INFO, WARNING or ERROR"},
    {"log_path", FlagType::kString, "PATH", "none", "Log file, besides stdout"},
    {"cache_dir", FlagType::kString, "PATH", "none", "OpenVINO compiled-model cache folder"},
    {"metrics_enable", FlagType::kBool, "", "false", "Serve /metrics on the REST port"},
    {"metrics_list", FlagType::kString, "NAMES", "the default families",
     "Comma list of metric families to enable"},
    {"status_page", FlagType::kBool, "", "true",
     "Serve the status page (GET / and /status, its JSON at /status/data) on the REST port; "
     "--status_page=false: those paths answer as OVMS does (400)"},
    {"allow_system_shared_memory", FlagType::kBool, "", "false",
     "Let local clients register POSIX shared memory regions for tensors (Triton's extension)"},
    {"max_image_pixels", FlagType::kUint, "PIXELS", "67108864",
     "Largest width x height of a binary input image (checked before decoding)"},
    {"inline_inference_max_us", FlagType::kUint, "MICROSECONDS", "200",
     "Models whose inferences take at most this long run them on the receiving thread; "
     "0 = always hand off to OpenVINO's threads"},
    {"drain_seconds", FlagType::kUint, "SECONDS", "0",
     "After SIGTERM, report not ready but keep serving this long before stopping"},
    {"shutdown_timeout_seconds", FlagType::kUint, "SECONDS", "5",
     "After the drain, how long requests in flight may take to finish"},
    {"grpc_tls_cert", FlagType::kString, "PEM", "none",
     "Server certificate (chain) file: gRPC over TLS; needs --grpc_tls_key"},
    {"grpc_tls_key", FlagType::kString, "PEM", "none", "Private key file of --grpc_tls_cert"},
    {"grpc_tls_client_ca", FlagType::kString, "PEM", "none",
     "CA file: gRPC clients must present a certificate it signed (mutual TLS)"},
    {"rest_tls_cert", FlagType::kString, "PEM", "none",
     "Server certificate (chain) file: REST over HTTPS; needs --rest_tls_key"},
    {"rest_tls_key", FlagType::kString, "PEM", "none", "Private key file of --rest_tls_cert"},
    {"rest_tls_client_ca", FlagType::kString, "PEM", "none",
     "CA file: REST clients must present a certificate it signed (mutual TLS)"},
    {"dynamic_batching_max_batch_size", FlagType::kUint, "SIZE", "0",
     "Batch concurrent requests into one inference of at most SIZE (single-model mode); 0 = off"},
    {"dynamic_batching_preferred_batch_sizes", FlagType::kString, "SIZES", "none",
     "Comma list of batch sizes to prefer (single-model mode)"},
    {"dynamic_batching_max_queue_delay_us", FlagType::kUint, "MICROSECONDS", "0",
     "How long a batch may wait for more requests (single-model mode)"},
    {"dynamic_batching_preserve_ordering", FlagType::kBool, "", "false",
     "Answer batched requests in arrival order (single-model mode)"},
    {"max_queue_size", FlagType::kUint, "COUNT", "0",
     "Requests a model may queue; more get UNAVAILABLE / 503; 0 = unbounded"},
    {"queue_timeout_us", FlagType::kUint, "MICROSECONDS", "0",
     "Longest a request may queue before UNAVAILABLE / 503; 0 = no limit"},
};

cxxopts::Options buildOptions() {
  cxxopts::Options options("mserve", "mserve model server");
  // OVMS lets unknown options through the parser and reports them itself, with its own text.
  options.allow_unrecognised_options();
  for (const FlagSpec& flag : kFlags) {
    std::shared_ptr<const cxxopts::Value> value;
    switch (flag.type) {
      case FlagType::kSwitch:
      case FlagType::kBool:
        value = cxxopts::value<bool>();
        break;
      case FlagType::kUint:
        value = cxxopts::value<uint32_t>();
        break;
      case FlagType::kString:
        value = cxxopts::value<std::string>();
        break;
    }
    options.add_option(
        "", {std::string(flag.name), std::string(flag.help), value, std::string(flag.value_name)});
  }
  return options;
}

template <typename T>
void take(const cxxopts::ParseResult& parsed, const char* name, T& field) {
  if (parsed.count(name)) field = parsed[name].as<T>();
}

// Defaults live in ServerOptions; only flags present on the command line override them.
ServerOptions readOptions(const cxxopts::ParseResult& parsed) {
  ServerOptions o;
  take(parsed, "port", o.port);
  take(parsed, "rest_port", o.rest_port);
  take(parsed, "grpc_bind_address", o.grpc_bind_address);
  take(parsed, "rest_bind_address", o.rest_bind_address);
  take(parsed, "grpc_workers", o.grpc_workers);
  if (parsed.count("rest_workers")) {
    o.rest_workers = parsed["rest_workers"].as<uint32_t>();
    o.rest_workers_given = true;
  }
  take(parsed, "rest_max_body_bytes", o.rest_max_body_bytes);
  take(parsed, "rest_max_header_bytes", o.rest_max_header_bytes);
  take(parsed, "rest_max_json_depth", o.rest_max_json_depth);
  take(parsed, "rest_idle_timeout_seconds", o.rest_idle_timeout_seconds);
  take(parsed, "rest_header_timeout_seconds", o.rest_header_timeout_seconds);
  take(parsed, "rest_max_connections", o.rest_max_connections);
  take(parsed, "rest_max_request_memory_bytes", o.rest_max_request_memory_bytes);
  take(parsed, "grpc_channel_arguments", o.grpc_channel_arguments);
  take(parsed, "model_name", o.model_name);
  take(parsed, "model_path", o.model_path);
  take(parsed, "batch_size", o.batch_size);
  take(parsed, "shape", o.shape);
  take(parsed, "layout", o.layout);
  take(parsed, "model_version_policy", o.model_version_policy);
  take(parsed, "nireq", o.nireq);
  // OVMS treats an empty --target_device as not given (and then uses CPU).
  std::string device;
  take(parsed, "target_device", device);
  if (!device.empty()) {
    o.target_device = device;
    o.target_device_given = true;
  }
  take(parsed, "plugin_config", o.plugin_config);
  take(parsed, "config_path", o.config_path);
  take(parsed, "file_system_poll_wait_seconds", o.file_system_poll_wait_seconds);
  take(parsed, "model_control_mode", o.model_control_mode);
  take(parsed, "log_level", o.log_level);
  take(parsed, "log_path", o.log_path);
  take(parsed, "cache_dir", o.cache_dir);
  take(parsed, "metrics_enable", o.metrics_enable);
  take(parsed, "metrics_list", o.metrics_list);
  take(parsed, "max_image_pixels", o.max_image_pixels);
  take(parsed, "inline_inference_max_us", o.inline_inference_max_us);
  take(parsed, "drain_seconds", o.drain_seconds);
  take(parsed, "shutdown_timeout_seconds", o.shutdown_timeout_seconds);
  take(parsed, "grpc_tls_cert", o.grpc_tls.cert_path);
  take(parsed, "grpc_tls_key", o.grpc_tls.key_path);
  take(parsed, "grpc_tls_client_ca", o.grpc_tls.client_ca_path);
  take(parsed, "rest_tls_cert", o.rest_tls.cert_path);
  take(parsed, "rest_tls_key", o.rest_tls.key_path);
  take(parsed, "rest_tls_client_ca", o.rest_tls.client_ca_path);
  take(parsed, "allow_system_shared_memory", o.allow_system_shared_memory);
  take(parsed, "status_page", o.status_page);
  take(parsed, "dynamic_batching_max_batch_size", o.dynamic_batching_max_batch_size);
  take(parsed, "dynamic_batching_preferred_batch_sizes", o.dynamic_batching_preferred_batch_sizes);
  take(parsed, "dynamic_batching_max_queue_delay_us", o.dynamic_batching_max_queue_delay_us);
  take(parsed, "dynamic_batching_preserve_ordering", o.dynamic_batching_preserve_ordering);
  take(parsed, "max_queue_size", o.max_queue_size);
  take(parsed, "queue_timeout_us", o.queue_timeout_us);
  return o;
}

std::string flagColumn(const FlagSpec& flag) {
  std::string name(flag.name);
  std::string text = "  ";
  if (const size_t comma = name.find(','); comma != std::string::npos) {
    text += "-" + name.substr(0, comma) + ", --" + name.substr(comma + 1);
  } else {
    text += "--" + name;
  }
  if (!flag.value_name.empty()) text += " " + std::string(flag.value_name);
  return text;
}

uint64_t queryOpenFilesLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;  // the usual soft limit
  if (limit.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  return static_cast<uint64_t>(limit.rlim_cur);
}

ParseResult usageError(std::string text) {
  ParseResult result;
  result.exit_code = kExitUsage;
  result.error = std::move(text);
  return result;
}

}  // namespace

std::string helpText() {
  size_t width = 0;
  for (const FlagSpec& flag : kFlags) width = std::max(width, flagColumn(flag).size());
  std::string text =
      "mserve - model server for OpenVINO, command-line compatible with OpenVINO Model Server\n"
      "Usage:\n"
      "  mserve --model_name NAME --model_path PATH (--port PORT | --rest_port PORT) [options]\n"
      "  mserve --config_path PATH (--port PORT | --rest_port PORT) [options]\n"
      "Options:\n";
  for (const FlagSpec& flag : kFlags) {
    std::string line = flagColumn(flag);
    line.resize(width + 2, ' ');
    line += flag.help;
    if (!flag.default_text.empty()) line += " (default: " + std::string(flag.default_text) + ")";
    text += line + "\n";
  }
  return text;
}

ParseResult parseCommandLine(int argc, const char* const* argv, uint32_t core_count,
                             const std::string& openvino_version, uint64_t open_files_limit) {
  ServerOptions options;
  try {
    cxxopts::Options parser = buildOptions();
    const cxxopts::ParseResult parsed = parser.parse(argc, argv);
    if (!parsed.unmatched().empty()) {
      std::string text = "error parsing options - unmatched arguments: ";
      for (const std::string& argument : parsed.unmatched()) text += argument + ", ";
      return usageError(text + "\n");
    }
    // OVMS answers --version before --help, and prints help when given no arguments at all.
    if (parsed.count("version")) {
      ParseResult result;
      result.output =
          std::string("mserve ") + MSERVE_VERSION + "\nOpenVINO backend " + openvino_version + "\n";
      return result;
    }
    if (parsed.count("help") || parsed.arguments().empty()) {
      ParseResult result;
      result.output = helpText();
      return result;
    }
    options = readOptions(parsed);
  } catch (const std::exception& e) {
    return usageError(std::string("error parsing options: ") + e.what() + "\n");
  }
  if (open_files_limit == 0) open_files_limit = queryOpenFilesLimit();
  if (std::string error = validateServerOptions(options, core_count, open_files_limit);
      !error.empty()) {
    return usageError(error + "\n");
  }
  ParseResult result;
  result.options = std::move(options);
  return result;
}

}  // namespace mserve::cli

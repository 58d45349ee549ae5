// OVMS's command-line validation (model_server: src/config.cpp, Config::validate), in its order
// and with its texts (REFERENCE.md §1.2). Pure functions of the options and the host facts.
#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "cli/server_options.hpp"

namespace mserve::cli {
namespace {

constexpr uint32_t kMaxPort = 65535;
constexpr uint32_t kMinRestWorkers = 2;
constexpr uint32_t kMaxRestWorkers = 10000;
constexpr uint64_t kReservedFiles = 15;  // descriptors OVMS keeps aside from the REST workers

bool isIpv4Literal(const std::string& text) {
  in_addr address{};
  return inet_pton(AF_INET, text.c_str(), &address) == 1;
}

// getaddrinfo with AI_NUMERICHOST, as OVMS: accepts scoped literals such as fe80::1%eth0.
bool isIpv6Literal(const std::string& text) {
  addrinfo hints{};
  hints.ai_family = AF_INET6;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(text.c_str(), nullptr, &hints, &found);
  if (found != nullptr) freeaddrinfo(found);
  return rc == 0;
}

// RFC 1123 labels: letters, digits and inner hyphens, separated by single dots.
bool isHostname(std::string_view text) {
  if (text.empty()) return false;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t dot = std::min(text.find('.', start), text.size());
    const std::string_view label = text.substr(start, dot - start);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    start = dot + 1;
  }
  return true;
}

// OVMS checks IPv4 dotted quads, IPv6 literals and hostnames. Unlike OVMS, a hostname made of hex
// letters only ("cafe") is accepted: OVMS mistakes it for a malformed address.
bool isAddressOrHostname(const std::string& text) {
  if (text.size() > 255) return false;
  if (text.find_first_not_of("0123456789.") == std::string::npos) return isIpv4Literal(text);
  if (text.find(':') != std::string::npos) return isIpv6Literal(text);
  return isHostname(text);
}

bool isValidBindAddress(const std::string& list) {
  size_t start = 0;
  while (true) {
    const size_t comma = list.find(',', start);
    const std::string part =
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!isAddressOrHostname(part)) return false;
    if (comma == std::string::npos) return true;
    start = comma + 1;
  }
}

uint64_t maxRestWorkersForFiles(uint64_t open_files_limit) {
  return open_files_limit > kReservedFiles ? (open_files_limit - kReservedFiles) / 6 : 0;
}

// Rules 1-3: which mode, and no model parameters beside a config file.
std::string validateMode(const ServerOptions& o) {
  if (!o.config_path.empty() && (!o.model_name.empty() || !o.model_path.empty())) {
    return "Use either config_path or model_path with model_name";
  }
  if (o.config_path.empty() && (o.model_name.empty() || o.model_path.empty())) {
    return "Use config_path or model_path with model_name";
  }
  if (!o.config_path.empty() &&
      (!o.batch_size.empty() || !o.shape.empty() || o.nireq != 0 ||
       !o.model_version_policy.empty() || o.target_device_given || !o.plugin_config.empty() ||
       o.dynamic_batching_max_batch_size != 0 ||
       !o.dynamic_batching_preferred_batch_sizes.empty() ||
       o.dynamic_batching_max_queue_delay_us != 0 || o.dynamic_batching_preserve_ordering)) {
    return "Model parameters in CLI are exclusive with the config file";
  }
  return "";
}

// Rules 8-10. Values below 2 are raised to 2 silently, as OVMS does before checking.
std::string validateRestWorkers(ServerOptions& o, uint32_t core_count, uint64_t open_files_limit) {
  const uint64_t workers = o.rest_workers_given
                               ? std::max<uint64_t>(*o.rest_workers, kMinRestWorkers)
                               : defaultRestWorkers(core_count, open_files_limit);
  if (workers > kMaxRestWorkers) {
    return "rest_workers count should be from 2 to " + std::to_string(kMaxRestWorkers);
  }
  if (o.rest_workers_given && o.rest_port == 0) {
    return "rest_workers is set but rest_port is not set. rest_port is required to start rest "
           "servers";
  }
  if (o.rest_port != 0 && workers > maxRestWorkersForFiles(open_files_limit)) {
    return "rest_workers count cannot be larger than " +
           std::to_string(maxRestWorkersForFiles(open_files_limit)) +
           " due to open files limit. Current open files limit: " +
           std::to_string(open_files_limit);
  }
  if (o.rest_port != 0) {
    o.rest_workers = static_cast<uint32_t>(workers);
  } else {
    o.rest_workers.reset();
  }
  return "";
}

// mserve's TLS flags: a certificate needs its key and the other way round; a client CA needs
// a certificate; a transport that is off takes no TLS flags.
std::string validateTls(const TlsFiles& tls, std::string_view prefix, uint32_t port) {
  const std::string p(prefix);
  if (tls.cert_path.empty() != tls.key_path.empty()) {
    return p + "_tls_cert and " + p + "_tls_key must be set together";
  }
  if (!tls.client_ca_path.empty() && tls.cert_path.empty()) {
    return p + "_tls_client_ca needs " + p + "_tls_cert and " + p + "_tls_key";
  }
  if (tls.enabled() && port == 0) {
    return p + "_tls_cert is set but " + (p == "grpc" ? "port" : "rest_port") + " is not set";
  }
  return "";
}

// Rules 11-15: ports and bind addresses.
std::string validateNetwork(const ServerOptions& o) {
  if (o.port > kMaxPort) return "port number out of range from 0 to 65535";
  if (o.rest_port > kMaxPort) return "rest_port number out of range from 0 to 65535";
  if (!o.rest_bind_address.empty() && !isValidBindAddress(o.rest_bind_address)) {
    return "rest_bind_address has invalid format: proper hostname or IP address expected.";
  }
  if (!o.grpc_bind_address.empty() && !isValidBindAddress(o.grpc_bind_address)) {
    return "grpc_bind_address has invalid format: proper hostname or IP address expected.";
  }
  if (o.port != 0 && o.port == o.rest_port) return "port and rest_port cannot have the same values";
  return "";
}

}  // namespace

uint32_t defaultRestMaxConnections(uint64_t open_files_limit) {
  return static_cast<uint32_t>(std::clamp<uint64_t>(open_files_limit / 2, 16, 16384));
}

uint32_t defaultRestWorkers(uint32_t core_count, uint64_t open_files_limit) {
  const uint64_t by_files =
      open_files_limit > kReservedFiles ? (open_files_limit - kReservedFiles) / 7 : 0;
  const uint64_t workers = std::min<uint64_t>(core_count, by_files);
  return static_cast<uint32_t>(std::max<uint64_t>(workers, kMinRestWorkers));
}

std::string validateServerOptions(ServerOptions& o, uint32_t core_count,
                                  uint64_t open_files_limit) {
  if (std::string error = validateMode(o); !error.empty()) return error;
  if (o.grpc_workers < 1 || o.grpc_workers > core_count) {
    return "grpc_workers count should be from 1 to CPU core count : " + std::to_string(core_count);
  }
  if (o.metrics_enable && o.rest_port == 0) {
    return "rest_port setting is missing, metrics are enabled on rest port";
  }
  if (!o.metrics_enable && !o.metrics_list.empty()) {
    return "metrics_enable setting is missing, required when metrics_list is provided";
  }
  if (o.port == 0 && o.rest_port == 0) return "port and rest_port cannot both be unset";
  if (std::string error = validateRestWorkers(o, core_count, open_files_limit); !error.empty()) {
    return error;
  }
  if (std::string error = validateNetwork(o); !error.empty()) return error;
  if (std::string error = validateTls(o.grpc_tls, "grpc", o.port); !error.empty()) return error;
  if (std::string error = validateTls(o.rest_tls, "rest", o.rest_port); !error.empty()) {
    return error;
  }
  if (o.model_control_mode != "none" && o.model_control_mode != "explicit") {
    return "model_control_mode should be one of: none, explicit";
  }
  if (o.rest_max_connections == 0) {
    o.rest_max_connections = defaultRestMaxConnections(open_files_limit);
  }
  constexpr std::array<std::string_view, 5> kLevels = {"TRACE", "DEBUG", "INFO", "WARNING",
                                                       "ERROR"};
  if (std::find(kLevels.begin(), kLevels.end(), o.log_level) == kLevels.end()) {
    return "log_level should be one of: TRACE, DEBUG, INFO, WARNING, ERROR";
  }
  return "";
}

}  // namespace mserve::cli

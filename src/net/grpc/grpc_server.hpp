// The gRPC transport: binds the gRPC port on every bind address, runs --grpc_workers server
// instances on it (SO_REUSEPORT) with the same callback services, applies OVMS's limits and
// --grpc_channel_arguments, and shuts down gracefully. start() and shutdown() are thread-safe.
// Namespace grpc_server, not grpc: a mserve::net::grpc would hide ::grpc inside mserve::net.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "util/status.hpp"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace mserve::net::grpc_server {

struct GrpcServerOptions {
  std::string bind_address = "0.0.0.0";  // comma-separated; IPv6 literals with or without []
  uint32_t port = 0;                     // 0 = an ephemeral port (tests); the CLI's 0 = "off"
  uint32_t workers = 1;                  // server instances sharing the port
  std::string channel_arguments;         // --grpc_channel_arguments: "key=value,key=value"
  // Defaults the channel arguments may override (grpc.max_receive_message_length, ...).
  int max_message_bytes = 1 << 30;  // 1 GiB both ways, as OVMS
  // Header block limit. gRPC 1.51 has header-parsing CVEs (REFERENCE.md §9.2); clients send a
  // few hundred bytes of metadata, so 16 KiB costs nothing and bounds what the parser sees.
  int max_metadata_bytes = 16 * 1024;
  int max_concurrent_streams = 0;  // per connection; 0 = the core count (OVMS)
  // TLS: PEM file paths; empty cert = plaintext. With a client CA, clients must present a
  // certificate it signed (mutual TLS); without, none is requested.
  std::string tls_cert_path, tls_key_path, tls_client_ca_path;
};

// One --grpc_channel_arguments entry: ints where the value parses as one, else strings.
struct ChannelArgument {
  std::string key;
  std::variant<int, std::string> value;
};

// Parses "key=value,key=value" (spaces ignored, empty entries skipped). Malformed entries give
// INVALID_ARGUMENT "Grpc channel arguments passed in wrong format"; an integer out of int range
// is dropped with a warning, as OVMS does.
util::StatusOr<std::vector<ChannelArgument>> parseChannelArguments(std::string_view text);

// "0.0.0.0,::1" and port 9000 → {"0.0.0.0:9000", "[::1]:9000"}; empty entries are an error.
util::StatusOr<std::vector<std::string>> listenAddresses(std::string_view bind_address,
                                                         uint32_t port);

class GrpcServer {
 public:
  // Starts serving `services` (callback services; not owned, must outlive the server). Fails,
  // logging "Failed to start gRPC server at <address>", when an address cannot be bound,
  // including when another process listens on the port.
  static util::StatusOr<std::unique_ptr<GrpcServer>> start(
      const GrpcServerOptions& options, const std::vector<::grpc::Service*>& services);

  ~GrpcServer();  // shutdown(now) unless shut down already
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  // The bound port (the ephemeral one when options.port was 0).
  int port() const { return port_; }

  // grpc.health.v1.Health (grpc++'s default service, Check and Watch): sets each named
  // service's status on every instance; names never set answer NOT_FOUND (Check) or
  // SERVICE_UNKNOWN (Watch). "" starts SERVING until set. Thread-safe.
  void setHealth(const std::vector<std::pair<std::string, bool>>& serving);

  // Stops accepting connections and calls, lets in-flight calls finish until `deadline`, then
  // cancels the rest; returns when every instance has stopped. Later calls return at once.
  void shutdown(std::chrono::system_clock::time_point deadline);

 private:
  GrpcServer(std::vector<std::unique_ptr<::grpc::Server>> servers, int port);

  std::mutex mutex_;
  std::vector<std::unique_ptr<::grpc::Server>> servers_;  // guarded by mutex_
  const int port_;
};

}  // namespace mserve::net::grpc_server

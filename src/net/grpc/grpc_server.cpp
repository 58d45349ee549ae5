#include "net/grpc/grpc_server.hpp"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <iterator>
#include <thread>
#include <utility>

#include "util/logging.hpp"

namespace mserve::net::grpc_server {
namespace {

using util::Status;
using util::StatusCode;

constexpr std::string_view kWrongFormat = "Grpc channel arguments passed in wrong format";

std::string withoutSpaces(std::string_view text) {
  std::string result(text);
  std::erase_if(result, [](char c) { return c == ' ' || c == '\t'; });
  return result;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// gRPC's SO_REUSEPORT lets a second process bind a port a gRPC server already holds, and the
// two would then share its traffic. A plain bind (SO_REUSEADDR only, so TIME_WAIT leftovers
// do not count) tells whether anyone listens there, as OVMS checks before starting.
bool portTaken(const std::string& host, uint32_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) return false;  // gRPC says
  bool taken = false;
  for (addrinfo* a = found; a != nullptr && !taken; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;  // e.g. no IPv6 on this host: not our question
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    taken = bind(fd, a->ai_addr, a->ai_addrlen) != 0 && errno == EADDRINUSE;
    close(fd);
  }
  freeaddrinfo(found);
  return taken;
}

// Defaults first, then the user's arguments, one value per key: gRPC's handling of a key given
// twice is not something to rely on.
std::vector<ChannelArgument> effectiveArguments(const GrpcServerOptions& options,
                                                std::vector<ChannelArgument> user) {
  const int streams = options.max_concurrent_streams > 0
                          ? options.max_concurrent_streams
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<ChannelArgument> arguments = {
      {GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, options.max_message_bytes},
      {GRPC_ARG_MAX_SEND_MESSAGE_LENGTH, options.max_message_bytes},
      {GRPC_ARG_MAX_METADATA_SIZE, options.max_metadata_bytes},
      {GRPC_ARG_MAX_CONCURRENT_STREAMS, streams},
  };
  // Several instances on one port need SO_REUSEPORT (gRPC's default on Linux; made explicit).
  if (options.workers > 1) arguments.push_back({GRPC_ARG_ALLOW_REUSEPORT, 1});
  for (ChannelArgument& argument : user) {
    auto same = std::find_if(arguments.begin(), arguments.end(),
                             [&](const ChannelArgument& a) { return a.key == argument.key; });
    if (same != arguments.end()) {
      same->value = std::move(argument.value);
    } else {
      arguments.push_back(std::move(argument));
    }
  }
  return arguments;
}

util::StatusOr<std::string> readPem(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Status(StatusCode::kInternalError, "Cannot read TLS file " + path);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// Plaintext, TLS, or mutual TLS (client certificate required and verified), as Triton's
// --grpc-use-ssl[-mutual] (REFERENCE-2 §7.1).
util::StatusOr<std::shared_ptr<::grpc::ServerCredentials>> credentials(
    const GrpcServerOptions& options) {
  if (options.tls_cert_path.empty()) return ::grpc::InsecureServerCredentials();
  auto cert = readPem(options.tls_cert_path);
  if (!cert.isOk()) return cert.status();
  auto key = readPem(options.tls_key_path);
  if (!key.isOk()) return key.status();
  ::grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({std::move(key).value(), std::move(cert).value()});
  if (!options.tls_client_ca_path.empty()) {
    auto ca = readPem(options.tls_client_ca_path);
    if (!ca.isOk()) return ca.status();
    ssl.pem_root_certs = std::move(ca).value();
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return ::grpc::SslServerCredentials(ssl);
}

std::unique_ptr<::grpc::Server> buildServer(
    const std::vector<std::string>& addresses,
    const std::shared_ptr<::grpc::ServerCredentials>& credentials,
    const std::vector<ChannelArgument>& arguments, const std::vector<::grpc::Service*>& services,
    int* bound_port) {
  ::grpc::ServerBuilder builder;
  for (const std::string& address : addresses) {
    builder.AddListeningPort(address, credentials, bound_port);
  }
  for (::grpc::Service* service : services) builder.RegisterService(service);
  for (const ChannelArgument& argument : arguments) {
    std::visit([&](const auto& value) { builder.AddChannelArgument(argument.key, value); },
               argument.value);
  }
  return builder.BuildAndStart();
}

}  // namespace

util::StatusOr<std::vector<ChannelArgument>> parseChannelArguments(std::string_view text) {
  std::vector<ChannelArgument> arguments;
  for (std::string_view entry : split(text, ',')) {
    if (withoutSpaces(entry).empty()) continue;
    const std::vector<std::string_view> parts = split(entry, '=');
    if (parts.size() != 2) return Status(StatusCode::kInvalidArgument, std::string(kWrongFormat));
    std::string key = withoutSpaces(parts[0]);
    std::string value = withoutSpaces(parts[1]);
    if (key.empty() || value.empty()) {
      return Status(StatusCode::kInvalidArgument, std::string(kWrongFormat));
    }
    int number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error == std::errc::result_out_of_range) {
      MSERVE_LOG(util::servingLog(), warn, "Out of range parameter {} : {}", key, value);
      continue;
    }
    if (error == std::errc() && end == value.data() + value.size()) {
      arguments.push_back({std::move(key), number});
    } else {
      arguments.push_back({std::move(key), std::move(value)});
    }
  }
  return arguments;
}

util::StatusOr<std::vector<std::string>> listenAddresses(std::string_view bind_address,
                                                         uint32_t port) {
  std::vector<std::string> addresses;
  for (std::string_view entry : split(bind_address, ',')) {
    std::string host = withoutSpaces(entry);
    if (host.empty()) {
      return Status(StatusCode::kInvalidArgument,
                    "Invalid gRPC bind address: " + std::string(bind_address));
    }
    // An IPv6 literal needs brackets before ":port".
    if (host.find(':') != std::string::npos && host.front() != '[') {
      host.insert(0, 1, '[');
      host += ']';
    }
    host += ':';
    host += std::to_string(port);
    addresses.push_back(std::move(host));
  }
  return addresses;
}

util::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::start(
    const GrpcServerOptions& options, const std::vector<::grpc::Service*>& services) {
  auto user_arguments = parseChannelArguments(options.channel_arguments);
  if (!user_arguments.isOk()) {
    MSERVE_LOG(util::servingLog(), err, "grpc channel arguments passed in wrong format: {}",
               options.channel_arguments);
    return user_arguments.status();
  }
  auto addresses = listenAddresses(options.bind_address, options.port);
  if (!addresses.isOk()) return addresses.status();
  if (options.port == 0 && options.workers > 1) {
    // Each instance would pick its own ephemeral port.
    return Status(StatusCode::kInvalidArgument, "gRPC workers > 1 need a fixed port");
  }
  for (const std::string& address : *addresses) {
    const std::string host = address.substr(0, address.rfind(':'));
    const std::string bare = host.front() == '[' ? host.substr(1, host.size() - 2) : host;
    if (options.port != 0 && portTaken(bare, options.port)) {
      MSERVE_LOG(util::servingLog(), err, "Failed to start gRPC server at {}", address);
      return Status(StatusCode::kInternalError, "Failed to start gRPC server at " + address);
    }
  }
  const auto arguments = effectiveArguments(options, std::move(*user_arguments));
  auto server_credentials = credentials(options);
  if (!server_credentials.isOk()) {
    MSERVE_LOG(util::servingLog(), err, "{}", server_credentials.status().details());
    return server_credentials.status();
  }
  // Process-wide switch read by every ServerBuilder; the service runs on the callback API.
  ::grpc::EnableDefaultHealthCheckService(true);
  std::vector<std::unique_ptr<::grpc::Server>> servers;
  int bound_port = 0;
  for (uint32_t i = 0; i < std::max(1u, options.workers); ++i) {
    auto server =
        buildServer(*addresses, server_credentials.value(), arguments, services, &bound_port);
    if (server == nullptr) {
      MSERVE_LOG(util::servingLog(), err, "Failed to start gRPC server at {}",
                 options.bind_address + ":" + std::to_string(options.port));
      for (auto& started : servers) started->Shutdown(std::chrono::system_clock::now());
      return Status(StatusCode::kInternalError,
                    "Failed to start gRPC server at " + addresses->front());
    }
    servers.push_back(std::move(server));
  }
  MSERVE_LOG(util::servingLog(), info, "Started gRPC server on port {}{}", bound_port,
             options.tls_cert_path.empty()        ? ""
             : options.tls_client_ca_path.empty() ? " (TLS)"
                                                  : " (mutual TLS)");
  return std::unique_ptr<GrpcServer>(new GrpcServer(std::move(servers), bound_port));
}

GrpcServer::GrpcServer(std::vector<std::unique_ptr<::grpc::Server>> servers, int port)
    : servers_(std::move(servers)), port_(port) {}

GrpcServer::~GrpcServer() { shutdown(std::chrono::system_clock::now()); }

void GrpcServer::setHealth(const std::vector<std::pair<std::string, bool>>& serving) {
  std::lock_guard lock(mutex_);
  for (auto& server : servers_) {
    ::grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
    if (health == nullptr) continue;
    for (const auto& [name, is_serving] : serving) health->SetServingStatus(name, is_serving);
  }
}

void GrpcServer::shutdown(std::chrono::system_clock::time_point deadline) {
  std::lock_guard lock(mutex_);
  if (servers_.empty()) return;
  // In parallel: an instance still running while another drains would keep taking new calls.
  std::vector<std::thread> stoppers;
  for (auto& server : servers_) {
    stoppers.emplace_back([&server, deadline] {
      server->Shutdown(deadline);
      server->Wait();
    });
  }
  for (std::thread& stopper : stoppers) stopper.join();
  servers_.clear();
  MSERVE_LOG(util::servingLog(), info, "Shutdown gRPC server");
}

}  // namespace mserve::net::grpc_server

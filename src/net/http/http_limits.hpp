// Per-connection limits of the HTTP server (REFERENCE.md §9.1). Each is a command-line flag;
// the error a client gets when it crosses one names that flag, so operators know what to raise.
// Plain values, copied into every connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace mserve::net::http {

struct HttpLimits {
  // Whole request body, after de-chunking. 1 GiB as OVMS; larger ⇒ 413.
  uint64_t max_body_bytes = uint64_t{1} << 30;
  // Request line and header fields together (OVMS has no documented limit); larger ⇒ 431.
  uint32_t max_header_bytes = 64 * 1024;
  // How long a keep-alive connection may wait for the first byte of its next request, and how
  // long a body or a response may stall without a byte moving; 0 = forever (OVMS). The wait
  // for an inference is never timed.
  std::chrono::seconds idle_timeout{300};
  // How long a request line and its headers may take to arrive in full, counted from the
  // request's first byte (from the accept, for a connection's first request): a client that
  // sends half a header holds a file descriptor for this long at most. The shorter of this and
  // idle_timeout applies; 0 = no deadline of its own (idle_timeout only).
  std::chrono::seconds header_timeout{10};
  // Open connections at most. A new one above it closes the oldest connection that is waiting
  // for a request or still receiving its header; if every one is busy, the new one is closed.
  // Keeps file descriptors for gRPC, model files and the watcher whatever REST clients do.
  uint32_t max_connections = 1024;
};

// The flags that set them (for error messages and --help).
inline constexpr std::string_view kMaxBodyFlag = "--rest_max_body_bytes";
inline constexpr std::string_view kMaxHeaderFlag = "--rest_max_header_bytes";
inline constexpr std::string_view kIdleTimeoutFlag = "--rest_idle_timeout_seconds";
inline constexpr std::string_view kHeaderTimeoutFlag = "--rest_header_timeout_seconds";
inline constexpr std::string_view kMaxConnectionsFlag = "--rest_max_connections";

}  // namespace mserve::net::http

// A blocking loopback client that speaks just enough HTTP/1.1 for the transport tests: raw
// bytes out, Content-Length framed replies in (or a head only, for HEAD).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <optional>
#include <string>

namespace mserve::net::http {

struct Reply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

// A blocking client socket that speaks just enough HTTP/1.1 for these tests.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { close(fd_); }

  bool connected() const { return connected_; }
  void send(const std::string& data) {
    ASSERT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
  }

  // One response (Content-Length framed; with `head_only` the body is not read, as for HEAD), or
  // nullopt if the server closed or went silent.
  std::optional<Reply> read(bool head_only = false) {
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    Reply reply;
    reply.head = pending_.substr(0, end + 2);
    reply.status = std::stoi(reply.head.substr(9, 3));
    size_t length = 0;
    const size_t at = lower(reply.head).find("content-length:");
    if (!head_only && at != std::string::npos) {
      length = std::stoul(reply.head.substr(at + 15));
    }
    while (pending_.size() < end + 4 + length) {
      if (!fill()) return std::nullopt;
    }
    reply.body = pending_.substr(end + 4, length);
    pending_.erase(0, end + 4 + length);
    return reply;
  }

  // Whether the server closes the connection (EOF or reset) within the receive timeout.
  bool closedByServer() {
    char byte;
    const ssize_t got = recv(fd_, &byte, 1, 0);
    return got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  static std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }
  bool fill() {
    char buffer[4096];
    const ssize_t got = recv(fd_, buffer, sizeof(buffer), 0);
    if (got <= 0) return false;
    pending_.append(buffer, static_cast<size_t>(got));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string pending_;
};

inline std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

}  // namespace mserve::net::http

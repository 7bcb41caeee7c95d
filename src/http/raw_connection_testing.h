// For tests: a raw TCP connection to a local server, for what a client library would not send
// (a body announced and never sent, a control byte in a path, bytes past a limit) and to read
// one response head while the request is still open (a 100 Continue, a refusal mid-upload).
// Header-only; no Boost (the http, api and system tests use it).
//
//   http::RawConnection c(port);
//   c.Send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n");
//   std::string head = c.ReadHead();            // "HTTP/1.1 401 Unauthorized\r\n…"
//   EXPECT_EQ(http::RawStatus(head), 401);
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace http {

// A header's value in a response head (the name as the server writes it), "" when absent.
inline std::string RawHeader(std::string_view head, std::string_view name) {
  const std::string key = "\r\n" + std::string(name) + ": ";
  size_t at = head.find(key);
  if (at == std::string_view::npos) return "";
  at += key.size();
  return std::string(head.substr(at, head.find("\r\n", at) - at));
}

class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{10, 0};  // a server that never answers fails the test instead of hanging it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawConnection() { close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  // Sends all of bytes; false once the server has closed (or reset) the connection.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // The next response head (status line and headers, without the blank line), or "" if the
  // connection ended first. What came after it stays for the next read.
  std::string ReadHead() {
    for (;;) {
      if (size_t end = in_.find("\r\n\r\n"); end != std::string::npos) {
        std::string head = in_.substr(0, end);
        in_.erase(0, end + 4);
        return head;
      }
      if (!Receive()) return "";
    }
  }
  // The body after a head just read, as long as its Content-Length says (0 without one).
  std::string ReadBody(std::string_view head) {
    const std::string length = RawHeader(head, "Content-Length");
    const size_t want = length.empty() ? 0 : std::stoul(length);
    while (in_.size() < want && Receive()) {
    }
    std::string body = in_.substr(0, want);
    in_.erase(0, body.size());
    return body;
  }
  // Everything not read yet, until the server closes the connection.
  std::string ReadToClose() {
    while (Receive()) {
    }
    return std::exchange(in_, "");
  }

 private:
  bool Receive() {
    char buf[65536];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in_.append(buf, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  bool connected_ = false;
  std::string in_;
};

// The status of a response head ("HTTP/1.1 404 …" → 404), 0 for anything else.
inline int RawStatus(std::string_view head) {
  if (head.substr(0, 9) != "HTTP/1.1 " || head.size() < 12) return 0;
  int status = 0;
  for (char c : head.substr(9, 3)) {
    if (c < '0' || c > '9') return 0;
    status = status * 10 + (c - '0');
  }
  return status;
}

}  // namespace http

// Debian's nginx in front of `assay serve` processes, for the system tests and bench/scale: one
// unprivileged foreground process (no daemon, no master) with its prefix, config, temp files and
// logs in a folder of its own, on plain HTTP at 127.0.0.1 and a free port. The proxying is
// deploy/nginx.conf's: its `upstream assay` block (balancing, keep-alive, failure settings) on
// the given ports, and its server block's proxy_* directives (forwarded headers, timeouts, which
// failures go to the next server). Left out: TLS, and the per-address limits (every client of a
// test shares 127.0.0.1). Each answer says which server gave it: X-Assay-Upstream (nginx's
// $upstream_addr, e.g. "127.0.0.1:40123", or two of them when the first failed). Header-only.
//
//   test::NginxProcess nginx = test::StartNginx(ASSAY_SOURCE_DIR "/deploy/nginx.conf", dir, {a.port, b.port});
//   ASSERT_TRUE(nginx.error.empty()) << nginx.error;   // nginx missing, a bad config, no answer
//   http::Client c("127.0.0.1", nginx.port);             // …later: test::StopNginx(nginx);
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http/client.h"

namespace test {

inline constexpr char kNginxBinary[] = "/usr/sbin/nginx";

struct NginxProcess {
  pid_t pid = -1;
  uint16_t port = 0;
  std::string error;  // empty once nginx answered /healthz from an upstream
};

// A port nothing listens on now (the kernel's pick; free until someone else takes it).
inline uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

// Polls GET /healthz on 127.0.0.1:port until it answers 200, or `deadline`; false at the deadline.
// `alive` (when set) is asked between polls: false ends the wait (the process died).
template <typename Alive>
bool WaitHealthy(uint16_t port, std::chrono::steady_clock::time_point deadline, Alive alive) {
  constexpr auto kPollInterval = std::chrono::milliseconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    http::Client c("127.0.0.1", port, 1000);
    auto r = c.Send("GET", "/healthz");
    if (r && r->status == 200) return true;
    if (!alive()) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return false;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The http-level lines of an nginx config for `upstreams`, from deploy/nginx.conf's text: its
// `upstream assay` block with one `server` line per port (the first server line's parameters),
// and a server block with the deploy server block's proxy_* directives. "" when the deploy
// file no longer has them where this looks (then this must follow it).
inline std::string ProxyConfigFromDeploy(const std::string& deploy, const std::vector<uint16_t>& upstreams,
                                         uint16_t listen_port) {
  const size_t begin = deploy.find("\nupstream assay {");
  const size_t end = begin == std::string::npos ? begin : deploy.find("\n}", begin + 1);
  if (end == std::string::npos) return "";
  std::string upstream = "upstream assay {\n", server_params;
  std::istringstream block(deploy.substr(begin + 17, end - begin - 17));
  for (std::string line; std::getline(block, line);) {
    const size_t at = line.find("server ");
    if (at == std::string::npos) {
      upstream += line + "\n";
      continue;
    }
    const size_t address_end = line.find(' ', at + 7);  // "    server 127.0.0.1:8081 max_fails=3 …;"
    if (server_params.empty() && address_end != std::string::npos) server_params = line.substr(address_end);
  }
  if (server_params.empty()) return "";
  for (uint16_t port : upstreams) upstream += "    server 127.0.0.1:" + std::to_string(port) + server_params + "\n";
  upstream += "}\n";
  // The server block's own directives are indented four spaces; its locations' eight.
  std::string proxy;
  std::istringstream lines(deploy);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("    proxy_", 0) == 0) proxy += line + "\n";
  }
  if (proxy.find("proxy_next_upstream") == std::string::npos) return "";
  return upstream + "server {\n    listen 127.0.0.1:" + std::to_string(listen_port) + ";\n" + proxy +
         "    add_header X-Assay-Upstream $upstream_addr always;\n"
         "    location / {\n        proxy_pass http://assay;\n    }\n}\n";
}

inline void StopNginx(NginxProcess& n) {
  if (n.pid <= 0) return;
  kill(n.pid, SIGTERM);
  waitpid(n.pid, nullptr, 0);
  n.pid = -1;
}

inline NginxProcess StartNginx(const std::string& deploy_conf, const std::string& dir,
                               const std::vector<uint16_t>& upstreams) {
  NginxProcess n;
  if (access(kNginxBinary, X_OK) != 0) {
    n.error = std::string("nginx is not installed (") + kNginxBinary +
              "): scripts/install-deps installs Debian's nginx, and `make test` runs that first";
    return n;
  }
  std::filesystem::create_directories(dir);
  n.port = FreePort();
  const std::string proxy = ProxyConfigFromDeploy(ReadFile(deploy_conf), upstreams, n.port);
  if (proxy.empty()) {
    n.error = deploy_conf + " has no `upstream assay` block with server lines, or no proxy_next_upstream";
    return n;
  }
  const std::string conf = dir + "/nginx.conf", log = dir + "/error.log";
  std::ofstream(conf) << "daemon off;\nmaster_process off;\nworker_processes 1;\npid " << dir
                      << "/nginx.pid;\nerror_log " << log << " warn;\n"
                      << "events { worker_connections 4096; }\n"
                      // A load generator keeps its connections for the whole run (nginx's default
                      // closes one after 1,000 requests).
                      << "http {\n  access_log off;\n  keepalive_requests 1000000;\n"
                      << "  client_body_temp_path " << dir << "/body; proxy_temp_path " << dir << "/proxy;\n"
                      << "  fastcgi_temp_path " << dir << "/fastcgi; uwsgi_temp_path " << dir
                      << "/uwsgi; scgi_temp_path " << dir << "/scgi;\n"
                      << proxy << "}\n";
  n.pid = fork();
  if (n.pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlives the test or bench that started it
    int out = open((dir + "/stderr.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) {
      dup2(out, 1);
      dup2(out, 2);
    }
    execl(kNginxBinary, kNginxBinary, "-p", dir.c_str(), "-c", conf.c_str(), "-e", log.c_str(), nullptr);
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool exited = false;
  const bool healthy = WaitHealthy(n.port, deadline, [&] {
    exited = exited || waitpid(n.pid, nullptr, WNOHANG) == n.pid;
    return !exited;
  });
  if (!healthy) {
    n.error = "nginx did not answer /healthz on port " + std::to_string(n.port) + (exited ? " (it exited)" : "") +
              ": " + ReadFile(dir + "/stderr.log") + ReadFile(log);
    if (exited) n.pid = -1;
    StopNginx(n);
  }
  return n;
}

}  // namespace test

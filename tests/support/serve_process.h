// Starts a real `assay serve` as a child process on an ephemeral port, for the system tests and
// bench/work_loop. Header-only: both link nothing else for it.
//
//   test::ServeProcess s = test::StartServe(ASSAY_BINARY, {"--db", "sqlite:x.db", "--log-level", "off"});
//   // s.port == 0: it did not start.   Later: kill(s.pid, SIGTERM); waitpid(s.pid, nullptr, 0);
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace test {

struct ServeProcess {
  pid_t pid = -1;
  uint16_t port = 0;  // 0 when the server never said where it listens
};

// Runs `binary serve --port 0 --web /nonexistent ARGS…`; the child's stderr goes to
// stderr_path when given. Returns once the server printed its address (or exited).
inline ServeProcess StartServe(const std::string& binary, const std::vector<std::string>& args,
                               const std::string& stderr_path = "") {
  ServeProcess s;
  int fds[2];
  if (pipe(fds) != 0) return s;
  s.pid = fork();
  if (s.pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlives the test or bench that started it
    dup2(fds[1], 1);
    close(fds[0]);
    if (!stderr_path.empty()) {
      int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err >= 0) dup2(err, 2);
    }
    std::vector<std::string> all = {binary, "serve", "--port", "0", "--web", "/nonexistent"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  FILE* f = fdopen(fds[0], "r");
  char line[512];
  while (fgets(line, sizeof line, f)) {
    std::string l(line);
    size_t at = l.find("http://127.0.0.1:");
    if (at != std::string::npos) {
      s.port = static_cast<uint16_t>(std::stoi(l.substr(at + 17)));
      break;
    }
  }
  fclose(f);
  return s;
}

}  // namespace test

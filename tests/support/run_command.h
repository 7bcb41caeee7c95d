// Runs a shell command and returns its stdout with trailing newlines and spaces removed, for
// the system tests and benchmarks that call the `assay` CLI (`assay token create` prints only the
// token). Header-only, like serve_process.h.
//
//   std::string token = test::RunCommand(bin + " token create --db " + db + " --email m@x.org");
//   // empty: the command printed nothing (it failed, or could not run)
//   test::RunCommand("psql " + test::ShellQuote(url) + " -XAtc " + test::ShellQuote(sql));
#pragma once

#include <cstdio>
#include <string>

namespace test {

inline std::string RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[512];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  if (p) pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// `text` as one word for /bin/sh, whatever it holds.
inline std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace test

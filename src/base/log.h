// JSON-lines logging over spdlog. One line per event, with the request id when there is one:
//   {"ts":"2026-01-01T00:00:00.000Z","level":"info","event":"http.access","request_id":"…",…}
//
//   base::Logger log = base::Logger::Stderr();
//   log.Info("http.access", {{"request_id", id}, {"status", "200"}});
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace spdlog { class logger; }

namespace base {

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

struct LogField {
  std::string_view key;
  std::string_view value;
  bool raw = false;  // value is already JSON (number, object); otherwise quoted as a string
};

class Logger {
 public:
  // Writes to stderr; thread-safe.
  static Logger Stderr(LogLevel level = LogLevel::kInfo);
  // Appends to the file at path (created with its folder), each line flushed as written: `make
  // run` logs there so the demo's printed logins stay on screen. Empty on failure.
  static std::optional<Logger> File(const std::string& path, LogLevel level = LogLevel::kInfo);
  // Discards everything (tests).
  static Logger Null();

  void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) const;
  void Debug(std::string_view e, std::initializer_list<LogField> f = {}) const { Log(LogLevel::kDebug, e, f); }
  void Info(std::string_view e, std::initializer_list<LogField> f = {}) const { Log(LogLevel::kInfo, e, f); }
  void Warn(std::string_view e, std::initializer_list<LogField> f = {}) const { Log(LogLevel::kWarn, e, f); }
  void Error(std::string_view e, std::initializer_list<LogField> f = {}) const { Log(LogLevel::kError, e, f); }
  bool Enabled(LogLevel level) const { return sink_ && level >= level_; }

 private:
  std::shared_ptr<spdlog::logger> sink_;
  LogLevel level_ = LogLevel::kOff;
};

LogLevel ParseLogLevel(std::string_view name);  // "debug"|"info"|"warn"|"error"|"off"

}  // namespace base

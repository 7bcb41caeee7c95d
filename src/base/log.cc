#include "base/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <filesystem>
#include <spdlog/spdlog.h>

#include "base/clock.h"
#include "base/json.h"

namespace base {

Logger Logger::Stderr(LogLevel level) {
  Logger l;
  l.sink_ = std::make_shared<spdlog::logger>("assay",
                                             std::make_shared<spdlog::sinks::stderr_sink_mt>());
  l.sink_->set_pattern("%v");
  l.sink_->set_level(spdlog::level::trace);
  l.level_ = level;
  return l;
}

std::optional<Logger> Logger::File(const std::string& path, LogLevel level) {
  try {
    std::filesystem::path p(path);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    Logger l;
    l.sink_ = std::make_shared<spdlog::logger>("assay", std::make_shared<spdlog::sinks::basic_file_sink_mt>(path));
    l.sink_->set_pattern("%v");
    l.sink_->set_level(spdlog::level::trace);
    l.sink_->flush_on(spdlog::level::trace);
    l.level_ = level;
    return l;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Logger Logger::Null() { return Logger(); }

void Logger::Log(LogLevel level, std::string_view event,
                 std::initializer_list<LogField> fields) const {
  if (!Enabled(level)) return;
  static constexpr std::string_view kNames[] = {"debug", "info", "warn", "error", "off"};
  std::string line = "{\"ts\":\"";
  line += FormatRfc3339(SystemClock().NowMicros());
  line += "\",\"level\":\"";
  line += kNames[static_cast<int>(level)];
  line += "\",\"event\":";
  line += JsonQuote(event);
  for (const LogField& f : fields) {
    line += ',';
    line += JsonQuote(f.key);
    line += ':';
    if (f.raw) {
      line += f.value;
    } else {
      line += JsonQuote(f.value);
    }
  }
  line += '}';
  sink_->info(line);
}

LogLevel ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  if (name == "off") return LogLevel::kOff;
  return LogLevel::kInfo;
}

}  // namespace base

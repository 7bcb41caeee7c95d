#include "base/log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace base {
namespace {

// `make run` logs to a file (assay demo --log-file): every line lands there at once, nothing on
// the terminal where the demo's logins are printed.
TEST(LoggerTest, AFileLoggerWritesEachLineAtOnceAndCreatesTheFolder) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("assay_log_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "var" / "demo.log").string();
  std::optional<Logger> log = Logger::File(path, LogLevel::kInfo);
  ASSERT_TRUE(log);
  log->Info("http.access", {{"status", "200", true}});
  log->Debug("hidden");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\"event\":\"http.access\",\"status\":200"), std::string::npos) << text.str();
  EXPECT_EQ(text.str().find("hidden"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace base

// Test helper: a session on the whole workplace world with every app's tools, and calls that
// expect success (parsed JSON result) or an error (its message).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/clock.h"
#include "env/apps/apps.h"
#include "env/session.h"

namespace env::apps {

class WorkplaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(RegisterWorkplaceTools(tools_).has_value());
    session_ = std::make_unique<Session>(tools_, WorkplaceWorld(), clock_, 1);
  }

  nlohmann::json Ok(std::string_view tool, const nlohmann::json& args) {
    ToolResult r = session_->Call(tool, args);
    EXPECT_FALSE(r.is_error) << tool << ": " << r.content;
    auto j = nlohmann::json::parse(r.content, nullptr, false);
    return j.is_discarded() ? nlohmann::json() : j;
  }
  std::string Err(std::string_view tool, const nlohmann::json& args) {
    const std::string before = session_->world().Hash();
    ToolResult r = session_->Call(tool, args);
    EXPECT_TRUE(r.is_error) << tool << " succeeded: " << r.content;
    EXPECT_EQ(session_->world().Hash(), before) << tool << " failed but changed the world";
    return r.content;
  }
  const Value& State(std::string_view app) const { return session_->world().Get(app); }
  const Value* At(std::string_view app, std::string_view pointer) const {
    return State(app).At(pointer);
  }

  base::FakeClock clock_;  // 2026-01-01T00:00:00Z
  ToolRegistry tools_;
  std::unique_ptr<Session> session_;
};

}  // namespace env::apps

// Test helpers for the workplace apps: a session on the whole workplace world with every app's
// tools and calls that expect success (parsed JSON result) or an error (its message); the
// workplace's "today"; a suite task's collateral-damage check.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "env/session.h"
#include "env/task.h"
#include "workplace/apps.h"
#include "workplace/env_names.h"
#include "workplace/suites.h"

namespace workplace {

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

}  // namespace workplace

namespace workplace::testing {

// The workplace's "today": what `assay env run` uses (base::FakeClock's default,
// 2026-01-01T00:00:00Z), so tasks that say "today" agree with the CLI.
inline const int64_t kTodayUs = base::FakeClock().NowMicros();

// The suite task's reference actions plus one wrong call fail, and the report names the wrong
// call's change as collateral damage under `collateral_path`.
inline void ExpectCollateral(std::string_view suite_name, std::string_view task_id,
                             std::string tool, std::string args_json,
                             std::string_view collateral_path) {
  auto suite = LoadSuite(suite_name, "");
  ASSERT_TRUE(suite.has_value());
  const Task* task = (*suite)->FindTask(task_id);
  ASSERT_NE(task, nullptr) << task_id;
  base::FakeClock clock(kTodayUs);
  std::vector<Action> actions = task->reference_actions;
  actions.push_back({std::move(tool), std::move(args_json)});
  Session s = Replay((*suite)->tools, task->initial, actions, clock, 3);
  CheckReport report = Check(*task, s.world());
  EXPECT_FALSE(report.passed);
  bool collateral = false;
  for (const CheckItem& item : report.items) {
    collateral |= item.name.rfind("collateral " + std::string(collateral_path), 0) == 0;
  }
  EXPECT_TRUE(collateral) << report.Render();
}

}  // namespace workplace::testing

// Test helpers for the sheet, books, hr and crm apps: run a suite's tasks with their reference
// actions and check what a grader relies on.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "env/apps/apps.h"
#include "env/session.h"
#include "env/suite.h"
#include "env/task.h"

namespace env::apps::testing {

// The workplace's "today": what `assay env run` uses (base::FakeClock's default,
// 2026-01-01T00:00:00Z), so tasks that say "today" agree with the CLI.
inline const int64_t kTodayUs = base::FakeClock().NowMicros();

// A session on the whole workplace world.
struct Workplace {
  ToolRegistry tools;
  base::FakeClock clock;  // kTodayUs
  Workplace() { EXPECT_TRUE(RegisterWorkplaceTools(tools).has_value()); }
  Session NewSession(uint64_t seed = 1) { return Session(tools, WorkplaceWorld(), clock, seed); }
};

// Calls a tool and parses its JSON result; fails the test on an error result.
inline nlohmann::json CallOk(Session& s, std::string_view tool, const nlohmann::json& args) {
  ToolResult r = s.Call(tool, args);
  EXPECT_FALSE(r.is_error) << tool << ": " << r.content;
  auto j = nlohmann::json::parse(r.content, nullptr, false);
  return j.is_discarded() ? nlohmann::json(r.content) : j;
}

// The error text of a call that must fail.
inline std::string CallError(Session& s, std::string_view tool, const nlohmann::json& args) {
  ToolResult r = s.Call(tool, args);
  EXPECT_TRUE(r.is_error) << tool << " succeeded: " << r.content;
  return r.content;
}

// Every task of the suite: its reference actions succeed and score 1.0 (with a seed other than
// any the tasks were built with, so checkers cannot depend on generated ids), doing nothing
// scores below 1, and replaying the same actions (or forking) gives the same state hash.
inline void ExpectSuiteTasksWork(std::string_view suite_name, size_t min_tasks) {
  auto suite = LoadSuite(suite_name, "");
  ASSERT_TRUE(suite.has_value()) << suite.error().message();
  const Suite& st = **suite;
  EXPECT_GE(st.tasks.size(), min_tasks) << suite_name;
  base::FakeClock clock(kTodayUs);
  for (const Task& task : st.tasks) {
    SCOPED_TRACE(task.id);
    EXPECT_FALSE(task.instruction.empty());
    ASSERT_FALSE(task.reference_actions.empty());
    Session s = Replay(st.tools, task.initial, task.reference_actions, clock, /*seed=*/97);
    for (const Step& step : s.trajectory().steps()) {
      EXPECT_FALSE(step.result.is_error) << step.name << ": " << step.result.content;
    }
    CheckReport report = Check(task, s.world());
    EXPECT_TRUE(report.passed) << report.Render();
    EXPECT_DOUBLE_EQ(report.score, 1.0);
    CheckReport idle = Check(task, task.initial);
    EXPECT_LT(idle.score, 1.0) << idle.Render();
    Session again = Replay(st.tools, task.initial, task.reference_actions, clock, 97);
    EXPECT_EQ(again.world().Hash(), s.world().Hash());
    Session fork = s.Fork();
    EXPECT_EQ(fork.world().Hash(), s.world().Hash());
  }
}

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

}  // namespace env::apps::testing

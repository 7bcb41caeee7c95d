// Test helpers for the sheet, books, hr and crm apps (sessions and calls: apps_test_util.h;
// every task's reference/idle/replay checks: apps_test.cc).
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

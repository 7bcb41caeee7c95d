// Tasks and checkers. A Task is an initial world, an instruction and a Checker; a check of a
// final world returns a score in [0, 1] and a readable report of what differed.
//
// A Checker may hold any of:
//   - predicates on the final state (JSON Pointer equals / exists / absent, or C++ functions);
//   - an expected state hash (whole world, or one app's state as tau2 does);
//   - an expected diff from the initial world — the paths that must change, optionally to what
//     value — with "nothing else changed": any other change is reported as collateral damage;
//   - reference actions: replayed on the initial world to derive the expected diff/hash.
// Every item counts once; score = passed / total; `passed` means all items passed.
//
//   env::Task task{.id = "mail-1", .instruction = "Mark Bob's mail read", .initial = world};
//   task.checker.predicates.push_back(env::PathEquals("/mail/messages/m1/read",
//   env::Value::Bool(true))); task.checker.expected_changes = {{"/mail/messages/m1/read"}};
//   task.checker.forbid_other_changes = true;
//   env::CheckReport report = env::Check(task, session.world());
//   std::cout << report.Render();
#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "env/diff.h"
#include "env/tool.h"
#include "env/trajectory.h"
#include "env/world.h"

namespace env {

struct Predicate {
  std::string description;
  // nullopt when it holds; otherwise why not.
  std::function<std::optional<std::string>(const World& final_world)> check;
};
Predicate PathEquals(std::string pointer, Value expected);  // pointer into World::AsValue()
Predicate PathExists(std::string pointer);
Predicate PathAbsent(std::string pointer);

struct ExpectedChange {
  std::string path;            // JSON Pointer into World::AsValue(); covers everything under it
  std::optional<Value> value;  // the value it must end with (absent: any change will do)
};

struct Checker {
  std::vector<Predicate> predicates;
  std::optional<std::string> expected_hash;  // of the whole world, or of hash_app if set
  std::string hash_app;                      // "" = whole world
  std::vector<ExpectedChange> expected_changes;
  bool forbid_other_changes = false;  // collateral-damage detection
};

struct Task {
  std::string id;
  std::string instruction;
  World initial;
  Checker checker;
  std::vector<Action> reference_actions;  // optional gold actions
};

struct CheckItem {
  std::string name;  // "predicate: …", "hash", "change /a/b", "collateral /x/y"
  bool passed = false;
  std::string detail;  // what differed
};

struct CheckReport {
  double score = 0;  // passed items / all items (1 when there are no items)
  bool passed = false;
  std::vector<CheckItem> items;
  std::vector<Change> changes;  // initial -> final, for display

  std::string Render() const;  // human-readable, one line per item, failures first
  nlohmann::json ToJson() const;
};

// A task written as data (so apps can keep tasks in JSON files):
//   {"id": "mail-1", "instruction": "…", "initial": {"mail": {…}},
//    "reference_actions": [{"name": "…", "arguments": {…}}],
//    "checker": {"predicates": [{"path": "/mail/m/1/read", "equals": true},
//                               {"path": "/mail/drafts/d1", "exists": true},
//                               {"path": "/mail/m/2", "absent": true}],
//                "expected_hash": "…", "hash_app": "mail",
//                "expected_changes": [{"path": "/mail/m/1/read", "value": true}],
//                "forbid_other_changes": true}}
// "initial" may be omitted when `base` supplies the world.
base::Result<Task> TaskFromJson(const nlohmann::json& j, const World& base = World());

// Checks `final_world` against the task's checker.
CheckReport Check(const Task& task, const World& final_world);

// Fills a checker from the task's reference actions: replays them on the initial world and
// sets expected_hash and expected_changes (exact values) with forbid_other_changes. Returns the
// reference final world.
World DeriveCheckerFromReference(Task& task, const ToolRegistry& tools, const base::Clock& clock,
                                 uint64_t seed);

}  // namespace env

// Helpers of the sheet, books, hr and crm apps on top of app_util.h: money text, dates, record
// search, value predicates, and MakeTask, whose checker uses the engine's collateral-damage
// report (forbid_other_changes: one failed item per unexpected path).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/trajectory.h"
#include "env/value.h"
#include "env/world.h"
#include "workplace/app_util.h"
#include "workplace/env_names.h"

namespace workplace::kit {

using workplace::Field;
using workplace::OkJson;
using workplace::Ptr;
using workplace::Put;

inline std::optional<int64_t> OptInt(const nlohmann::json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

inline int64_t IntField(const Value& record, std::string_view key) {
  const Value* v = record.Find(key);
  return v != nullptr && v->kind() == Value::Kind::kInt ? v->AsInt() : 0;
}

inline ToolResult OkValue(const Value& v) { return ToolResult::Ok(v.Canonical()); }

// A tool's parameter schema (app_util.h's ObjectParams, shorter at the many call sites).
inline std::string Params(std::string_view properties, std::string_view required) {
  return ObjectParams(properties, required);
}

// A JSON Pointer into the world: "/<app>/<tokens…>" (app_util.h's Ptr under the app's key).
inline std::string AppPath(std::string_view app, std::initializer_list<std::string_view> tokens) {
  return AppendPointer("", app) + Ptr(tokens);
}

// 123456 -> "$1,234.56" (negative: "-$1,234.56").
inline std::string Money(int64_t cents) {
  return cents < 0 ? "-$" + FormatCents(-cents) : "$" + FormatCents(cents);
}

// "YYYY-MM-DD" with plausible month and day.
inline bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  int month = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// The first record of `collection` (an object keyed by id) for which `match` holds.
inline const Value* FindRecord(const Value* collection,
                               const std::function<bool(const Value&)>& match) {
  if (collection == nullptr) return nullptr;
  for (const auto& [id, record] : collection->members()) {
    if (match(record)) return &record;
  }
  return nullptr;
}

inline Action Act(std::string name, const nlohmann::json& args) {
  return Action{std::move(name), base::Dump(args)};
}

// A predicate on the final world from a C++ check that returns why not (nullopt = holds).
inline Predicate Holds(std::string description,
                       std::function<std::optional<std::string>(const World&)> check) {
  return Predicate{std::move(description), std::move(check)};
}

// The number at `pointer` is within half a cent of `expected` (float sums need not be exact).
inline Predicate NumberNear(std::string pointer, double expected) {
  std::string description = pointer + " ~= " + std::to_string(expected);
  return {std::move(description),
          [pointer = std::move(pointer), expected](const World& w) -> std::optional<std::string> {
            const Value root = w.AsValue();
            const Value* v = root.At(pointer);
            if (v == nullptr) return pointer + " does not exist";
            if (!v->is_number()) return pointer + " is " + v->Canonical();
            if (v->AsDouble() < expected - 0.005 || v->AsDouble() > expected + 0.005) {
              return pointer + " is " + v->Canonical();
            }
            return std::nullopt;
          }};
}

// The subtree at `pointer` is what it was in `initial`.
inline Predicate Unchanged(std::string pointer, const World& initial) {
  const Value root = initial.AsValue();
  const Value* before = root.At(pointer);
  Value expected = before != nullptr ? *before : Value();
  std::string description = pointer + " unchanged";
  return {std::move(description),
          [pointer = std::move(pointer), expected](const World& w) -> std::optional<std::string> {
            const Value root = w.AsValue();
            const Value* v = root.At(pointer);
            if (v == nullptr || *v != expected) return pointer + " was changed";
            return std::nullopt;
          }};
}

inline std::vector<ExpectedChange> Changes(std::initializer_list<std::string> paths) {
  std::vector<ExpectedChange> out;
  for (const std::string& p : paths) out.push_back({p, std::nullopt});
  return out;
}

// A task whose checker passes when every predicate holds, something changed under each of
// `changed` and nothing changed anywhere else (collateral damage).
inline Task MakeTask(std::string id, std::string instruction, const World& initial,
                     std::vector<Action> reference, std::vector<Predicate> predicates,
                     std::vector<ExpectedChange> changed) {
  Task task;
  task.id = std::move(id);
  task.instruction = std::move(instruction);
  task.initial = initial;
  task.reference_actions = std::move(reference);
  task.checker.predicates = std::move(predicates);
  task.checker.expected_changes = std::move(changed);
  task.checker.forbid_other_changes = true;
  return task;
}

}  // namespace workplace::kit

#include "base/json.h"
#include "env/task.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "env/session.h"

namespace env {

Predicate PathEquals(std::string pointer, Value expected) {
  std::string description = pointer + " == " + expected.Canonical();
  return {std::move(description),
          [pointer = std::move(pointer),
           expected = std::move(expected)](const World& w) -> std::optional<std::string> {
            const Value root = w.AsValue();
            const Value* actual = root.At(pointer);
            if (actual == nullptr) return pointer + " does not exist";
            if (*actual != expected) return pointer + " is " + actual->Canonical();
            return std::nullopt;
          }};
}

Predicate PathExists(std::string pointer) {
  std::string description = pointer + " exists";
  return {std::move(description),
          [pointer = std::move(pointer)](const World& w) -> std::optional<std::string> {
            const Value root = w.AsValue();
            if (root.At(pointer) == nullptr) return pointer + " does not exist";
            return std::nullopt;
          }};
}

Predicate PathAbsent(std::string pointer) {
  std::string description = pointer + " is absent";
  return {std::move(description),
          [pointer = std::move(pointer)](const World& w) -> std::optional<std::string> {
            const Value root = w.AsValue();
            if (const Value* v = root.At(pointer)) return pointer + " exists: " + v->Canonical();
            return std::nullopt;
          }};
}

namespace {

void CheckChanges(const Checker& checker, const World& final_world,
                  const std::vector<Change>& changes, std::vector<CheckItem>& items) {
  const Value final_root = final_world.AsValue();
  for (const ExpectedChange& expected : checker.expected_changes) {
    CheckItem item{"change " + expected.path, false, ""};
    const bool touched = std::any_of(changes.begin(), changes.end(), [&](const Change& c) {
      return PathWithin(c.path, expected.path) || PathWithin(expected.path, c.path);
    });
    if (!touched) {
      item.detail = "expected a change under " + expected.path + ", found none";
    } else if (expected.value) {
      const Value* actual = final_root.At(expected.path);
      if (actual == nullptr) {
        item.detail = expected.path + " was removed; expected " + expected.value->Canonical();
      } else if (*actual != *expected.value) {
        item.detail = "expected " + expected.value->Canonical() + ", got " + actual->Canonical();
      } else {
        item.passed = true;
      }
    } else {
      item.passed = true;
    }
    items.push_back(std::move(item));
  }
  if (!checker.forbid_other_changes) return;
  for (const Change& c : changes) {
    const bool expected =
        std::any_of(checker.expected_changes.begin(), checker.expected_changes.end(),
                    [&](const ExpectedChange& e) {
                      return PathWithin(c.path, e.path) || PathWithin(e.path, c.path);
                    });
    if (!expected) {
      items.push_back(
          {"collateral " + c.path, false,
           std::string(ChangeKindName(c.kind)) + " " + FormatChange(c).substr(c.path.size() + 4)});
    }
  }
}

}  // namespace

CheckReport Check(const Task& task, const World& final_world) {
  CheckReport report;
  const Checker& checker = task.checker;
  for (const Predicate& p : checker.predicates) {
    std::optional<std::string> why = p.check(final_world);
    report.items.push_back({"predicate: " + p.description, !why.has_value(), why.value_or("")});
  }
  if (checker.expected_hash) {
    const std::string actual =
        checker.hash_app.empty() ? final_world.Hash() : final_world.AppHash(checker.hash_app);
    CheckItem item{checker.hash_app.empty() ? "hash" : "hash of " + checker.hash_app, false, ""};
    item.passed = actual == *checker.expected_hash;
    if (!item.passed) item.detail = "expected " + *checker.expected_hash + ", got " + actual;
    report.items.push_back(std::move(item));
  }
  report.changes = Diff(task.initial.AsValue(), final_world.AsValue());
  CheckChanges(checker, final_world, report.changes, report.items);
  size_t passed = 0;
  for (const CheckItem& item : report.items) passed += item.passed ? 1 : 0;
  report.passed = passed == report.items.size();
  report.score = report.items.empty() ? 1.0 : static_cast<double>(passed) / report.items.size();
  return report;
}

std::string CheckReport::Render() const {
  std::string out;
  size_t passed_count = 0;
  for (const CheckItem& item : items) passed_count += item.passed ? 1 : 0;
  char head[96];
  std::snprintf(head, sizeof head, "%s  score %.3f  (%zu/%zu checks passed)\n",
                passed ? "PASS" : "FAIL", score, passed_count, items.size());
  out += head;
  for (int pass = 0; pass < 2; ++pass) {  // failures first
    for (const CheckItem& item : items) {
      if (item.passed != (pass == 1)) continue;
      out += item.passed ? "  ok    " : "  FAIL  ";
      out += item.name;
      if (!item.detail.empty()) out += ": " + item.detail;
      out += '\n';
    }
  }
  out += "changes (" + std::to_string(changes.size()) + "):\n";
  for (const Change& c : changes) out += "  " + FormatChange(c) + "\n";
  return out;
}

nlohmann::json CheckReport::ToJson() const {
  nlohmann::json j_items = nlohmann::json::array();
  for (const CheckItem& item : items) {
    j_items.push_back({{"name", item.name}, {"passed", item.passed}, {"detail", item.detail}});
  }
  return {{"score", score},
          {"passed", passed},
          {"items", std::move(j_items)},
          {"changes", ChangesToJson(changes)}};
}

namespace {

base::Result<Predicate> PredicateFromJson(const nlohmann::json& p) {
  if (!p.is_object() || !p.contains("path") || !p["path"].is_string()) {
    return base::Error::Invalid("a predicate needs a string \"path\"");
  }
  std::string path = p["path"].get<std::string>();
  if (p.contains("equals")) return PathEquals(std::move(path), Value::FromJson(p["equals"]));
  if (p.value("exists", false)) return PathExists(std::move(path));
  if (p.value("absent", false)) return PathAbsent(std::move(path));
  return base::Error::Invalid("predicate on " + path +
                              " needs \"equals\", \"exists\" or \"absent\"");
}

}  // namespace

base::Result<Task> TaskFromJson(const nlohmann::json& j, const World& base) {
  if (!j.is_object()) return base::Error::Invalid("a task must be a JSON object");
  Task task;
  task.id = j.value("id", "");
  if (task.id.empty()) return base::Error::Invalid("a task needs an \"id\"");
  task.instruction = j.value("instruction", "");
  task.initial = base;
  if (auto init = j.find("initial"); init != j.end()) {
    if (!init->is_object())
      return base::Error::Invalid("task " + task.id + ": \"initial\" must be an object");
    for (auto it = init->begin(); it != init->end(); ++it)
      task.initial.Set(it.key(), Value::FromJson(*it));
  }
  if (auto actions = j.find("reference_actions"); actions != j.end()) {
    if (!actions->is_array())
      return base::Error::Invalid("task " + task.id + ": \"reference_actions\" must be an array");
    for (const auto& a : *actions) {
      if (!a.is_object() || !a.contains("name")) {
        return base::Error::Invalid("task " + task.id + ": each reference action needs a \"name\"");
      }
      const auto args = a.value("arguments", nlohmann::json::object());
      task.reference_actions.push_back(
          {a["name"].get<std::string>(), args.is_string() ? args.get<std::string>() : base::Dump(args)});
    }
  }
  if (auto c = j.find("checker"); c != j.end() && c->is_object()) {
    if (auto preds = c->find("predicates"); preds != c->end() && preds->is_array()) {
      for (const auto& p : *preds) {
        auto pred = PredicateFromJson(p);
        if (!pred) return base::Error::Invalid("task " + task.id + ": " + pred.error().message());
        task.checker.predicates.push_back(std::move(*pred));
      }
    }
    if (auto h = c->find("expected_hash"); h != c->end() && h->is_string()) {
      task.checker.expected_hash = h->get<std::string>();
    }
    task.checker.hash_app = c->value("hash_app", "");
    if (auto changes = c->find("expected_changes"); changes != c->end() && changes->is_array()) {
      for (const auto& e : *changes) {
        if (!e.is_object() || !e.contains("path")) {
          return base::Error::Invalid("task " + task.id +
                                      ": each expected change needs a \"path\"");
        }
        ExpectedChange change{e["path"].get<std::string>(), std::nullopt};
        if (e.contains("value")) change.value = Value::FromJson(e["value"]);
        task.checker.expected_changes.push_back(std::move(change));
      }
    }
    task.checker.forbid_other_changes = c->value("forbid_other_changes", false);
  }
  return task;
}

World DeriveCheckerFromReference(Task& task, const ToolRegistry& tools, const base::Clock& clock,
                                 uint64_t seed) {
  Session reference =
      Replay(tools, task.initial, task.reference_actions, clock, seed, /*record=*/false);
  const World& final_world = reference.world();
  task.checker.expected_hash = task.checker.hash_app.empty()
                                   ? final_world.Hash()
                                   : final_world.AppHash(task.checker.hash_app);
  task.checker.expected_changes.clear();
  for (const Change& c : Diff(task.initial.AsValue(), final_world.AsValue())) {
    ExpectedChange e{c.path, std::nullopt};
    if (c.kind != Change::Kind::kRemoved) e.value = c.after;
    task.checker.expected_changes.push_back(std::move(e));
  }
  task.checker.forbid_other_changes = true;
  return final_world;
}

}  // namespace env

#include "env/snapshot.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/json.h"

namespace env {
namespace {

base::Error Malformed(std::string_view what) {
  return base::Error::Invalid("session snapshot: " + std::string(what));
}

nlohmann::json IdsToJson(const base::Uuid7Generator::State& ids) {
  return {{"rng", ids.rng}, {"last_ms", ids.last_ms}, {"counter", ids.counter}};
}

base::Result<base::Uuid7Generator::State> IdsFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("rng") || !j["rng"].is_array() || j["rng"].size() != 4) {
    return Malformed("ids must be {rng: [4 numbers], last_ms, counter}");
  }
  base::Uuid7Generator::State ids;
  for (size_t i = 0; i < 4; ++i) {
    if (!j["rng"][i].is_number_unsigned()) return Malformed("ids.rng must hold unsigned numbers");
    ids.rng[i] = j["rng"][i].get<uint64_t>();
  }
  ids.last_ms = j.value("last_ms", int64_t{-1});
  ids.counter = j.value("counter", uint32_t{0});
  return ids;
}

}  // namespace

base::Result<Value> ApplyChanges(const Value& base, const std::vector<Change>& changes) {
  Value out = base;
  std::vector<const Change*> removals;
  for (const Change& c : changes) {
    if (c.kind == Change::Kind::kRemoved) {
      removals.push_back(&c);
      continue;
    }
    if (c.path.empty()) {
      out = c.after;
      continue;
    }
    std::string path = c.path;
    if (c.kind == Change::Kind::kAdded) {
      // An element past an array's end is appended (Diff reports a grown tail in index order).
      const size_t slash = path.rfind('/');
      const Value* parent = out.At(std::string_view(path).substr(0, slash));
      if (parent != nullptr && parent->is_array()) path = path.substr(0, slash) + "/-";
    }
    ASSAY_ASSIGN_OR_RETURN(out, out.SetAt(path, c.after));
  }
  for (auto it = removals.rbegin(); it != removals.rend(); ++it) {
    ASSAY_ASSIGN_OR_RETURN(out, out.RemoveAt((*it)->path));
  }
  return out;
}

std::string SnapshotToJson(const SessionSnapshot& snapshot, const World& initial) {
  const std::vector<Change> changes = Diff(initial.AsValue(), snapshot.world.AsValue());
  nlohmann::json ops = nlohmann::json::array();
  for (const Change& c : changes) {
    nlohmann::json op = {{"op", ChangeKindName(c.kind)}, {"path", c.path}};
    if (c.kind != Change::Kind::kRemoved) op["after"] = c.after.ToJson();
    ops.push_back(std::move(op));
  }
  return base::Dump({{"steps", snapshot.steps},
                     {"state_hash", snapshot.world.Hash()},
                     {"ids", IdsToJson(snapshot.ids)},
                     {"changes", std::move(ops)}});
}

base::Result<SessionSnapshot> SnapshotFromJson(std::string_view text, const World& initial) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, base::ParseJson(text));
  if (!j.is_object() || !j.contains("changes") || !j["changes"].is_array() ||
      !j.contains("steps") || !j["steps"].is_number_unsigned()) {
    return Malformed("expected {steps, state_hash, ids, changes}");
  }
  std::vector<Change> changes;
  for (const nlohmann::json& op : j["changes"]) {
    if (!op.is_object() || !op.contains("path") || !op["path"].is_string()) {
      return Malformed("a change needs a path");
    }
    const std::string kind = op.value("op", "");
    Change c{kind == "removed" ? Change::Kind::kRemoved
             : kind == "added" ? Change::Kind::kAdded
                               : Change::Kind::kChanged,
             op["path"].get<std::string>(),
             {},
             op.contains("after") ? Value::FromJson(op["after"]) : Value()};
    changes.push_back(std::move(c));
  }
  ASSAY_ASSIGN_OR_RETURN(Value rebuilt, ApplyChanges(initial.AsValue(), changes));
  ASSAY_ASSIGN_OR_RETURN(World world, World::FromValue(rebuilt));
  if (world.Hash() != j.value("state_hash", "")) {
    return Malformed("the rebuilt world's hash differs from the one the snapshot was taken with");
  }
  ASSAY_ASSIGN_OR_RETURN(base::Uuid7Generator::State ids,
                         IdsFromJson(j.value("ids", nlohmann::json())));
  return SessionSnapshot{j["steps"].get<size_t>(), std::move(world), ids};
}

}  // namespace env

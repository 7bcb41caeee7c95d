// Structural diff of two states: which JSON Pointer paths were added, removed or changed.
// Subtrees shared by both states (same node) are skipped without being read, so diffing a fork
// against its origin costs what the fork changed, not the size of the world.
//
//   std::vector<env::Change> changes = env::Diff(before.AsValue(), after.AsValue());
//   for (const auto& c : changes) std::cout << env::FormatChange(c) << "\n";
//   // ~ /retail/orders/#W1/status: "pending" -> "cancelled"
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "env/value.h"

namespace env {

struct Change {
  enum class Kind { kAdded, kRemoved, kChanged };
  Kind kind;
  std::string path;  // JSON Pointer
  Value before;      // null when added
  Value after;       // null when removed
};

std::string_view ChangeKindName(Change::Kind kind);  // "added" | "removed" | "changed"

// Objects are compared member by member; arrays element by element by index (an array that
// grew or shrank reports the extra tail as added/removed); a kind change (e.g. array -> string)
// is one "changed" at that path. Output is in path order.
std::vector<Change> Diff(const Value& before, const Value& after);

// One line: "+ /a/b: 1", "- /a/c: "x"", "~ /a/d: 1 -> 2" (values abbreviated past max_chars).
std::string FormatChange(const Change& change, size_t max_chars = 120);
// [{"op":"changed","path":…,"before":…,"after":…}, …]
nlohmann::json ChangesToJson(const std::vector<Change>& changes);

// Whether `path` equals `prefix` or lies under it ("/a/b" is under "/a", "/ab" is not).
bool PathWithin(std::string_view path, std::string_view prefix);

}  // namespace env

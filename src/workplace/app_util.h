// Helpers shared by the workplace apps' tools and tasks: argument and record access, times as
// RFC 3339 text, and TaskBuilder, which writes a task's reference actions and its checker in
// one place.
//
//   ASSAY_ASSIGN_OR_RETURN(env::Task t,
//       TaskBuilder("mail-archive", "Archive the newsletter", world)
//           .Do("mail_label", {{"id", "m-010"}, {"remove", {"inbox"}}})
//           .BuildExact(tools));            // hash + exact changes + nothing else changed
//   TaskBuilder("chat-dm", "Tell Dana …", world)
//       .Do("chat_send_dm", {{"user", "u-dwhitfield"}, {"text", "…"}})
//       .ExpectNew("/chat/messages", "a DM to Dana mentioning the report",
//                  [](const env::Value& m) { return …; })
//       .Build();                         // content predicates; new ids are the session's
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/budget.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/value.h"
#include "env/world.h"
#include "workplace/env_names.h"

namespace workplace {

// --- records and arguments --------------------------------------------------------------------

// JSON Pointer from raw tokens (escaped): Ptr({"messages", id, "labels"}) =
// "/messages/<id>/labels".
std::string Ptr(std::initializer_list<std::string_view> tokens);
// Sets a value where the parent is known to exist.
Value Put(const Value& state, const std::string& pointer, Value v);
// A string member of a record, "" when absent or not a string.
const std::string& Field(const Value& record, std::string_view key);
// A string argument, `fallback` when absent.
std::string Arg(const nlohmann::json& args, const char* key, std::string fallback = "");
std::vector<std::string> ArgList(const nlohmann::json& args, const char* key);
Value StringArray(const std::vector<std::string>& items);
std::vector<std::string> Strings(const Value* array);  // [] for null / non-arrays
// Case-insensitive (ASCII) substring test, linear in both lengths however repetitive the text.
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);
// Every word of `query` occurs (case-insensitive) in one of `texts`; an empty query matches.
// A search tool calls it per record: each word's scan of the texts is charged to `budget` (one
// operation per 16 bytes), so a query of many words over big texts stops at the budget.
bool MatchesQuery(std::string_view query, std::initializer_list<std::string_view> texts,
                  env::Budget& budget);
ToolResult OkJson(const nlohmann::json& j);
// 1842500 → "18,425.00", -6412833 → "-64,128.33".
std::string FormatCents(int64_t cents);

// The JSON Schema text of an arguments object with exactly these properties (`properties`: the
// JSON text of the members, `required`: of the names, both without brackets).
std::string ObjectParams(std::string_view properties, std::string_view required);
// Registers a tool whose arguments object has exactly these properties (`properties`: the JSON
// text of the members, `required`: of the names, both without brackets).
base::Status AddTool(ToolRegistry& registry, std::string_view app, std::string name,
                     std::string description, std::string_view properties,
                     std::string_view required, bool read_only, ToolHandler handler);

// --- time ---------------------------------------------------------------------------------------

// "2026-01-07T15:00:00Z" or "2026-01-07T15:00Z" → seconds since the epoch (UTC only).
std::optional<int64_t> ParseTime(std::string_view text);
std::string FormatTime(int64_t seconds);  // "2026-01-07T15:00:00Z"
std::string NowText(const ToolContext& ctx);
inline constexpr char kTimeFormatHint[] = "use UTC RFC 3339 like 2026-01-07T15:00:00Z";

// --- tasks ---------------------------------------------------------------------------------------

class TaskBuilder {
 public:
  TaskBuilder(std::string id, std::string instruction, const World& initial);

  // A reference action.
  TaskBuilder& Do(std::string tool, const nlohmann::json& args);
  TaskBuilder& Expect(Predicate predicate);
  // Something under `path` must change; what changes there is not collateral damage.
  TaskBuilder& Changes(std::string path);
  // A record added under `collection` (a new id) that `match` accepts must exist; other new
  // records there are allowed too.
  TaskBuilder& ExpectNew(std::string collection, std::string description,
                         std::function<bool(const Value& record)> match);

  // Predicates + required changes + a predicate that nothing else changed (records created
  // under an ExpectNew collection excepted). For tasks whose tools make ids or timestamps.
  Task Build() const;
  // Predicates + the checker replaying the reference implies (state hash, every change with its
  // value, nothing else changed). For tasks whose outcome is exact.
  Task BuildExact(const ToolRegistry& tools) const;

 private:
  Task task_;
  std::vector<std::string> changes_;
  std::vector<std::string> new_collections_;
};

// Record predicates for ExpectNew.
bool HasString(const Value& record, std::string_view key, std::string_view value);
bool TextHas(const Value& record, std::string_view key,
             std::initializer_list<std::string_view> words);
bool ListHas(const Value& record, std::string_view key, std::string_view value);

}  // namespace workplace

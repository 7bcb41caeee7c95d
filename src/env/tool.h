// Tools: what an agent (over HTTP/MCP) or a human (in the browser) can do to a world.
//
// A Tool is a name, a description, a JSON Schema for its parameters, a read-only flag and a
// handler. The registry validates arguments against the schema before the handler runs, so a
// handler sees only well-typed arguments. A handler's failure is a ToolResult with is_error set
// (it becomes an MCP `isError` result or an OpenAI tool message), never an exception or a crash:
// the session also turns a stray exception from a handler into an error result.
//
// Handlers read and write app state through ToolContext. State is immutable (env::Value), so a
// handler builds the new state and commits it with SetState; what it commits stays committed
// even if it then returns an error (this is what reference implementations such as tau2's do).
// Well-behaved handlers validate first and commit last.
//
//   env::ToolRegistry tools;
//   ASSAY_TRY(tools.Register({
//       .name = "mail_mark_read",
//       .description = "Mark a message as read.",
//       .parameters = R"({"type":"object","properties":{"id":{"type":"string"}},
//                         "required":["id"],"additionalProperties":false})",
//       .read_only = false,
//       .app = "mail",
//       .handler = [](env::ToolContext& ctx, const nlohmann::json& args) -> env::ToolResult {
//         const env::Value& mail = ctx.State("mail");
//         std::string path = env::AppendPointer("/messages", args["id"].get<std::string>());
//         if (mail.At(path) == nullptr) return env::ToolResult::Error("message not found");
//         ASSAY_ASSIGN_OR_RETURN_TOOL(env::Value next, mail.SetAt(path + "/read",
//                                                                 env::Value::Bool(true)));
//         ctx.SetState("mail", std::move(next));
//         return env::ToolResult::Ok("ok");
//       }}));
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "env/budget.h"
#include "env/schema.h"
#include "env/value.h"
#include "env/world.h"

namespace env {

enum class Actor { kAgent, kHuman };
std::string_view ActorName(Actor actor);  // "agent" | "human"
base::Result<Actor> ParseActor(std::string_view name);

struct ToolResult {
  std::string content;  // text for the model / the UI; JSON text for structured results
  bool is_error = false;

  static ToolResult Ok(std::string content) { return {std::move(content), false}; }
  static ToolResult Error(std::string message) { return {std::move(message), true}; }
};

// What a handler may touch while it runs: the world being worked on, the injected clock, a
// seeded id generator, who is calling and the call's compute budget.
class ToolContext {
 public:
  ToolContext(World& world, const base::Clock& clock, base::Uuid7Generator& ids, Actor actor,
              Budget& budget)
      : world_(world), clock_(clock), ids_(ids), actor_(actor), budget_(budget) {}

  const Value& State(std::string_view app) const { return world_.Get(app); }
  void SetState(std::string app, Value state) { world_.Set(std::move(app), std::move(state)); }
  const World& world() const { return world_; }
  int64_t NowMicros() const { return clock_.NowMicros(); }
  // A UUIDv7 from the session's seeded generator: the same seed and clock give the same ids.
  std::string NewId() { return ids_.Next(); }
  Actor actor() const { return actor_; }
  // What this call may still spend (env/budget.h). Work that grows with the input or the state
  // in a way a caller can multiply is charged here; past the budget the call is refused and
  // nothing it committed stays.
  Budget& budget() { return budget_; }

 private:
  World& world_;
  const base::Clock& clock_;
  base::Uuid7Generator& ids_;
  Actor actor_;
  Budget& budget_;
};

using ToolHandler = std::function<ToolResult(ToolContext& ctx, const nlohmann::json& args)>;

struct Tool {
  std::string name;         // unique in a registry; [a-zA-Z0-9_-]{1,64} (OpenAI and MCP rules)
  std::string description;  // shown to the model
  std::string parameters;   // JSON Schema text of the arguments object
  bool read_only = false;   // true: never changes state (MCP readOnlyHint; replays may skip it)
  std::string app;          // the app it belongs to ("mail", "retail"); informational
  ToolHandler handler;
};

// A tool after registration: its schema compiled.
struct RegisteredTool {
  Tool tool;
  Schema schema;
};

class ToolRegistry {
 public:
  // Fails on a duplicate or malformed name, a missing handler or an invalid schema.
  base::Status Register(Tool tool);

  const RegisteredTool* Find(std::string_view name) const;
  // Sorted by name.
  std::vector<const RegisteredTool*> List() const;
  size_t size() const { return tools_.size(); }

  // OK, or an error an agent can act on: unknown tool (with the available names), or the first
  // schema violation in the arguments.
  base::Status ValidateCall(std::string_view name, const nlohmann::json& args) const;

  // [{"type":"function","function":{"name","description","parameters"}}, …] for
  // chat-completions requests.
  nlohmann::json OpenAiTools() const;
  // [{"name","description","inputSchema","annotations":{"readOnlyHint"}}, …] for MCP tools/list.
  nlohmann::json McpTools() const;

 private:
  std::map<std::string, std::unique_ptr<RegisteredTool>, std::less<>> tools_;
};

}  // namespace env

// Inside a tool handler: declares `lhs` from a Result or returns its error as an error result.
#define ASSAY_ASSIGN_OR_RETURN_TOOL(lhs, expr) \
  ASSAY_ASSIGN_OR_RETURN_TOOL_IMPL(ASSAY_CONCAT(assay_tool_r_, __LINE__), lhs, expr)
#define ASSAY_ASSIGN_OR_RETURN_TOOL_IMPL(tmp, lhs, expr)            \
  auto tmp = (expr);                                                \
  if (!tmp) return ::env::ToolResult::Error(tmp.error().message()); \
  lhs = std::move(tmp).value()

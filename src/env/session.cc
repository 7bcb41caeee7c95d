#include "env/session.h"

#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>

#include "base/json.h"

namespace env {

Session::Session(const ToolRegistry& tools, World initial, const base::Clock& clock, uint64_t seed)
    : tools_(tools),
      clock_(clock),
      seed_(seed),
      ids_(std::make_unique<base::Uuid7Generator>(clock, seed)),
      initial_(initial),
      world_(std::move(initial)) {}

ToolResult Session::Call(std::string_view name, const nlohmann::json& args, Actor actor) {
  const int64_t started_at_us = clock_.NowMicros();
  const RegisteredTool* tool = tools_.Find(name);
  base::Status valid = tools_.ValidateCall(name, args);
  if (!valid) {
    ToolResult result = ToolResult::Error(valid.error().message());
    Record(actor, name, args.is_discarded() ? "" : args.dump(), result, started_at_us, false);
    return result;
  }
  World snapshot = world_;  // O(apps): pointers only; compared by node identity after the call
  ToolResult result = Execute(*tool, args, actor);
  bool changed = false;
  if (!tool->tool.read_only) {
    for (const std::string& app : world_.Apps()) {
      if (!snapshot.Get(app).SameNode(world_.Get(app))) changed = true;
    }
    changed = changed || snapshot.Apps().size() != world_.Apps().size();
  }
  Record(actor, name, args.dump(), result, started_at_us, changed);
  return result;
}

ToolResult Session::CallJson(std::string_view name, std::string_view args_json, Actor actor) {
  auto parsed = base::ParseJson(args_json.empty() ? std::string_view("{}") : args_json);
  if (!parsed) {
    ToolResult result =
        ToolResult::Error("arguments are not valid JSON: " + parsed.error().message());
    Record(actor, name, std::string(args_json), result, clock_.NowMicros(), false);
    return result;
  }
  return Call(name, *parsed, actor);
}

ToolResult Session::Execute(const RegisteredTool& tool, const nlohmann::json& args, Actor actor) {
  ToolContext ctx(world_, clock_, *ids_, actor);
  try {
    return tool.tool.handler(ctx, args);
  } catch (const std::exception& e) {
    // A handler bug must not take the session down; the agent sees an error result.
    return ToolResult::Error(std::string("internal error in tool '") + tool.tool.name +
                             "': " + e.what());
  }
}

void Session::Record(Actor actor, std::string_view name, std::string args_json,
                     const ToolResult& result, int64_t started_at_us, bool changed) {
  if (!recording_) return;
  char call_id[32];
  std::snprintf(call_id, sizeof call_id, "call_%04zu", trajectory_.size() + 1);
  trajectory_.Add(Step{call_id, actor, std::string(name), std::move(args_json), result,
                       started_at_us, clock_.NowMicros(), changed});
}

Session Session::Fork() const {
  // splitmix-style mix so the fork's ids differ from the parent's future ids.
  uint64_t z = seed_ + 0x9E3779B97F4A7C15ull * (trajectory_.size() + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  Session fork(tools_, initial_, clock_, z ^ (z >> 31));
  fork.world_ = world_;
  fork.trajectory_ = trajectory_;
  fork.recording_ = recording_;
  return fork;
}

Session Replay(const ToolRegistry& tools, const World& initial, const std::vector<Action>& actions,
               const base::Clock& clock, uint64_t seed, bool record) {
  Session session(tools, initial, clock, seed);
  session.set_recording(record);
  for (const Action& action : actions) session.Run(action);
  return session;
}

}  // namespace env

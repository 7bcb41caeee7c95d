#include "env/session.h"

#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>

#include "base/json.h"

namespace env {
namespace {

ToolResult OrErrorResult(base::Result<ToolResult> r) {
  return r ? std::move(*r) : ToolResult::Error(r.error().message());
}

// 1234567 -> "1,234,567": limits in messages read at a glance.
std::string Grouped(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

ToolResult OverBudget(const Budget& budget, std::string_view tool) {
  return ToolResult::Error("refused: " + std::string(tool) + " needed more than the " +
                           Grouped(static_cast<uint64_t>(budget.limit_ops())) +
                           " operations one call may spend (" + std::string(budget.exhausted_by()) +
                           "); nothing was changed. Ask for less in one call: smaller ranges, "
                           "fewer cells or formulas, a shorter period.");
}

}  // namespace

Session::Session(const ToolRegistry& tools, World initial, const base::Clock& clock, uint64_t seed,
                 SessionLimits limits)
    : tools_(tools),
      clock_(clock),
      step_clock_(&clock),
      seed_(seed),
      limits_(limits),
      ids_(std::make_unique<base::Uuid7Generator>(clock, seed)),
      initial_(initial),
      world_(std::move(initial)) {}

base::Status Session::Admit(size_t arguments_bytes) const {
  if (arguments_bytes > limits_.max_arguments_bytes) {
    return base::Error(base::ErrorCode::kPayloadTooLarge, "the call's arguments are " +
                                                              Grouped(arguments_bytes) +
                                                              " bytes; one call takes at most " +
                                                              Grouped(limits_.max_arguments_bytes) +
                                                              ": split the work into smaller calls")
        .Detail("arguments_bytes", std::to_string(arguments_bytes))
        .Detail("limit", std::to_string(limits_.max_arguments_bytes));
  }
  const size_t held = trajectory_.bytes();
  if (held + arguments_bytes > limits_.max_trajectory_bytes) {
    return base::Error(base::ErrorCode::kResourceExhausted,
                       "this session's trajectory holds " + Grouped(held) +
                           " bytes of calls and results; with this call it would pass its cap of " +
                           Grouped(limits_.max_trajectory_bytes) +
                           ", so the session takes no more calls. Save its trajectory if you "
                           "need it and start a new session (a fork carries the same trajectory, "
                           "so it is as full)")
        .Detail("trajectory_bytes", std::to_string(held))
        .Detail("arguments_bytes", std::to_string(arguments_bytes))
        .Detail("limit", std::to_string(limits_.max_trajectory_bytes));
  }
  return base::Ok();
}

base::Result<ToolResult> Session::TryCall(std::string_view name, const nlohmann::json& args,
                                          Actor actor) {
  std::string args_json = args.is_discarded() ? "" : base::Dump(args);
  ASSAY_TRY(Admit(args_json.size()));
  const int64_t started_at_us = step_clock_->NowMicros();
  const RegisteredTool* tool = tools_.Find(name);
  base::Status valid = tools_.ValidateCall(name, args);
  if (!valid) {
    ToolResult result = ToolResult::Error(valid.error().message());
    Record(actor, name, std::move(args_json), result, started_at_us, false);
    return result;
  }
  const World snapshot = world_;  // O(apps): pointers only; compared by identity after the call
  ToolResult result = Execute(*tool, args, actor, snapshot);
  bool changed = false;
  if (!tool->tool.read_only) {
    for (const std::string& app : world_.Apps()) {
      if (!snapshot.Get(app).SameNode(world_.Get(app))) changed = true;
    }
    changed = changed || snapshot.Apps().size() != world_.Apps().size();
  }
  Record(actor, name, std::move(args_json), result, started_at_us, changed);
  return result;
}

base::Result<ToolResult> Session::TryCallJson(std::string_view name, std::string_view args_json,
                                              Actor actor) {
  ASSAY_TRY(Admit(args_json.size()));  // before parsing it
  auto parsed = base::ParseJson(args_json.empty() ? std::string_view("{}") : args_json);
  if (!parsed) {
    ToolResult result =
        ToolResult::Error("arguments are not valid JSON: " + parsed.error().message());
    Record(actor, name, std::string(args_json), result, step_clock_->NowMicros(), false);
    return result;
  }
  return TryCall(name, *parsed, actor);
}

ToolResult Session::Call(std::string_view name, const nlohmann::json& args, Actor actor) {
  return OrErrorResult(TryCall(name, args, actor));
}

ToolResult Session::CallJson(std::string_view name, std::string_view args_json, Actor actor) {
  return OrErrorResult(TryCallJson(name, args_json, actor));
}

ToolResult Session::Execute(const RegisteredTool& tool, const nlohmann::json& args, Actor actor,
                            const World& before) {
  Budget budget(limits_.call_budget_ops);
  ToolContext ctx(world_, clock_, *ids_, actor, budget);
  ToolResult result;
  try {
    result = tool.tool.handler(ctx, args);
  } catch (const std::exception& e) {
    // A handler bug must not take the session down; the agent sees an error result.
    result = ToolResult::Error(std::string("internal error in tool '") + tool.tool.name +
                               "': " + e.what());
  }
  if (budget.exhausted()) {
    world_ = before;  // a call refused for its cost leaves no partial write behind
    return OverBudget(budget, tool.tool.name);
  }
  const size_t world_bytes = world_.TextBytes();
  if (world_bytes > limits_.max_world_bytes && world_bytes > before.TextBytes()) {
    world_ = before;
    return ToolResult::Error("refused: after " + std::string(tool.tool.name) +
                             " the world would hold about " + Grouped(world_bytes) +
                             " bytes, past the " + Grouped(limits_.max_world_bytes) +
                             " a session's world may hold; nothing was changed. Delete what is no "
                             "longer needed, or start a new session.");
  }
  return result;
}

void Session::Record(Actor actor, std::string_view name, std::string args_json,
                     const ToolResult& result, int64_t started_at_us, bool changed) {
  if (!recording_) return;
  char call_id[32];
  std::snprintf(call_id, sizeof call_id, "call_%04zu", trajectory_.size() + 1);
  trajectory_.Add(Step{call_id, actor, std::string(name), std::move(args_json), result,
                       started_at_us, step_clock_->NowMicros(), changed});
}

SessionSnapshot Session::Snapshot() const {
  return SessionSnapshot{trajectory_.size(), world_, ids_->Save()};
}

void Session::RestoreFrom(const SessionSnapshot& snapshot, Trajectory steps) {
  world_ = snapshot.world;
  ids_->Restore(snapshot.ids);
  trajectory_ = std::move(steps);
}

bool Session::ApplyRecorded(const Step& step) {
  const bool was_recording = recording_;
  recording_ = false;
  ToolResult replayed = CallJson(step.name, step.arguments_json, step.actor);
  recording_ = was_recording;
  trajectory_.Add(step);
  return replayed.is_error == step.result.is_error && replayed.content == step.result.content;
}

Session Session::Fork() const {
  // splitmix-style mix so the fork's ids differ from the parent's future ids.
  uint64_t z = seed_ + 0x9E3779B97F4A7C15ull * (trajectory_.size() + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  Session fork(tools_, initial_, clock_, z ^ (z >> 31), limits_);
  fork.step_clock_ = step_clock_;
  fork.world_ = world_;
  fork.trajectory_ = trajectory_;  // shares the steps
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

// env::Session — a world being worked on, by a human or an agent, through a tool registry.
// Every call is validated, executed and recorded in the trajectory; failures are results.
// Deterministic: time comes from the injected Clock and ids from a generator seeded per session,
// so replaying the same actions on the same initial world gives the same state hash.
//
// Bounded (SessionLimits): a call's arguments, the bytes its trajectory may hold, the size of its
// world and the compute one call may spend. A call over the first two is refused before it runs
// and is not recorded (TryCall says which limit as an error; Call as an error result); a call
// that runs out of compute or would grow the world past its cap is recorded as an error result
// with nothing it wrote kept.
//
//   base::FakeClock clock;
//   env::Session s(registry, task.initial, clock, /*seed=*/1);
//   env::ToolResult r = s.CallJson("get_order_details", R"({"order_id":"#W2378156"})");
//   if (r.is_error) …;                      // r.content says why
//   env::Session what_if = s.Fork();          // shares state and steps; diverges on write
//   std::string h = s.world().Hash();
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "env/snapshot.h"
#include "env/tool.h"
#include "env/trajectory.h"
#include "env/world.h"

namespace env {

// What one session may hold and spend. The defaults are far above what any real task needs
// (src/env/README.md, "Limits"); a front end may set its own (`assay serve --env-…`).
struct SessionLimits {
  // One call's arguments as compact JSON text. The longest input a workplace tool takes, a
  // file's content, is 100,000 bytes (twice that as JSON if every byte were a quote or a
  // newline); the reference calls of every task are under 500 bytes.
  size_t max_arguments_bytes = 512 * 1024;
  // Every recorded step's call id, name, arguments and result (StepBytes). A call is admitted
  // while the trajectory's bytes plus its arguments stay within this; its result is kept whole.
  // The biggest reference trajectory (tau2 task 23) is 16 KB.
  size_t max_trajectory_bytes = 8 * 1024 * 1024;
  // The world's size (World::TextBytes, about its JSON text). A call that would grow the world
  // past it is refused with nothing kept; one that shrinks it runs. The tau2 retail db is
  // 1.5 MB, the workplace world 63 KB. Tools can copy what is already there (a forward quotes
  // its message), so this, not the trajectory cap, is what bounds a world built by small calls.
  size_t max_world_bytes = 16 * 1024 * 1024;
  // Operations one call may spend (env::Budget): at most ~0.25 s of the sheet evaluator's cell
  // reads. The busiest reference call spends 1,217; recalculating a 6,000-formula chain, 30,000.
  int64_t call_budget_ops = 2'000'000;
};

class Session {
 public:
  // `tools` and `clock` must outlive the session (and its forks).
  Session(const ToolRegistry& tools, World initial, const base::Clock& clock, uint64_t seed,
          SessionLimits limits = {});

  // Validates the arguments against the tool's schema, runs the handler, records the step. A
  // call over the session's limits is refused without running or being recorded:
  // kPayloadTooLarge for arguments over max_arguments_bytes, kResourceExhausted when the
  // trajectory has no room for it (the message says what to do).
  base::Result<ToolResult> TryCall(std::string_view name, const nlohmann::json& args,
                                   Actor actor = Actor::kAgent);
  // Same, with the arguments as JSON text (malformed JSON is an error result).
  base::Result<ToolResult> TryCallJson(std::string_view name, std::string_view args_json,
                                       Actor actor = Actor::kAgent);
  // TryCall / TryCallJson with a refusal as an error result (for replays and MCP tool results).
  ToolResult Call(std::string_view name, const nlohmann::json& args, Actor actor = Actor::kAgent);
  ToolResult CallJson(std::string_view name, std::string_view args_json,
                      Actor actor = Actor::kAgent);
  ToolResult Run(const Action& action) {
    return CallJson(action.name, action.arguments_json, action.actor);
  }

  // Whether to record steps (default on). Off for bulk replays that only need the final state.
  void set_recording(bool on) { recording_ = on; }
  // The clock steps are timed by (default: the tools' clock). A store whose tools read a fixed
  // clock, so that hashes replay, still times each step by the wall clock.
  void set_step_clock(const base::Clock& clock) { step_clock_ = &clock; }

  // The world and id generator as they stand, after trajectory().size() calls.
  SessionSnapshot Snapshot() const;
  // Puts the session where `snapshot` was taken; `steps` are the calls made before it (kept as
  // the trajectory, not run). For a session rebuilt from its log.
  void RestoreFrom(const SessionSnapshot& snapshot, Trajectory steps);
  // Runs a call recorded elsewhere (the log of a persisted session, or another server's call)
  // and keeps `step` as it was recorded, times and all. False when the call now answers
  // differently from what was recorded (the tools changed): the state is the one it now gives.
  bool ApplyRecorded(const Step& step);

  const World& world() const { return world_; }
  const World& initial() const { return initial_; }
  const Trajectory& trajectory() const { return trajectory_; }
  const ToolRegistry& tools() const { return tools_; }
  const SessionLimits& limits() const { return limits_; }

  // A copy that shares all state (O(apps)) and every step (O(steps) pointers, no step text); its
  // trajectory continues from this one's, bytes and limits included, and its id generator is
  // re-seeded from (seed, steps so far) so both stay deterministic.
  Session Fork() const;

 private:
  // OK, or why a call with arguments of this size may not run.
  base::Status Admit(size_t arguments_bytes) const;
  // Runs the handler on a budget; past it, or with the world grown past its cap, puts `before`
  // back and answers why.
  ToolResult Execute(const RegisteredTool& tool, const nlohmann::json& args, Actor actor,
                     const World& before);
  void Record(Actor actor, std::string_view name, std::string args_json, const ToolResult& result,
              int64_t started_at_us, bool changed);

  const ToolRegistry& tools_;
  const base::Clock& clock_;
  const base::Clock* step_clock_;
  uint64_t seed_;
  SessionLimits limits_;
  std::unique_ptr<base::Uuid7Generator> ids_;  // unique_ptr: the generator holds a mutex
  World initial_;
  World world_;
  Trajectory trajectory_;
  bool recording_ = true;
};

// Runs `actions` on a fresh session over `initial`; returns the final session.
Session Replay(const ToolRegistry& tools, const World& initial, const std::vector<Action>& actions,
               const base::Clock& clock, uint64_t seed, bool record = true);

}  // namespace env

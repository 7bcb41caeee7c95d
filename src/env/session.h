// env::Session — a world being worked on, by a human or an agent, through a tool registry.
// Every call is validated, executed and recorded in the trajectory; failures are results.
// Deterministic: time comes from the injected Clock and ids from a generator seeded per session,
// so replaying the same actions on the same initial world gives the same state hash.
//
//   base::FakeClock clock;
//   env::Session s(registry, task.initial, clock, /*seed=*/1);
//   env::ToolResult r = s.CallJson("get_order_details", R"({"order_id":"#W2378156"})");
//   if (r.is_error) …;                      // r.content says why
//   env::Session what_if = s.Fork();          // shares state; diverges on write
//   std::string h = s.world().Hash();
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/uuid7.h"
#include "env/tool.h"
#include "env/trajectory.h"
#include "env/world.h"

namespace env {

class Session {
 public:
  // `tools` and `clock` must outlive the session (and its forks).
  Session(const ToolRegistry& tools, World initial, const base::Clock& clock, uint64_t seed);

  // Validates the arguments against the tool's schema, runs the handler, records the step.
  ToolResult Call(std::string_view name, const nlohmann::json& args, Actor actor = Actor::kAgent);
  // Same, with the arguments as JSON text (malformed JSON is an error result).
  ToolResult CallJson(std::string_view name, std::string_view args_json,
                      Actor actor = Actor::kAgent);
  ToolResult Run(const Action& action) {
    return CallJson(action.name, action.arguments_json, action.actor);
  }

  // Whether to record steps (default on). Off for bulk replays that only need the final state.
  void set_recording(bool on) { recording_ = on; }

  const World& world() const { return world_; }
  const World& initial() const { return initial_; }
  const Trajectory& trajectory() const { return trajectory_; }
  const ToolRegistry& tools() const { return tools_; }

  // A copy that shares all state (O(apps)); its trajectory continues from this one's, and its
  // id generator is re-seeded from (seed, steps so far) so both stay deterministic.
  Session Fork() const;

 private:
  ToolResult Execute(const RegisteredTool& tool, const nlohmann::json& args, Actor actor);
  void Record(Actor actor, std::string_view name, std::string args_json, const ToolResult& result,
              int64_t started_at_us, bool changed);

  const ToolRegistry& tools_;
  const base::Clock& clock_;
  uint64_t seed_;
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

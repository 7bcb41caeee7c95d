// A trajectory: every tool call made in a session and its result, with time and actor.
// Exports to OpenAI chat messages (an assistant message with `tool_calls`, then a `tool`
// message per call) so a trajectory is fine-tuning data as it stands, and reads back from
// that form or from JSONL actions ({"name": …, "arguments": {…}} per line) for replay.
//
//   nlohmann::json messages = session.trajectory().ToOpenAiMessages();
//   ASSAY_ASSIGN_OR_RETURN(std::vector<env::Action> actions, env::ParseActionsJsonl(text));
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/tool.h"

namespace env {

// A call to make: tool name and arguments as JSON text (an object).
struct Action {
  std::string name;
  std::string arguments_json = "{}";
  Actor actor = Actor::kAgent;
};

struct Step {
  std::string call_id;  // "call_0001", … (deterministic)
  Actor actor = Actor::kAgent;
  std::string name;
  std::string arguments_json;  // compact JSON text as received
  ToolResult result;
  int64_t started_at_us = 0;
  int64_t finished_at_us = 0;
  bool changed_state = false;
};

// What a step weighs in a trajectory's byte count: its call id, tool name, arguments and result
// text (the parts that grow with what the caller sends and what the tools answer).
size_t StepBytes(const Step& step);

// The steps of a trajectory, oldest first. Each is held by a shared pointer, so a copy (a forked
// session's trajectory) shares every step with the original and copies no step text.
class StepList {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Step;
    using difference_type = std::ptrdiff_t;
    using pointer = const Step*;
    using reference = const Step&;
    iterator() = default;
    explicit iterator(std::vector<std::shared_ptr<const Step>>::const_iterator it) : it_(it) {}
    const Step& operator*() const { return **it_; }
    const Step* operator->() const { return it_->get(); }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    iterator operator++(int) { return iterator(it_++); }
    bool operator==(const iterator& o) const { return it_ == o.it_; }

   private:
    std::vector<std::shared_ptr<const Step>>::const_iterator it_;
  };

  iterator begin() const { return iterator(steps_.begin()); }
  iterator end() const { return iterator(steps_.end()); }
  size_t size() const { return steps_.size(); }
  bool empty() const { return steps_.empty(); }
  const Step& operator[](size_t i) const { return *steps_[i]; }
  const Step& back() const { return *steps_.back(); }

 private:
  friend class Trajectory;
  std::vector<std::shared_ptr<const Step>> steps_;
};

class Trajectory {
 public:
  void Add(Step step);
  const StepList& steps() const { return steps_; }
  size_t size() const { return steps_.size(); }
  // StepBytes summed over every step (a fork's trajectory starts with its origin's bytes).
  size_t bytes() const { return bytes_; }

  // OpenAI chat messages: per step {"role":"assistant","content":null,"tool_calls":[{"id",
  // "type":"function","function":{"name","arguments"}}]} then {"role":"tool","tool_call_id",
  // "content"}. Human steps are included the same way (they demonstrate the task).
  nlohmann::json ToOpenAiMessages() const;
  // Everything, including actor, times and is_error: {"steps":[…]}.
  nlohmann::json ToJson() const;
  // Reads ToJson()'s form back (to persist a session: keep the initial world and this, then
  // Replay(tools, initial, trajectory.Actions(), …) rebuilds the same state).
  static base::Result<Trajectory> FromJson(const nlohmann::json& j);
  // The calls, for replay.
  std::vector<Action> Actions() const;

 private:
  StepList steps_;
  size_t bytes_ = 0;
};

// Parses actions from JSONL: each non-empty line {"name", "arguments"(object or JSON string),
// optional "actor"}; also accepts OpenAI tool_calls entries {"function":{"name","arguments"}}.
base::Result<std::vector<Action>> ParseActionsJsonl(std::string_view text);
// Actions from OpenAI chat messages (assistant tool_calls, in order).
base::Result<std::vector<Action>> ActionsFromOpenAiMessages(const nlohmann::json& messages);

}  // namespace env

// Session limits (issue 11, defects 5 and 11): the argument cap per call, the trajectory cap per
// session (forks inherit its bytes and share its steps), and the compute budget per call — each
// at its bound: just under passes, just over is refused.
#include "env/session.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "env/budget.h"

namespace env {
namespace {

// One app, "log": `note` appends a text and, when asked, spends `ops` of the call's budget
// after writing (so a refusal must undo a write already made); `count` reads.
ToolRegistry LogTools() {
  ToolRegistry tools;
  EXPECT_TRUE(tools.Register(
      Tool{"note", "Append a note; spend `ops` compute after writing it.",
           R"({"type":"object","properties":{"text":{"type":"string"},"ops":{"type":"integer"}},
          "required":["text"],"additionalProperties":false})",
           false, "log", [](ToolContext& ctx, const nlohmann::json& args) -> ToolResult {
             ctx.SetState(
                 "log", ctx.State("log").Appended(Value::String(args["text"].get<std::string>())));
             if (!ctx.budget().Spend(args.value("ops", int64_t{0}), "test work")) {
               return ToolResult::Error("stopped");
             }
             return ToolResult::Ok("ok");
           }}));
  EXPECT_TRUE(tools.Register(Tool{"count", "How many notes.", "{}", true, "log",
                                  [](ToolContext& ctx, const nlohmann::json&) {
                                    return ToolResult::Ok(std::to_string(ctx.State("log").size()));
                                  }}));
  return tools;
}

World LogWorld() {
  World w;
  w.Set("log", Value::Array({}));
  return w;
}

// {"text":"xx…x"} of exactly `bytes` bytes of compact JSON.
std::string NoteArgs(size_t bytes) { return R"({"text":")" + std::string(bytes - 11, 'x') + "\"}"; }

TEST(Budget, ChargesUntilTheLimitThenRefusesEverything) {
  Budget budget(10);
  EXPECT_TRUE(budget.Spend(4, "a"));
  EXPECT_TRUE(budget.Spend(6, "b"));  // exactly the limit
  EXPECT_FALSE(budget.exhausted());
  EXPECT_FALSE(budget.Spend(1, "c"));
  EXPECT_TRUE(budget.exhausted());
  EXPECT_EQ(budget.exhausted_by(), "c");
  EXPECT_FALSE(budget.Spend(0, "d"));  // stays spent
  EXPECT_EQ(budget.exhausted_by(), "c");
  Budget huge(5);
  EXPECT_FALSE(huge.Spend(std::numeric_limits<int64_t>::max(), "overflow"));  // no wrap-around
}

TEST(SessionLimitsTest, ArgumentsAtTheCapRunAndOneByteMoreIsRefusedUnrecorded) {
  ToolRegistry tools = LogTools();
  base::FakeClock clock;
  Session s(tools, LogWorld(), clock, 1, {.max_arguments_bytes = 100});
  ASSERT_EQ(NoteArgs(100).size(), 100u);
  auto at_cap = s.TryCallJson("note", NoteArgs(100));
  ASSERT_TRUE(at_cap) << at_cap.error().ToString();
  EXPECT_FALSE(at_cap->is_error) << at_cap->content;
  // The same cap for arguments given as text and as parsed JSON.
  for (bool as_text : {true, false}) {
    auto over = as_text ? s.TryCallJson("note", NoteArgs(101))
                        : s.TryCall("note", nlohmann::json::parse(NoteArgs(101)));
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code(), base::ErrorCode::kPayloadTooLarge);
    EXPECT_NE(over.error().message().find("arguments are 101 bytes; one call takes at most 100"),
              std::string::npos)
        << over.error().message();
  }
  EXPECT_EQ(s.trajectory().size(), 1u);  // refusals are not steps
  EXPECT_EQ(s.world().Get("log").size(), 1u);
  // Call turns the refusal into an error result (replays, MCP tool results).
  ToolResult r = s.CallJson("note", NoteArgs(101));
  EXPECT_TRUE(r.is_error);
  EXPECT_NE(r.content.find("one call takes at most 100"), std::string::npos) << r.content;
  EXPECT_EQ(s.trajectory().size(), 1u);
}

TEST(SessionLimitsTest, AFullTrajectoryRefusesCallsAndItsForksAreJustAsFull) {
  ToolRegistry tools = LogTools();
  base::FakeClock clock;
  // One step: "call_0001" (9) + "note" (4) + 50 bytes of arguments + "ok" (2) = 65 bytes.
  Session s(tools, LogWorld(), clock, 1, {.max_trajectory_bytes = 65 + 50});
  ASSERT_FALSE(s.Call("note", nlohmann::json::parse(NoteArgs(50))).is_error);
  ASSERT_EQ(s.trajectory().bytes(), 65u);
  // 65 held + 51 of arguments would pass 115: refused; 50 fits exactly.
  auto over = s.TryCallJson("note", NoteArgs(51));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), base::ErrorCode::kResourceExhausted);
  EXPECT_NE(over.error().message().find("start a new session"), std::string::npos)
      << over.error().message();
  ASSERT_TRUE(s.TryCallJson("note", NoteArgs(50)));
  EXPECT_EQ(s.trajectory().bytes(), 130u);  // the call that fits is kept whole, result included
  // Past the cap no call runs, not even a read; a fork carries the same bytes.
  EXPECT_EQ(s.TryCallJson("count", "{}").error().code(), base::ErrorCode::kResourceExhausted);
  Session fork = s.Fork();
  EXPECT_EQ(fork.trajectory().bytes(), 130u);
  EXPECT_EQ(fork.TryCallJson("count", "{}").error().code(), base::ErrorCode::kResourceExhausted);
  EXPECT_EQ(s.trajectory().size(), 2u);
}

TEST(SessionLimitsTest, ForksShareTheirCommonStepsInsteadOfCopyingThem) {
  ToolRegistry tools = LogTools();
  base::FakeClock clock;
  Session s(tools, LogWorld(), clock, 1);
  for (int i = 0; i < 3; ++i) s.CallJson("note", NoteArgs(1000));
  Session fork = s.Fork();
  Session fork_of_fork = fork.Fork();
  fork.CallJson("note", NoteArgs(20));
  ASSERT_EQ(fork.trajectory().size(), 4u);
  ASSERT_EQ(s.trajectory().size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    // The very same step objects: a fork copies no step text.
    EXPECT_EQ(&fork.trajectory().steps()[i], &s.trajectory().steps()[i]);
    EXPECT_EQ(&fork_of_fork.trajectory().steps()[i], &s.trajectory().steps()[i]);
  }
  EXPECT_EQ(fork.trajectory().bytes(),
            s.trajectory().bytes() + StepBytes(fork.trajectory().steps().back()));
}

TEST(SessionLimitsTest, ACallWithinItsBudgetCommitsAndOneOpMoreChangesNothing) {
  ToolRegistry tools = LogTools();
  base::FakeClock clock;
  Session s(tools, LogWorld(), clock, 1, {.call_budget_ops = 1000});
  ToolResult within = s.CallJson("note", R"({"text":"a","ops":1000})");
  EXPECT_FALSE(within.is_error) << within.content;
  EXPECT_EQ(s.world().Get("log").size(), 1u);
  const std::string hash = s.world().Hash();
  ToolResult over = s.CallJson("note", R"({"text":"b","ops":1001})");
  EXPECT_TRUE(over.is_error);
  EXPECT_EQ(over.content,
            "refused: note needed more than the 1,000 operations one call may spend (test work); "
            "nothing was changed. Ask for less in one call: smaller ranges, fewer cells or "
            "formulas, a shorter period.");
  EXPECT_EQ(s.world().Hash(), hash);  // the note it wrote before running out is gone
  ASSERT_EQ(s.trajectory().size(), 2u);
  EXPECT_FALSE(s.trajectory().steps().back().changed_state);
  // The budget is per call: the session goes on.
  EXPECT_FALSE(s.CallJson("note", R"({"text":"c","ops":1000})").is_error);
  EXPECT_EQ(s.world().Get("log").size(), 2u);
}

TEST(SessionLimitsTest, ACallThatWouldGrowTheWorldPastItsCapChangesNothing) {
  ToolRegistry tools = LogTools();
  base::FakeClock clock;
  const size_t start = LogWorld().TextBytes();
  // A note of n bytes adds n + 8 (Value::TextBytes): room for exactly one of 100 bytes.
  Session s(tools, LogWorld(), clock, 1, {.max_world_bytes = start + 108});
  ASSERT_FALSE(s.CallJson("note", NoteArgs(111)).is_error);  // a 100-byte note
  EXPECT_EQ(s.world().TextBytes(), start + 108);
  const std::string hash = s.world().Hash();
  ToolResult over = s.CallJson("note", NoteArgs(11));  // an empty note adds 8 more
  EXPECT_TRUE(over.is_error);
  EXPECT_NE(over.content.find("a session's world may hold; nothing was changed"), std::string::npos)
      << over.content;
  EXPECT_EQ(s.world().Hash(), hash);
  EXPECT_FALSE(s.CallJson("count", "{}").is_error);  // reads go on
}

}  // namespace
}  // namespace env

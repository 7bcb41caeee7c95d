// Engine tests: values and canonical text, diff, schema validation, sessions, checker.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/hash.h"
#include "env/diff.h"
#include "env/session.h"
#include "env/sha256.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/value.h"
#include "env/world.h"

namespace env {
namespace {

Value MustParse(std::string_view text) {
  auto v = Value::Parse(text);
  EXPECT_TRUE(v.has_value()) << text;
  return v ? *v : Value();
}

TEST(PythonFloatRepr, MatchesCPython) {
  EXPECT_EQ(PythonFloatRepr(100.0), "100.0");
  EXPECT_EQ(PythonFloatRepr(-16.63), "-16.63");
  EXPECT_EQ(PythonFloatRepr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(PythonFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PythonFloatRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(PythonFloatRepr(123456789012345678.0), "1.2345678901234568e+17");
  EXPECT_EQ(PythonFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PythonFloatRepr(0.00001), "1e-05");
  EXPECT_EQ(PythonFloatRepr(1.5e-7), "1.5e-07");
  EXPECT_EQ(PythonFloatRepr(0.0), "0.0");
  EXPECT_EQ(PythonFloatRepr(-0.0), "-0.0");
  EXPECT_EQ(PythonFloatRepr(5e-324), "5e-324");
  EXPECT_EQ(PythonFloatRepr(1.7976931348623157e308), "1.7976931348623157e+308");
}

TEST(PythonRound, RoundsLikeCPython) {
  EXPECT_EQ(PythonRound(2.675, 2), 2.67);  // 2.675 is 2.67499999… in binary
  EXPECT_EQ(PythonRound(0.125, 2), 0.12);  // exact tie: half to even
  EXPECT_EQ(PythonRound(1005.0 - 0.3, 2), 1004.7);
}

TEST(Canonical, IsPythonJsonDumpsSortKeys) {
  Value v = MustParse(R"({"b": [1, 2.0, "x\u00e9\n"], "a": {"z": null, "y": true}, "c": 1.5e-7})");
  EXPECT_EQ(v.Canonical(),
            R"({"a": {"y": true, "z": null}, "b": [1, 2.0, "x\u00e9\n"], "c": 1.5e-07})");
  EXPECT_EQ(MustParse(R"(["😀"])").Canonical(), R"(["\ud83d\ude00"])");
}

TEST(Value, WritesShareUntouchedSubtrees) {
  Value v = MustParse(R"({"a": {"x": 1}, "b": {"y": [1, 2]}})");
  auto w = v.SetAt("/b/y/1", Value::Int(3));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(v.At("/b/y/1")->AsInt(), 2);  // original unchanged
  EXPECT_EQ(w->At("/b/y/1")->AsInt(), 3);
  EXPECT_TRUE(v.Find("a")->SameNode(*w->Find("a")));
  EXPECT_FALSE(v.SetAt("/nope/x", Value::Int(1)).has_value());
}

TEST(Diff, ReportsAddedRemovedChanged) {
  Value a = MustParse(R"({"k": 1, "gone": true, "list": [1, 2], "o": {"s": "x"}})");
  Value b = MustParse(R"({"k": 2, "new": null, "list": [1, 2, 3], "o": {"s": "x"}})");
  std::vector<Change> d = Diff(a, b);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].path, "/gone");
  EXPECT_EQ(d[0].kind, Change::Kind::kRemoved);
  EXPECT_EQ(d[1].path, "/k");
  EXPECT_EQ(d[2].path, "/list/2");
  EXPECT_EQ(d[2].kind, Change::Kind::kAdded);
  EXPECT_EQ(d[3].path, "/new");
}

ToolRegistry CounterTools() {
  ToolRegistry tools;
  auto ok = tools.Register(
      Tool{"add", "Add n to the counter.",
           R"({"type":"object","properties":{"n":{"type":"integer","minimum":1}},"required":["n"],
          "additionalProperties":false})",
           false, "counter", [](ToolContext& ctx, const nlohmann::json& args) -> ToolResult {
             const int64_t n = args["n"].get<int64_t>();
             if (n > 100) return ToolResult::Error("n too large");
             const Value& c = ctx.State("counter");
             ctx.SetState("counter", c.With("value", Value::Int(c.Find("value")->AsInt() + n)));
             return ToolResult::Ok("ok");
           }});
  EXPECT_TRUE(ok.has_value());
  auto ok2 =
      tools.Register(Tool{"get", "Read the counter.", R"({"type":"object","properties":{}})", true,
                          "counter", [](ToolContext& ctx, const nlohmann::json&) -> ToolResult {
                            return ToolResult::Ok(ctx.State("counter").Canonical());
                          }});
  EXPECT_TRUE(ok2.has_value());
  return tools;
}

World CounterWorld() {
  World w;
  w.Set("counter", MustParse(R"({"value": 0, "other": {"untouched": true}})"));
  return w;
}

TEST(Session, ValidatesArgumentsWithActionableMessages) {
  ToolRegistry tools = CounterTools();
  base::FakeClock clock;
  Session s(tools, CounterWorld(), clock, 1);
  EXPECT_EQ(s.CallJson("add", "{}").content, "missing required argument 'n'");
  ToolResult wrong_type = s.CallJson("add", R"({"n":"3"})");
  EXPECT_TRUE(wrong_type.is_error);
  EXPECT_EQ(wrong_type.content, "argument 'n': expected integer, got string \"3\"");
  EXPECT_EQ(s.CallJson("add", R"({"n":1,"m":2})").content, "unknown argument 'm' (allowed: n)");
  EXPECT_EQ(s.CallJson("add", R"({"n":0})").content, "argument 'n': must be >= 1, got 0");
  EXPECT_TRUE(s.CallJson("nope", "{}").is_error);
  EXPECT_TRUE(s.CallJson("add", "{not json").is_error);
  EXPECT_EQ(s.world().Hash(), CounterWorld().Hash());  // nothing changed
  EXPECT_EQ(s.trajectory().size(), 6u);
}

TEST(Session, ReplayAndForkAreDeterministic) {
  ToolRegistry tools = CounterTools();
  base::FakeClock clock;
  Session s(tools, CounterWorld(), clock, 1);
  EXPECT_FALSE(s.CallJson("add", R"({"n":2})").is_error);
  Session fork = s.Fork();
  EXPECT_FALSE(fork.CallJson("add", R"({"n":5})").is_error);
  EXPECT_EQ(s.world().Get("counter").Find("value")->AsInt(), 2);
  EXPECT_EQ(fork.world().Get("counter").Find("value")->AsInt(), 7);
  Session replayed = Replay(tools, CounterWorld(), fork.trajectory().Actions(), clock, 99);
  EXPECT_EQ(replayed.world().Hash(), fork.world().Hash());
  nlohmann::json messages = fork.trajectory().ToOpenAiMessages();
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0]["tool_calls"][0]["function"]["name"], "add");
  EXPECT_EQ(messages[1]["role"], "tool");
  EXPECT_EQ(messages[1]["tool_call_id"], messages[0]["tool_calls"][0]["id"]);
}

TEST(Checker, ReportsCollateralDamage) {
  ToolRegistry tools = CounterTools();
  base::FakeClock clock;
  Task task{"t1", "add 2", CounterWorld(), {}, {{"add", R"({"n":2})"}}};
  DeriveCheckerFromReference(task, tools, clock, 1);
  Session good = Replay(tools, task.initial, task.reference_actions, clock, 1);
  EXPECT_TRUE(Check(task, good.world()).passed);

  World bad = good.world();
  auto damaged = bad.Get("counter").SetAt("/other/untouched", Value::Bool(false));
  ASSERT_TRUE(damaged.has_value());
  bad.Set("counter", *damaged);
  CheckReport report = Check(task, bad);
  EXPECT_FALSE(report.passed);
  EXPECT_NE(report.Render().find("collateral /counter/other/untouched"), std::string::npos)
      << report.Render();
}

}  // namespace
}  // namespace env

namespace env {
namespace {

TEST(Sha256Stream, MatchesLibsodiumForEveryLengthAndSplit) {
  std::string data;
  for (int i = 0; i < 300; ++i) data += static_cast<char>((i * 131 + 7) & 0xFF);
  for (size_t len = 0; len <= data.size(); ++len) {
    const std::string_view input(data.data(), len);
    Sha256Stream whole;
    whole.Update(input);
    const std::string expected = base::Sha256Hex(input);
    ASSERT_EQ(whole.FinalHex(), expected) << "length " << len;
    Sha256Stream pieces;  // uneven pieces cross block boundaries
    for (size_t pos = 0; pos < len; pos += 1 + pos % 70) {
      pieces.Update(input.substr(pos, 1 + pos % 70));
    }
    ASSERT_EQ(pieces.FinalHex(), expected) << "length " << len;
  }
  EXPECT_EQ(base::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace env

namespace env {
namespace {

TEST(ToolRegistry, RefusesBadRegistrations) {
  ToolRegistry tools = CounterTools();
  auto handler = [](ToolContext&, const nlohmann::json&) { return ToolResult::Ok(""); };
  EXPECT_EQ(tools.Register(Tool{"add", "", "{}", true, "x", handler}).error().code(),
            base::ErrorCode::kConflict);
  EXPECT_FALSE(tools.Register(Tool{"bad name", "", "{}", true, "x", handler}).has_value());
  EXPECT_FALSE(
      tools.Register(Tool{"t", "", R"({"type":"strnig"})", true, "x", handler}).has_value());
  EXPECT_FALSE(tools.Register(Tool{"t", "", "{", true, "x", handler}).has_value());
  EXPECT_FALSE(tools.Register(Tool{"t", "", "{}", true, "x", nullptr}).has_value());
  const nlohmann::json listed = tools.McpTools();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1]["name"], "get");
  EXPECT_EQ(listed[1]["annotations"]["readOnlyHint"], true);
  EXPECT_EQ(tools.OpenAiTools()[0]["function"]["parameters"]["required"][0], "n");
}

TEST(Schema, EnumsNestedArraysAndAnyOf) {
  auto schema = Schema::CompileText(R"({"type":"object","properties":{
      "mode":{"enum":["a","b"]},
      "rows":{"type":"array","maxItems":2,"items":{"type":"object","properties":{"x":{"type":"number"}},"required":["x"]}},
      "when":{"anyOf":[{"type":"string"},{"type":"null"}]}}})");
  ASSERT_TRUE(schema.has_value());
  EXPECT_TRUE(schema
                  ->Validate(nlohmann::json::parse(
                      R"({"mode":"a","rows":[{"x":1},{"x":2.5}],"when":null})"))
                  .has_value());
  EXPECT_EQ(schema->Validate(nlohmann::json::parse(R"({"mode":"c"})")).error().message(),
            R"(argument 'mode': must be one of ["a","b"], got "c")");
  EXPECT_EQ(
      schema->Validate(nlohmann::json::parse(R"({"rows":[{"x":1},{"y":2}]})")).error().message(),
      "missing required argument 'rows[1].x'");
  EXPECT_EQ(schema->Validate(nlohmann::json::parse(R"({"rows":[{"x":"1"}]})")).error().message(),
            "argument 'rows[0].x': expected number, got string \"1\"");
  EXPECT_EQ(schema->Validate(nlohmann::json::parse(R"({"rows":[{"x":1},{"x":1},{"x":1}]})"))
                .error()
                .message(),
            "argument 'rows': must have at most 2 items");
  EXPECT_FALSE(schema->Validate(nlohmann::json::parse(R"({"when":3})")).has_value());
}

TEST(Session, HandlerExceptionsBecomeErrorResults) {
  ToolRegistry tools;
  ASSERT_TRUE(tools
                  .Register(Tool{"boom", "throws", "{}", false, "x",
                                 [](ToolContext&, const nlohmann::json& args) -> ToolResult {
                                   return ToolResult::Ok(args.at("missing").get<std::string>());
                                 }})
                  .has_value());
  base::FakeClock clock;
  Session s(tools, World(), clock, 1);
  ToolResult r = s.CallJson("boom", "{}", Actor::kHuman);
  EXPECT_TRUE(r.is_error);
  EXPECT_NE(r.content.find("internal error in tool 'boom'"), std::string::npos);
  ASSERT_EQ(s.trajectory().size(), 1u);
  EXPECT_EQ(s.trajectory().steps()[0].actor, Actor::kHuman);
}

TEST(Trajectory, RecordsTimeAndRoundTripsThroughOpenAiMessages) {
  ToolRegistry tools = CounterTools();
  base::FakeClock clock(1'000'000);
  Session s(tools, CounterWorld(), clock, 1);
  s.CallJson("add", R"({"n":3})");
  clock.Advance(5'000'000);
  s.CallJson("get", "{}", Actor::kHuman);
  const auto& steps = s.trajectory().steps();
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].started_at_us, 1'000'000);
  EXPECT_EQ(steps[1].started_at_us, 6'000'000);
  EXPECT_TRUE(steps[0].changed_state);
  EXPECT_FALSE(steps[1].changed_state);
  EXPECT_EQ(steps[1].call_id, "call_0002");
  auto actions = ActionsFromOpenAiMessages(s.trajectory().ToOpenAiMessages());
  ASSERT_TRUE(actions.has_value());
  ASSERT_EQ(actions->size(), 2u);
  EXPECT_EQ((*actions)[0].name, "add");
  EXPECT_EQ(Replay(tools, CounterWorld(), *actions, clock, 5).world().Hash(), s.world().Hash());
  auto restored = Trajectory::FromJson(s.trajectory().ToJson());
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  EXPECT_EQ(restored->ToJson(), s.trajectory().ToJson());
  EXPECT_EQ(restored->steps()[1].actor, Actor::kHuman);
  EXPECT_FALSE(
      Trajectory::FromJson(nlohmann::json::parse(R"({"steps":[{"actor":"robot","name":"x"}]})"))
          .has_value());
}

TEST(Trajectory, ParsesJsonlActionsAndNamesBadLines) {
  auto ok = ParseActionsJsonl(
      "{\"name\":\"add\",\"arguments\":{\"n\":1}}\n\n"
      "{\"function\":{\"name\":\"get\",\"arguments\":\"{}\"},\"actor\":\"human\"}\r\n");
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].arguments_json, R"({"n":1})");
  EXPECT_EQ((*ok)[1].actor, Actor::kHuman);
  auto bad = ParseActionsJsonl("{\"name\":\"add\"}\n{\"arguments\":{}}\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message().rfind("line 2:", 0), 0u) << bad.error().message();
}

TEST(Task, FromJsonChecksPredicatesAndChanges) {
  auto task = TaskFromJson(nlohmann::json::parse(R"({
      "id": "c1", "instruction": "add 2",
      "initial": {"counter": {"value": 0, "other": {"untouched": true}}},
      "reference_actions": [{"name": "add", "arguments": {"n": 2}}],
      "checker": {"predicates": [{"path": "/counter/value", "equals": 2},
                                 {"path": "/counter/gone", "absent": true}],
                  "expected_changes": [{"path": "/counter/value", "value": 2}],
                  "forbid_other_changes": true}})"));
  ASSERT_TRUE(task.has_value()) << task.error().ToString();
  ToolRegistry tools = CounterTools();
  base::FakeClock clock;
  Session good = Replay(tools, task->initial, task->reference_actions, clock, 1);
  CheckReport pass = Check(*task, good.world());
  EXPECT_TRUE(pass.passed) << pass.Render();
  EXPECT_EQ(pass.score, 1.0);
  Session over = Replay(tools, task->initial, {{"add", R"({"n":3})"}}, clock, 1);
  CheckReport fail = Check(*task, over.world());
  EXPECT_FALSE(fail.passed);
  EXPECT_DOUBLE_EQ(fail.score, 1.0 / 3.0);  // absent predicate holds; equals and change fail
  EXPECT_NE(fail.Render().find("/counter/value is 3"), std::string::npos) << fail.Render();
  EXPECT_FALSE(
      TaskFromJson(nlohmann::json::parse(R"({"id":"x","checker":{"predicates":[{"path":"/a"}]}})"))
          .has_value());
}

TEST(Diff, KindChangeIsOneChangeAndSharedTreesAreEmpty) {
  Value a = MustParse(R"({"x": [1, 2], "y": {"z": 1}})");
  Value b = *a.SetAt("/x", Value::String("flat"));
  std::vector<Change> d = Diff(a, b);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(FormatChange(d[0]), R"(~ /x: [1, 2] -> "flat")");
  EXPECT_TRUE(Diff(a, a).empty());
  EXPECT_TRUE(Diff(a, MustParse(a.Canonical())).empty());  // equal but not shared
  EXPECT_EQ(Diff(MustParse(R"({"a/b": 1})"), MustParse(R"({"a/b": 2})"))[0].path, "/a~1b");
}

TEST(Value, IntAndFloatAreDifferentStates) {
  EXPECT_NE(MustParse("{\"p\": 100}").Sha256(), MustParse("{\"p\": 100.0}").Sha256());
  EXPECT_NE(MustParse("100"), MustParse("100.0"));
  EXPECT_EQ(MustParse("[100.0]").Canonical(), "[100.0]");
}

}  // namespace
}  // namespace env

#include "base/rng.h"

namespace env {
namespace {

// Picks a random existing container path in `doc` (JSON Pointer), walking down at random.
std::string RandomContainerPath(const nlohmann::json& doc, base::Rng& rng) {
  std::string path;
  const nlohmann::json* cur = &doc;
  while (rng.Below(3) != 0) {
    std::vector<std::pair<std::string, const nlohmann::json*>> children;
    if (cur->is_object()) {
      for (auto it = cur->begin(); it != cur->end(); ++it) {
        if (it->is_structured()) children.emplace_back(it.key(), &*it);
      }
    } else {
      for (size_t i = 0; i < cur->size(); ++i) {
        if ((*cur)[i].is_structured()) children.emplace_back(std::to_string(i), &(*cur)[i]);
      }
    }
    if (children.empty()) break;
    const auto& pick = children[rng.Below(children.size())];
    path = AppendPointer(path, pick.first);
    cur = pick.second;
  }
  return path;
}

nlohmann::json RandomLeaf(base::Rng& rng) {
  switch (rng.Below(7)) {
    case 0:
      return nullptr;
    case 1:
      return rng.Below(2) == 1;
    case 2:
      return static_cast<int64_t>(rng.Below(2000)) - 1000;
    case 3:
      return (static_cast<double>(rng.Below(200000)) - 100000) / 100.0;
    case 4:
      return "s" + std::to_string(rng.Below(50));
    case 5:
      return nlohmann::json::array({1, "x"});
    default:
      return nlohmann::json::object({{"k" + std::to_string(rng.Below(5)), 1.5}});
  }
}

// Random writes applied to a Value and to an nlohmann model side by side: the Value must equal
// the model, its cached canonical text must equal a fresh serialisation, every diff must be
// consistent with both states, and earlier snapshots must never change.
TEST(ValueFuzz, SeededWritesMatchAModel) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    base::Rng rng(seed);
    nlohmann::json model = nlohmann::json::object();
    Value value = Value::EmptyObject();
    std::vector<std::pair<Value, std::string>> snapshots;
    // Seeds above 10 use many keys, so objects outgrow one member chunk and split.
    const uint64_t key_space = seed > 10 ? 400 : 8;
    const int steps = seed > 10 ? 800 : 300;
    for (int step = 0; step < steps; ++step) {
      const Value before = value;
      const std::string parent = RandomContainerPath(model, rng);
      nlohmann::json& target = model[nlohmann::json::json_pointer(parent)];
      const nlohmann::json leaf = RandomLeaf(rng);
      const uint64_t op = rng.Below(3);
      if (target.is_object()) {
        const std::string key = "k" + std::to_string(rng.Below(key_space));
        const std::string path = AppendPointer(parent, key);
        if (op == 0 && target.contains(key)) {
          target.erase(key);
          value = *value.RemoveAt(path);
        } else {
          target[key] = leaf;
          value = *value.SetAt(path, Value::FromJson(leaf));
        }
      } else if (op == 0 || target.empty()) {
        target.push_back(leaf);
        value = *value.SetAt(AppendPointer(parent, "-"), Value::FromJson(leaf));
      } else {
        const size_t index = rng.Below(target.size());
        const std::string path = AppendPointer(parent, std::to_string(index));
        if (op == 1) {
          target.erase(index);
          value = *value.RemoveAt(path);
        } else {
          target[index] = leaf;
          value = *value.SetAt(path, Value::FromJson(leaf));
        }
      }
      ASSERT_EQ(value.ToJson(), model) << "seed " << seed << " step " << step;
      ASSERT_EQ(value.Canonical(), Value::FromJson(model).Canonical()) << "seed " << seed;
      ASSERT_EQ(value.NodeCount(), Value::FromJson(model).NodeCount()) << "seed " << seed;
      for (const Change& c : Diff(before, value)) {
        const bool in_before = before.At(c.path) != nullptr;
        const bool in_after = value.At(c.path) != nullptr;
        ASSERT_EQ(in_before, c.kind != Change::Kind::kAdded) << c.path;
        ASSERT_EQ(in_after, c.kind != Change::Kind::kRemoved) << c.path;
        if (c.kind == Change::Kind::kChanged) ASSERT_NE(*before.At(c.path), *value.At(c.path));
      }
      ASSERT_EQ(Diff(before, value).empty(), before == value);
      if (step % 50 == 0) snapshots.emplace_back(value, value.Canonical());
      if (value.Find("k0") != nullptr) ASSERT_EQ(value.Find("k0")->ToJson(), model["k0"]);
    }
    for (const auto& [snapshot, text] : snapshots) ASSERT_EQ(snapshot.Canonical(), text);
  }
}

}  // namespace
}  // namespace env

namespace env {
namespace {

TEST(Value, WideObjectsShareChunksAcrossWrites) {
  std::vector<Value::Member> members;
  for (int i = 0; i < 5000; ++i)
    members.emplace_back("r" + std::to_string(100000 + i), Value::Int(i));
  const Value wide = Value::Object(std::move(members));
  ASSERT_EQ(wide.size(), 5000u);
  Value w = wide.With("r102500", Value::Int(-1)).With("r099999", Value::Int(7)).Without("r104999");
  EXPECT_EQ(w.size(), 5000u);
  EXPECT_EQ(w.Find("r102500")->AsInt(), -1);
  EXPECT_EQ(w.Find("r099999")->AsInt(), 7);
  EXPECT_EQ(w.Find("r104999"), nullptr);
  EXPECT_EQ(wide.Find("r102500")->AsInt(), 2500);
  std::vector<Change> d = Diff(wide, w);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].path, "/r099999");
  EXPECT_EQ(d[1].path, "/r102500");
  EXPECT_EQ(d[2].path, "/r104999");
  // Grow one chunk far past its limit: it splits, and order and lookups hold.
  Value grown = wide;
  for (int i = 0; i < 500; ++i)
    grown = grown.With("r102500x" + std::to_string(1000 + i), Value::Int(i));
  EXPECT_EQ(grown.size(), 5500u);
  std::string previous;
  size_t count = 0;
  for (const auto& [key, v] : grown.members()) {
    EXPECT_LT(previous, key);
    previous = key;
    ++count;
  }
  EXPECT_EQ(count, 5500u);
  EXPECT_EQ(grown.Find("r102500x1499")->AsInt(), 499);
  EXPECT_EQ(Diff(wide, grown).size(), 500u);
  EXPECT_EQ(MustParse(grown.Canonical()), grown);
}

}  // namespace
}  // namespace env

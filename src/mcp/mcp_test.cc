#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "mcp/server.h"
#include "mcp/sessions.h"
#include "workplace/apps.h"
#include "workplace/suites.h"

namespace mcp {
namespace {

using nlohmann::json;

// A two-tool app: a counter one can read and bump.
env::ToolRegistry CounterTools() {
  env::ToolRegistry r;
  EXPECT_TRUE(
      r.Register({.name = "get_count",
                  .description = "Read the counter.",
                  .parameters = R"({"type":"object","properties":{},"additionalProperties":false})",
                  .read_only = true,
                  .app = "counter",
                  .handler = [](env::ToolContext& ctx, const json&) {
                    return env::ToolResult::Ok(ctx.State("counter").ToJson().dump());
                  }}));
  EXPECT_TRUE(r.Register(
      {.name = "add",
       .description = "Add to the counter.",
       .parameters = R"({"type":"object","properties":{"by":{"type":"integer","minimum":1}},
                          "required":["by"],"additionalProperties":false})",
       .read_only = false,
       .app = "counter",
       .handler = [](env::ToolContext& ctx, const json& args) -> env::ToolResult {
         const int64_t now = ctx.State("counter").ToJson()["n"].get<int64_t>();
         if (now + args["by"].get<int64_t>() > 10)
           return env::ToolResult::Error("the counter stops at 10");
         ctx.SetState("counter",
                      *env::Value::Parse(json{{"n", now + args["by"].get<int64_t>()}}.dump()));
         return env::ToolResult::Ok("ok");
       }}));
  return r;
}

env::World CounterWorld() {
  env::World w;
  w.Set("counter", *env::Value::Parse(R"({"n":1})"));
  return w;
}

class McpServerTest : public ::testing::Test {
 protected:
  json Send(const json& message) {
    std::optional<std::string> out = server_.HandleText(message.dump());
    return out ? json::parse(*out) : json();
  }
  json Initialize(std::string_view version = kLatestProtocolVersion) {
    return Send({{"jsonrpc", "2.0"},
                 {"id", 1},
                 {"method", "initialize"},
                 {"params",
                  {{"protocolVersion", version},
                   {"capabilities", json::object()},
                   {"clientInfo", {{"name", "test"}, {"version", "1"}}}}}});
  }
  json Call(int id, std::string_view name, json args) {
    return Send({{"jsonrpc", "2.0"},
                 {"id", id},
                 {"method", "tools/call"},
                 {"params", {{"name", name}, {"arguments", std::move(args)}}}});
  }

  env::ToolRegistry tools_ = CounterTools();
  base::FakeClock clock_;
  env::Session session_{tools_, CounterWorld(), clock_, 1};
  Server server_{session_, {.suite = "counter", .task = "t1"}};
};

TEST_F(McpServerTest, InitializeAnswersTheLatestRevisionWithToolsCapability) {
  json r = Initialize();
  EXPECT_EQ(r["id"], 1);
  EXPECT_EQ(r["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(r["result"]["serverInfo"]["name"], "assay");
  EXPECT_TRUE(r["result"]["capabilities"].contains("tools"));
  EXPECT_TRUE(server_.initialized());
  EXPECT_EQ(json::parse(server_.client_info_json())["name"], "test");
  // A second initialize on the same connection is refused.
  EXPECT_EQ(Initialize()["error"]["code"], kInvalidRequest);
}

TEST(McpNegotiation, KnownRevisionsAreEchoedOthersGetTheLatest) {
  EXPECT_EQ(NegotiateProtocolVersion("2025-06-18"), "2025-06-18");
  EXPECT_EQ(NegotiateProtocolVersion("2025-03-26"), "2025-03-26");
  EXPECT_EQ(NegotiateProtocolVersion("2025-11-25"), "2025-11-25");
  EXPECT_EQ(NegotiateProtocolVersion("2031-01-01"), "2025-11-25");
  EXPECT_EQ(NegotiateProtocolVersion("1.0.0"), "2025-11-25");
}

TEST_F(McpServerTest, OlderRevisionIsAnsweredInKind) {
  EXPECT_EQ(Initialize("2025-06-18")["result"]["protocolVersion"], "2025-06-18");
  EXPECT_EQ(server_.protocol_version(), "2025-06-18");
}

TEST_F(McpServerTest, InitializeWithoutProtocolVersionIsInvalidParams) {
  json r =
      Send({{"jsonrpc", "2.0"}, {"id", 7}, {"method", "initialize"}, {"params", json::object()}});
  EXPECT_EQ(r["id"], 7);
  EXPECT_EQ(r["error"]["code"], kInvalidParams);
  EXPECT_FALSE(server_.initialized());
}

TEST_F(McpServerTest, OnlyPingIsAnsweredBeforeInitialize) {
  json ping = Send({{"jsonrpc", "2.0"}, {"id", "p"}, {"method", "ping"}});
  EXPECT_EQ(ping["id"], "p");
  EXPECT_EQ(ping["result"], json::object());
  json list = Send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}});
  EXPECT_EQ(list["error"]["code"], kInvalidRequest);
  EXPECT_NE(list["error"]["message"].get<std::string>().find("initialize"), std::string::npos);
  EXPECT_EQ(Call(3, "add", {{"by", 1}})["error"]["code"], kInvalidRequest);
  EXPECT_EQ(session_.trajectory().size(), 0u);  // nothing ran
}

TEST_F(McpServerTest, ToolsListGivesSchemasAndReadOnlyHints) {
  Initialize();
  json r =
      Send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}, {"params", json::object()}});
  const json& tools = r["result"]["tools"];
  ASSERT_EQ(tools.size(), 2u);
  EXPECT_FALSE(r["result"].contains("nextCursor"));
  EXPECT_EQ(tools[0]["name"], "add");
  EXPECT_EQ(tools[0]["description"], "Add to the counter.");
  EXPECT_EQ(tools[0]["inputSchema"]["type"], "object");
  EXPECT_EQ(tools[0]["inputSchema"]["required"], json::array({"by"}));
  EXPECT_EQ(tools[0]["annotations"]["readOnlyHint"], false);
  EXPECT_EQ(tools[1]["name"], "get_count");
  EXPECT_EQ(tools[1]["annotations"]["readOnlyHint"], true);
}

TEST_F(McpServerTest, ToolsCallChangesTheWorldAndRecordsTheAgent) {
  Initialize();
  json r = Call(4, "add", {{"by", 2}});
  EXPECT_EQ(r["id"], 4);
  EXPECT_EQ(r["result"]["isError"], false);
  EXPECT_EQ(r["result"]["content"], json::parse(R"([{"type":"text","text":"ok"}])"));
  json read = Call(5, "get_count", json::object());
  EXPECT_EQ(json::parse(read["result"]["content"][0]["text"].get<std::string>())["n"], 3);
  ASSERT_EQ(session_.trajectory().size(), 2u);
  EXPECT_EQ(session_.trajectory().steps()[0].actor, env::Actor::kAgent);
  EXPECT_EQ(session_.trajectory().steps()[0].name, "add");
  EXPECT_TRUE(session_.trajectory().steps()[0].changed_state);
}

TEST_F(McpServerTest, ToolFailuresAndSchemaViolationsAreIsErrorResults) {
  Initialize();
  json refused = Call(6, "add", {{"by", 20}});
  EXPECT_EQ(refused["result"]["isError"], true);
  EXPECT_EQ(refused["result"]["content"][0]["text"], "the counter stops at 10");
  json bad = Call(7, "add", {{"by", "two"}});
  EXPECT_EQ(bad["result"]["isError"], true);
  EXPECT_NE(bad["result"]["content"][0]["text"].get<std::string>().find("by"), std::string::npos);
  json missing = Call(8, "add", json::object());
  EXPECT_EQ(missing["result"]["isError"], true);
  EXPECT_EQ(session_.world().Get("counter").ToJson()["n"], 1);  // unchanged
}

TEST_F(McpServerTest, UnknownToolIsInvalidParamsProtocolError) {
  Initialize();
  json r = Call(9, "launch_rockets", json::object());
  EXPECT_EQ(r["id"], 9);
  EXPECT_FALSE(r.contains("result"));
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_EQ(r["error"]["message"], "Unknown tool: launch_rockets");
  // Arguments that are not an object break the request shape: also -32602.
  EXPECT_EQ(Call(10, "add", json::array({1}))["error"]["code"], -32602);
  EXPECT_EQ(session_.trajectory().size(), 0u);
}

TEST_F(McpServerTest, MalformedMessagesGetJsonRpcErrors) {
  std::optional<std::string> parse = server_.HandleText("{\"jsonrpc\":\"2.0\",");
  ASSERT_TRUE(parse);
  json p = json::parse(*parse);
  EXPECT_EQ(p["error"]["code"], -32700);
  EXPECT_TRUE(p["id"].is_null());
  EXPECT_EQ(Send({{"id", 1}, {"method", "ping"}})["error"]["code"], -32600);  // no jsonrpc
  EXPECT_EQ(Send({{"jsonrpc", "2.0"}, {"id", nullptr}, {"method", "ping"}})["error"]["code"],
            -32600);
  EXPECT_EQ(Send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", 5}})["error"]["code"], -32600);
  EXPECT_EQ(Send(json("hello"))["error"]["code"], -32600);
  Initialize();
  json unknown = Send({{"jsonrpc", "2.0"}, {"id", 11}, {"method", "resources/list"}});
  EXPECT_EQ(unknown["id"], 11);
  EXPECT_EQ(unknown["error"]["code"], -32601);
}

TEST_F(McpServerTest, NotificationsAndResponsesGetNoReply) {
  Initialize();
  EXPECT_FALSE(server_.ready());
  EXPECT_FALSE(server_.HandleText(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
  EXPECT_TRUE(server_.ready());
  EXPECT_FALSE(server_.HandleText(
      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}})"));
  EXPECT_FALSE(server_.HandleText(R"({"jsonrpc":"2.0","id":"s1","result":{}})"));
}

TEST_F(McpServerTest, BatchesOnlyWhereTheRevisionHasThem) {
  Initialize();  // 2025-11-25: one message per POST / line
  json r = Send(json::array({{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}}));
  EXPECT_EQ(r["error"]["code"], kInvalidRequest);
}

TEST(McpBatch, AnsweredOnTheRevisionThatHasThem) {
  env::ToolRegistry tools = CounterTools();
  base::FakeClock clock;
  env::Session session(tools, CounterWorld(), clock, 1);
  Server server(session, {});
  server.HandleText(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26"}})");
  std::optional<std::string> out = server.HandleText(
      R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},
          {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add","arguments":{"by":1}}}])");
  ASSERT_TRUE(out);
  json r = json::parse(*out);
  ASSERT_EQ(r.size(), 2u);  // the notification has no reply
  EXPECT_EQ(r[0]["id"], 1);
  EXPECT_EQ(r[1]["result"]["isError"], false);
}

// MCP sessions live in the env store: its owners, caps and expiry, with the Server attached.
class McpSessionTest : public ::testing::Test {
 protected:
  base::FakeClock clock_;
  env::SessionStore store_{clock_,
                           workplace::Suites(),
                           {.max_per_owner = 2,
                            .max_total = 3,
                            .idle_expiry_us = 60 * base::kMicrosPerSecond,
                            .data_dirs = {{"tau2-retail", ASSAY_SHARED_DATA_DIR "/tau2-retail"}}}};
  static json Init() {
    return {{"jsonrpc", "2.0"},
            {"id", 1},
            {"method", "initialize"},
            {"params", {{"protocolVersion", kLatestProtocolVersion}}}};
  }
};

TEST_F(McpSessionTest, SessionsBelongToTheirOwnerAndKeepTheirProtocolState) {
  std::string id;
  {
    auto opened = McpSession::Open(store_, "alice", "tau2-retail", "0");
    ASSERT_TRUE(opened) << opened.error().ToString();
    id = opened->id();
    EXPECT_EQ(id.size(), 24u);
    EXPECT_FALSE(opened->server().initialized());
    ASSERT_TRUE(opened->server().Handle(Init()));
  }
  {
    auto again = McpSession::Get(store_, "alice", id);
    ASSERT_TRUE(again) << again.error().ToString();
    EXPECT_TRUE(again->server().initialized());  // the same Server, kept with the env session
    EXPECT_EQ(again->lease().info().owner, "alice");
  }
  auto stolen = McpSession::Get(store_, "bob", id);
  ASSERT_FALSE(stolen);
  EXPECT_EQ(stolen.error().code(), base::ErrorCode::kNotFound);
  ASSERT_TRUE(store_.Delete("alice", id));
  EXPECT_FALSE(McpSession::Get(store_, "alice", id));
}

TEST_F(McpSessionTest, OnlySessionsOpenedOverMcpAreMcpSessions) {
  auto plain = store_.Create("alice", "tau2-retail", "0");
  ASSERT_TRUE(plain);
  auto got = McpSession::Get(store_, "alice", plain->id);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), base::ErrorCode::kNotFound);
  ASSERT_TRUE(store_.Delete("alice", plain->id));  // room under alice's cap of 2
  std::string id;
  {
    auto opened = McpSession::Open(store_, "alice", "tau2-retail", "0");
    ASSERT_TRUE(opened);
    id = opened->id();
  }
  auto fork = store_.Fork("alice", id);  // a fork carries the world, not the MCP connection
  ASSERT_TRUE(fork) << fork.error().ToString();
  EXPECT_FALSE(McpSession::Get(store_, "alice", fork->id));
}

TEST_F(McpSessionTest, SessionsStartFromTheTaskWorld) {
  auto a = McpSession::Open(store_, "alice", "tau2-retail", "0");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->lease().session().world().Hash(), a->lease().task()->initial.Hash());
  EXPECT_EQ(a->lease().session().tools().size(), 16u);
  auto mail = McpSession::Open(store_, kAnonymousOwner, "mail", "mail-star-invoice");
  ASSERT_TRUE(mail) << mail.error().ToString();
  // A workplace app's session offers every workplace app's tools (its world holds them all).
  env::ToolRegistry workplace;
  ASSERT_TRUE(workplace::RegisterWorkplaceTools(workplace));
  EXPECT_EQ(mail->lease().session().tools().size(), workplace.size());
  EXPECT_NE(mail->lease().session().tools().Find("mail_search"), nullptr);
  EXPECT_NE(mail->lease().session().tools().Find("books_post_entry"), nullptr);
}

TEST_F(McpSessionTest, TheStoresCapsAndExpiryApply) {
  std::string first;
  {
    auto a = McpSession::Open(store_, "alice", "tau2-retail", "0");
    ASSERT_TRUE(a);
    first = a->id();
  }
  clock_.Advance(30 * base::kMicrosPerSecond);
  ASSERT_TRUE(McpSession::Open(store_, "alice", "tau2-retail", "1"));
  auto mine = McpSession::Open(store_, "alice", "tau2-retail", "2");
  ASSERT_FALSE(mine);
  EXPECT_EQ(mine.error().code(), base::ErrorCode::kResourceExhausted);
  ASSERT_TRUE(McpSession::Open(store_, "bob", "tau2-retail", "2"));
  auto total = McpSession::Open(store_, "carol", "tau2-retail", "2");
  ASSERT_FALSE(total);
  EXPECT_EQ(total.error().code(), base::ErrorCode::kResourceExhausted);
  clock_.Advance(31 * base::kMicrosPerSecond);  // alice's first idle 61 s: gone
  EXPECT_FALSE(McpSession::Get(store_, "alice", first));
  EXPECT_TRUE(McpSession::Open(store_, "carol", "tau2-retail", "2"));
}

TEST_F(McpSessionTest, UnknownSuiteOrTaskIsNotFound) {
  auto suite = McpSession::Open(store_, "alice", "no-such-suite", "0");
  ASSERT_FALSE(suite);
  EXPECT_EQ(suite.error().code(), base::ErrorCode::kNotFound);
  auto task = McpSession::Open(store_, "alice", "tau2-retail", "99999");
  ASSERT_FALSE(task);
  EXPECT_EQ(task.error().code(), base::ErrorCode::kNotFound);
  EXPECT_TRUE(store_.List("alice").empty());
}

}  // namespace
}  // namespace mcp

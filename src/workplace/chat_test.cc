// chat tools: normal paths and the errors an agent gets.
#include "workplace/apps_test_util.h"

namespace workplace {
namespace {

using ChatTest = WorkplaceTest;

TEST_F(ChatTest, ListsWhatICanSeeAndHidesOthersPrivateChannels) {
  std::vector<std::string> ids;
  const nlohmann::json listed = Ok("chat_list_channels", nlohmann::json::object());
  for (const auto& c : listed["channels"]) ids.push_back(c["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"c-data-platform", "c-finance", "c-general",
                                           "c-month-end-close", "c-random", "dm-u-achen",
                                           "dm-u-dwhitfield"}));
  EXPECT_NE(Err("chat_read_channel", {{"channel", "#leadership"}}).find("not a member"),
            std::string::npos);
  Err("chat_post", {{"channel", "c-leadership"}, {"text", "hi"}});
  Err("chat_read_thread", {{"message_id", "cm-009"}});
  EXPECT_NE(Err("chat_read_channel", {{"channel", "#sales"}}).find("chat_list_channels"),
            std::string::npos);
  // Public but not joined: readable by nobody outside it either.
  Err("chat_read_channel", {{"channel", "data-platform"}});
}

TEST_F(ChatTest, ChannelsShowTopLevelMessagesWithReplyCountsAndThreads) {
  nlohmann::json ch = Ok("chat_read_channel", {{"channel", "#month-end-close"}});
  ASSERT_EQ(ch["messages"].size(), 1u);
  EXPECT_EQ(ch["messages"][0]["id"], "cm-001");
  EXPECT_EQ(ch["messages"][0]["reply_count"], 2);
  EXPECT_EQ(ch["messages"][0]["user_name"], "Dana Whitfield");
  EXPECT_EQ(Ok("chat_read_channel", {{"channel", "general"}, {"limit", 1}})["messages"][0]["id"],
            "cm-006");
  nlohmann::json thread =
      Ok("chat_read_thread", {{"message_id", "cm-003"}});  // a reply: whole thread
  EXPECT_EQ(thread["parent"]["id"], "cm-001");
  EXPECT_EQ(thread["replies"].size(), 2u);
  Err("chat_read_thread", {{"message_id", "cm-404"}});
}

TEST_F(ChatTest, PostReplyAndDm) {
  nlohmann::json p = Ok("chat_post", {{"channel", "finance"}, {"text", "Hello"}});
  const Value* m = At("chat", "/messages/" + p["id"].get<std::string>());
  EXPECT_EQ(m->Find("channel")->AsString(), "c-finance");
  EXPECT_EQ(m->Find("user")->AsString(), "u-lmartins");
  EXPECT_EQ(m->Find("ts")->AsString(), "2026-01-01T00:00:00Z");
  // A reply to a reply lands in the root's thread.
  nlohmann::json r = Ok("chat_reply_thread", {{"message_id", "cm-002"}, {"text", "Thanks"}});
  EXPECT_EQ(r["thread"], "cm-001");
  EXPECT_EQ(Ok("chat_read_thread", {{"message_id", "cm-001"}})["replies"].size(), 3u);
  // The first DM to someone opens the conversation; the next reuses it.
  EXPECT_EQ(At("chat", "/channels/dm-u-ipetrov"), nullptr);
  EXPECT_EQ(Ok("chat_send_dm", {{"user", "Ivan Petrov"}, {"text", "VPN?"}})["channel"],
            "dm-u-ipetrov");
  EXPECT_EQ(At("chat", "/channels/dm-u-ipetrov/members")->ToJson(),
            nlohmann::json({"u-ipetrov", "u-lmartins"}));
  Ok("chat_send_dm", {{"user", "ivan.petrov@northwind.example"}, {"text", "Thanks"}});
  EXPECT_EQ(Ok("chat_read_channel", {{"channel", "dm-u-ipetrov"}})["messages"].size(), 2u);
  EXPECT_NE(Err("chat_send_dm", {{"user", "Ghost"}, {"text", "x"}}).find("chat_list_users"),
            std::string::npos);
  Err("chat_send_dm", {{"user", "Leo Martins"}, {"text", "x"}});
  Err("chat_post", {{"channel", "finance"}, {"text", ""}});
}

TEST_F(ChatTest, SearchReactTopicAndDirectory) {
  nlohmann::json hits = Ok("chat_search", {{"query", "cloudnine"}})["messages"];
  ASSERT_EQ(hits.size(), 2u);          // cm-010 is in #data-platform, which I am not in
  EXPECT_EQ(hits[0]["id"], "cm-003");  // oldest first
  EXPECT_EQ(hits[1]["id"], "cm-012");
  Ok("chat_react", {{"message_id", "cm-002"}, {"emoji", "thumbsup"}});
  EXPECT_EQ(At("chat", "/messages/cm-002/reactions/thumbsup")->ToJson(),
            nlohmann::json({"u-lmartins"}));
  EXPECT_NE(Err("chat_react", {{"message_id", "cm-002"}, {"emoji", "thumbsup"}}).find("already"),
            std::string::npos);
  Ok("chat_set_topic", {{"channel", "#finance"}, {"topic", "Audit Jan 19"}});
  EXPECT_EQ(At("chat", "/channels/c-finance/topic")->AsString(), "Audit Jan 19");
  Err("chat_set_topic", {{"channel", "dm-u-achen"}, {"topic", "x"}});
  nlohmann::json users = Ok("chat_list_users", {{"query", "finance"}})["users"];
  EXPECT_EQ(users.size(), 5u);
  EXPECT_EQ(Ok("chat_list_users", nlohmann::json::object())["users"].size(), 25u);
}

}  // namespace
}  // namespace workplace

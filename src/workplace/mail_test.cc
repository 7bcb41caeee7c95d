// mail tools: normal paths and the errors an agent gets.
#include "workplace/apps_test_util.h"

namespace workplace {
namespace {

using MailTest = WorkplaceTest;

std::vector<std::string> Ids(const nlohmann::json& messages) {
  std::vector<std::string> ids;
  for (const auto& m : messages) ids.push_back(m["id"]);
  return ids;
}

TEST_F(MailTest, SearchFiltersByWordsLabelSenderAndUnread) {
  EXPECT_EQ(Ids(Ok("mail_search", {{"unread_only", true}})["messages"]),
            (std::vector<std::string>{"m-011", "m-010", "m-009", "m-006", "m-004", "m-001"}));
  EXPECT_EQ(Ids(Ok("mail_search", {{"label", "sent"}})["messages"]),
            std::vector<std::string>{"m-008"});
  EXPECT_EQ(Ids(Ok("mail_search", {{"query", "halcyon late fee"}, {"from", "kate"}})["messages"]),
            (std::vector<std::string>{"m-011", "m-009"}));
  EXPECT_EQ(Ok("mail_search", {{"limit", 2}})["total"], 12);
  EXPECT_EQ(Ok("mail_search", {{"limit", 2}})["messages"].size(), 2u);
  EXPECT_NE(Err("mail_search", {{"label", "receipts"}}).find("mail_list_labels"),
            std::string::npos);
}

// A query of many words over a long body multiplies into billions of byte comparisons: the
// search stops at the call's compute budget (issue 11, defect 11); searches of real size pass.
TEST_F(MailTest, ASearchOverTheComputeBudgetIsRefused) {
  Ok("mail_send",
     {{"to", {"Dana Whitfield"}}, {"subject", "long"}, {"body", std::string(49999, 'b') + "a"}});
  std::string query;
  for (int i = 0; i < 20000; ++i) query += "a ";  // each word scans the body to its end
  const std::string refused = Err("mail_search", {{"query", query}});
  EXPECT_NE(refused.find("operations one call may spend (text searched)"), std::string::npos)
      << refused;
  EXPECT_EQ(Ok("mail_search", {{"query", "a"}})["total"], 13);  // 12 seeded + the long one
}

TEST_F(MailTest, AForwardStaysWithinAMessagesLength) {
  const std::string sent = Ok(
      "mail_send",
      {{"to", {"Dana Whitfield"}}, {"subject", "long"}, {"body", std::string(49000, 'x')}})["id"];
  const std::string once =
      Ok("mail_forward", {{"id", sent}, {"to", {"Amy Chen"}}, {"body", "fyi"}})["id"];
  // Forwarding the forward would hold the chain twice over the limit: refused, nothing stored.
  EXPECT_NE(
      Err("mail_forward", {{"id", once}, {"to", {"Amy Chen"}}, {"body", std::string(900, 'y')}})
          .find("over the 50000 a message may hold"),
      std::string::npos);
}

// Each forward stores a copy of its message: small calls that grow the world by 49 KB each stop
// at the session's world cap (issue 11, defect 5), however much trajectory room is left.
TEST_F(MailTest, ForwardsStopAtTheWorldCap) {
  const size_t start = session_->world().TextBytes();
  session_ = std::make_unique<Session>(tools_, WorkplaceWorld(), clock_, 1,
                                       env::SessionLimits{.max_world_bytes = start + 500'000});
  const std::string sent = Ok(
      "mail_send",
      {{"to", {"Dana Whitfield"}}, {"subject", "long"}, {"body", std::string(49000, 'x')}})["id"];
  int forwards = 0;
  for (; forwards < 20; ++forwards) {
    ToolResult r = session_->Call("mail_forward", {{"id", sent}, {"to", {"Amy Chen"}}});
    if (r.is_error) {
      EXPECT_NE(r.content.find("a session's world may hold"), std::string::npos) << r.content;
      break;
    }
  }
  EXPECT_EQ(forwards, 9);  // 10 copies of ~49.2 KB (the message and 9 forwards) fit in 500 KB
  EXPECT_LE(session_->world().TextBytes(), start + 500'000);
}

TEST_F(MailTest, ReadShowsAttachmentLinksAndThreadsComeOldestFirst) {
  nlohmann::json m = Ok("mail_read", {{"id", "m-002"}});
  EXPECT_EQ(m["attachments"][0]["file_id"], "f-bank-2025-10");
  EXPECT_EQ(m["attachments"][0]["link"], "https://files.northwind.example/d/f-bank-2025-10");
  EXPECT_NE(m["body"].get<std::string>().find("WIRE IN HALCYON HEALTH INV-2025-121  +24,750.00"),
            std::string::npos);
  EXPECT_EQ(Ids(Ok("mail_read_thread", {{"thread", "t-009"}})["messages"]),
            (std::vector<std::string>{"m-009", "m-010", "m-011"}));
  EXPECT_NE(Err("mail_read", {{"id", "m-999"}}).find("mail_search"), std::string::npos);
  Err("mail_read_thread", {{"thread", "t-999"}});
}

TEST_F(MailTest, SendResolvesNamesAndStoresASentMessageAtTheSessionTime) {
  nlohmann::json r = Ok("mail_send", {{"to", {"Omar Haddad", "auditor@brightline.example"}},
                                      {"subject", "PBC list"},
                                      {"body", "See attached."},
                                      {"attachments", {"f-close-checklist"}}});
  const std::string id = r["id"];
  const Value* m = At("mail", "/messages/" + id);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->Find("to")->ToJson(),
            nlohmann::json({"omar.haddad@northwind.example", "auditor@brightline.example"}));
  EXPECT_EQ(m->Find("labels")->ToJson(), nlohmann::json({"sent"}));
  EXPECT_EQ(m->Find("date")->AsString(), "2026-01-01T00:00:00Z");
  EXPECT_EQ(m->Find("thread")->AsString(), id);
  EXPECT_EQ(m->Find("attachments")->ToJson(),
            nlohmann::json::parse(
                R"([{"file_id":"f-close-checklist","name":"Month-end close checklist.md"}])"));
  EXPECT_NE(Err("mail_send", {{"to", {"bob@northwind.example"}}, {"subject", "x"}, {"body", "y"}})
                .find("no one at Northwind"),
            std::string::npos);
  EXPECT_NE(Err("mail_send", {{"to", {"Bob"}}, {"subject", "x"}, {"body", "y"}}).find("'Bob'"),
            std::string::npos);
  EXPECT_NE(
      Err("mail_send",
          {{"to", {"Amy Chen"}}, {"subject", "x"}, {"body", "y"}, {"attachments", {"f-nope"}}})
          .find("files_search"),
      std::string::npos);
  Ok("files_delete", {{"id", "f-remote-policy"}});
  Err("mail_send", {{"to", {"Amy Chen"}},
                    {"subject", "x"},
                    {"body", "y"},
                    {"attachments", {"f-remote-policy"}}});
}

TEST_F(MailTest, ReplyStaysInTheThreadAndReplyAllKeepsTheOthers) {
  nlohmann::json r = Ok("mail_reply", {{"id", "m-011"}, {"body", "On it."}});
  EXPECT_EQ(r["to"], nlohmann::json({"kate.morgan@northwind.example"}));
  EXPECT_TRUE(r["cc"].empty());
  const Value* m = At("mail", "/messages/" + r["id"].get<std::string>());
  EXPECT_EQ(m->Find("subject")->AsString(), "Re: Halcyon Health disputes late fee on INV-2025-121");
  EXPECT_EQ(m->Find("thread")->AsString(), "t-009");
  EXPECT_EQ(m->Find("in_reply_to")->AsString(), "m-011");
  r = Ok("mail_reply", {{"id", "m-011"}, {"body", "On it."}, {"reply_all", true}});
  EXPECT_EQ(r["cc"],
            nlohmann::json({"ali.hassan@northwind.example", "dana.whitfield@northwind.example"}));
  // Replying to my own sent message goes to its recipients.
  EXPECT_EQ(Ok("mail_reply", {{"id", "m-008"}, {"body", "Ping"}})["to"],
            nlohmann::json({"dana.whitfield@northwind.example"}));
  EXPECT_NE(Err("mail_reply", {{"id", "m-002"}, {"body", "x"}}).find("does not accept replies"),
            std::string::npos);
}

TEST_F(MailTest, ForwardCarriesAttachmentsAndQuotesTheOriginal) {
  nlohmann::json r = Ok("mail_forward", {{"id", "m-001"}, {"to", {"u-achen"}}, {"body", "FYI"}});
  EXPECT_EQ(r["attachments"], 1);
  const Value* m = At("mail", "/messages/" + r["id"].get<std::string>());
  EXPECT_EQ(m->Find("subject")->AsString(),
            "Fwd: CloudNine Hosting invoice INV-4471 (December 2025)");
  EXPECT_EQ(m->At("/attachments/0/file_id")->AsString(), "f-inv-4471");
  const std::string& body = m->Find("body")->AsString();
  EXPECT_EQ(body.rfind("FYI\n\n---------- Forwarded message ----------\nFrom: billing@", 0), 0u);
  Err("mail_forward", {{"id", "m-404"}, {"to", {"u-achen"}}});
}

TEST_F(MailTest, LabelsAddRemoveAndCount) {
  EXPECT_EQ(
      Ok("mail_label", {{"id", "m-001"}, {"add", {"starred"}}, {"remove", {"unread"}}})["labels"],
      nlohmann::json({"inbox", "starred"}));
  EXPECT_NE(Err("mail_label", {{"id", "m-001"}, {"add", {"urgent"}}}).find("mail_create_label"),
            std::string::npos);
  Err("mail_label", {{"id", "m-001"}, {"add", {"sent"}}});
  Err("mail_label", {{"id", "m-001"}});
  Ok("mail_create_label", {{"name", "urgent"}});
  Err("mail_create_label", {{"name", "urgent"}});
  Ok("mail_label", {{"id", "m-004"}, {"add", {"urgent"}}});
  const nlohmann::json listed = Ok("mail_list_labels", nlohmann::json::object());
  int seen = 0;
  for (const auto& l : listed["labels"]) {
    if (l["name"] == "inbox") {
      ++seen;
      EXPECT_EQ(l["messages"], 11);
      EXPECT_EQ(l["unread"], 5);
    }
    if (l["name"] == "urgent") {
      ++seen;
      EXPECT_EQ(l["unread"], 1);
    }
  }
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace workplace

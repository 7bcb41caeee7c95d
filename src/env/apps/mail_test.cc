// mail tools: normal paths and the errors an agent gets.
#include "env/apps/apps_test_util.h"

namespace env::apps {
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
}  // namespace env::apps

// files tools: normal paths and the errors an agent gets.
#include "workplace/apps_test_util.h"

namespace workplace {
namespace {

using FilesTest = WorkplaceTest;

TEST_F(FilesTest, ListResolvesIdsAndPaths) {
  nlohmann::json root = Ok("files_list", nlohmann::json::object());
  EXPECT_EQ(root["path"], "/");
  EXPECT_EQ(root["folders"].size(), 6u);
  nlohmann::json inv = Ok("files_list", {{"folder", "finance/invoices"}});
  EXPECT_EQ(inv["folder"], "fo-finance-invoices");
  EXPECT_EQ(inv["path"], "/Finance/Invoices");
  ASSERT_EQ(inv["files"].size(), 1u);
  EXPECT_EQ(inv["files"][0]["id"], "f-inv-4388");
  EXPECT_EQ(Ok("files_list", {{"folder", "fo-finance-invoices"}}), inv);
  EXPECT_NE(Err("files_list", {{"folder", "Finance/Receipts"}}).find("files_list"),
            std::string::npos);
}

TEST_F(FilesTest, ReadAndSearch) {
  nlohmann::json f = Ok("files_read", {{"id", "f-pto-policy"}});
  EXPECT_EQ(f["path"], "/People/Policies");
  EXPECT_EQ(f["link"], "https://files.northwind.example/d/f-pto-policy");
  EXPECT_NE(f["content"].get<std::string>().find("1.75 days"), std::string::npos);
  nlohmann::json hits = Ok("files_search", {{"query", "cloudnine invoice"}})["files"];
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(
      Ok("files_search", {{"query", "cloudnine invoice"}, {"folder", "Mail attachments"}})["files"]
          .size(),
      1u);
  EXPECT_TRUE(Ok("files_search", {{"query", "zebra"}})["files"].empty());
  Err("files_read", {{"id", "f-none"}});
}

TEST_F(FilesTest, CreateUpdateAndNameClashes) {
  nlohmann::json r =
      Ok("files_create", {{"name", "Notes.md"}, {"folder", "Finance"}, {"content", "a\n"}});
  const std::string id = r["id"];
  EXPECT_EQ(r["link"], "https://files.northwind.example/d/" + id);
  EXPECT_EQ(At("files", "/files/" + id + "/owner")->AsString(), "u-lmartins");
  EXPECT_EQ(At("files", "/files/" + id + "/created")->AsString(), "2026-01-01T00:00:00Z");
  EXPECT_NE(Err("files_create", {{"name", "Notes.md"}, {"folder", "fo-finance"}, {"content", ""}})
                .find("already exists"),
            std::string::npos);
  clock_.Advance(3600LL * 1'000'000);
  Ok("files_update", {{"id", id}, {"content", "b\n"}, {"mode", "append"}});
  EXPECT_EQ(At("files", "/files/" + id + "/content")->AsString(), "a\nb\n");
  EXPECT_EQ(At("files", "/files/" + id + "/modified")->AsString(), "2026-01-01T01:00:00Z");
  Ok("files_update", {{"id", id}, {"content", "c"}});
  EXPECT_EQ(At("files", "/files/" + id + "/content")->AsString(), "c");
  Err("files_update", {{"id", id}, {"content", "c"}, {"mode", "prepend"}});
}

TEST_F(FilesTest, MoveFoldersShareAndTrash) {
  Ok("files_move", {{"id", "f-inv-4471"}, {"folder", "Finance/Invoices"}});
  EXPECT_EQ(At("files", "/files/f-inv-4471/folder")->AsString(), "fo-finance-invoices");
  EXPECT_NE(Err("files_move", {{"id", "f-inv-4471"}, {"folder", "fo-finance-invoices"}})
                .find("already in"),
            std::string::npos);
  nlohmann::json folder =
      Ok("files_create_folder", {{"name", "2025"}, {"parent", "Finance/Invoices"}});
  EXPECT_EQ(folder["path"], "/Finance/Invoices/2025");
  Err("files_create_folder", {{"name", "2025"}, {"parent", "Finance/Invoices"}});
  Err("files_create_folder", {{"name", "a/b"}});
  Ok("files_move", {{"id", "f-inv-4471"}, {"folder", "Finance/Invoices/2025"}});
  nlohmann::json shared = Ok(
      "files_share",
      {{"id", "f-inv-4471"}, {"people", {"Amy Chen", "u-achen", "omar.haddad@northwind.example"}}});
  EXPECT_EQ(shared["shared_with"], nlohmann::json({"u-achen", "u-ohaddad"}));
  EXPECT_NE(Err("files_share", {{"id", "f-inv-4471"}, {"people", {"Zed"}}}).find("chat_list_users"),
            std::string::npos);
  Ok("files_delete", {{"id", "f-expense-policy-copy"}});
  Err("files_delete", {{"id", "f-expense-policy-copy"}});
  Err("files_update", {{"id", "f-expense-policy-copy"}, {"content", "x"}});
  EXPECT_EQ(Ok("files_list", {{"folder", "People/Policies"}})["files"].size(), 3u);
  // The trashed copy no longer blocks its name.
  Ok("files_create", {{"name", "Travel and Expense Policy (1).md"},
                      {"folder", "People/Policies"},
                      {"content", ""}});
}

}  // namespace
}  // namespace workplace

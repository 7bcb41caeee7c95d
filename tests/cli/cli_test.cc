// The offline commands as a user runs them: the real `assay` binary on a database file, its
// stdout, stderr and exit status. The project and its submissions are set up through
// work::Service (there is no command for them); everything checked is what the binary printed
// or left in the file.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/uuid7.h"
#include "storage/migrations.h"
#include "work/service.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Result {
  int status = -1;
  std::string out, err;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  return lines;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("assay_cli_" + std::to_string(getpid()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "cli.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `assay ARGS` with stdout and stderr captured separately.
  Result Assay(const std::string& args) {
    const fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    const std::string cmd = std::string(ASSAY_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
    Result r;
    int raw = std::system(cmd.c_str());
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }

  // Opens the same database file the binary uses (between runs, never during one).
  struct Offline {
    explicit Offline(const std::string& path)
        : ids(clock, 7), db(std::move(storage::OpenAndMigrate(path, clock)).value()), svc(*db, clock, ids) {}
    base::SystemClock clock;
    base::Uuid7Generator ids;
    std::unique_ptr<storage::Db> db;
    work::Service svc;
  };

  // A manager (made with the binary) and a project with a text + choice template.
  std::string MakeProject() {
    Result m = Assay("token create --db " + db_ + " --email boss@x.org --role manager");
    EXPECT_EQ(m.status, 0) << m.err;
    Offline o(db_);
    work::Caller boss = o.svc.AuthenticateBearer(Lines(m.out).at(0)).value();
    work::ProjectFields f;
    f.name = "cli";
    f.overlap = 2;
    f.template_json = R"([{"type":"text","name":"t","source":"t"},{"type":"choice","name":"c","options":["x","y"]},{"type":"textarea","name":"note"}])";
    return o.svc.CreateProject(boss, f).value().id;
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(CliTest, TokenCreatePrintsOnlyATokenAndCreatesTheUserOnce) {
  Result a = Assay("token create --db " + db_ + " --email Ann@Example.org --role expert");
  ASSERT_EQ(a.status, 0) << a.err;
  std::vector<std::string> lines = Lines(a.out);
  ASSERT_EQ(lines.size(), 1u) << a.out;
  EXPECT_TRUE(std::regex_match(lines[0], std::regex("[A-Za-z0-9_-]{20,}"))) << lines[0];

  Result b = Assay("token create --db " + db_ + " --email ann@example.org --role expert");
  ASSERT_EQ(b.status, 0) << b.err;
  ASSERT_EQ(Lines(b.out).size(), 1u) << b.out;
  EXPECT_NE(Lines(b.out)[0], lines[0]);

  Offline o(db_);
  auto first = o.svc.AuthenticateBearer(lines[0]);
  auto second = o.svc.AuthenticateBearer(Lines(b.out)[0]);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->user_id, second->user_id);
  EXPECT_EQ(first->role, work::Role::kExpert);
  auto users = o.db->Query("SELECT COUNT(*) FROM users WHERE email = 'ann@example.org'");
  ASSERT_TRUE(users);
  EXPECT_EQ((*users)[0].Int(0), 1);
}

TEST_F(CliTest, TokenCreateRejectsAnUnknownRole) {
  Result r = Assay("token create --db " + db_ + " --email x@y.org --role wizard");
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("role"), std::string::npos) << r.err;
}

TEST_F(CliTest, ImportReportsEachBadLineAndDoesNotDuplicateOnReimport) {
  const std::string project = MakeProject();
  const fs::path file = dir_ / "items.jsonl";
  {
    std::ofstream f(file);
    f << R"({"id":"a","data":{"t":"first"}})" << "\n"
      << R"({"id":"b","data":{"t":"second"}})" << "\n"
      << R"({"id":"c","data":{"text":"wrong key"}})" << "\n"   // line 3: the template needs data.t
      << R"({"id":"d","data":{"t":"fourth"},"colour":"red"})" << "\n"  // line 4: unknown key
      << "{not json\n"                                                  // line 5
      << R"({"id":"e","data":{"t":"fifth"}})" << "\n";
  }
  Result first = Assay("import --db " + db_ + " --project " + project + " " + file.string());
  EXPECT_EQ(first.status, 2) << first.err;  // some lines were bad
  json summary = json::parse(first.out);
  EXPECT_EQ(summary["imported"], 3);
  EXPECT_EQ(summary["skipped"], 0);
  EXPECT_EQ(summary["error_count"], 3);
  std::vector<int> bad_lines;
  for (const auto& e : summary["errors"]) bad_lines.push_back(e["line"]);
  EXPECT_EQ(bad_lines, (std::vector<int>{3, 4, 5}));
  // stderr names the file and line of each error, then the counts.
  EXPECT_NE(first.err.find(file.string() + ":3: "), std::string::npos) << first.err;
  EXPECT_NE(first.err.find(file.string() + ":4: unknown key \"colour\""), std::string::npos) << first.err;
  EXPECT_NE(first.err.find(file.string() + ":5: "), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("imported 3, skipped 0"), std::string::npos) << first.err;

  Result again = Assay("import --db " + db_ + " --project " + project + " " + file.string());
  json second = json::parse(again.out);
  EXPECT_EQ(second["imported"], 0);
  EXPECT_EQ(second["skipped"], 3);
  EXPECT_EQ(second["error_count"], 3);

  Offline o(db_);
  auto items = o.db->Query("SELECT external_id FROM items WHERE project_id = ? ORDER BY seq", {project});
  ASSERT_TRUE(items);
  std::vector<std::string> ids;
  for (const auto& r : *items) ids.push_back(r.Text(0));
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "e"}));
}

TEST_F(CliTest, ImportOfAMissingFileOrProjectFailsClearly) {
  const std::string project = MakeProject();
  Result missing = Assay("import --db " + db_ + " --project " + project + " " + (dir_ / "nope.jsonl").string());
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
  const fs::path file = dir_ / "one.jsonl";
  std::ofstream(file) << R"({"data":{"t":"x"}})" << "\n";
  Result nowhere = Assay("import --db " + db_ + " --project no-such-project " + file.string());
  EXPECT_EQ(nowhere.status, 1);
  EXPECT_TRUE(nowhere.out.empty()) << nowhere.out;
  EXPECT_FALSE(nowhere.err.empty());
}

TEST_F(CliTest, ExportWritesOneLinePerItemWithTheSubmissionsAsSubmitted) {
  const std::string project = MakeProject();
  const fs::path file = dir_ / "items.jsonl";
  std::ofstream(file) << R"({"id":"a","data":{"t":"first"}})" << "\n"
                      << R"({"id":"b","data":{"t":"second"}})" << "\n"
                      << R"({"id":"c","data":{"t":"third"}})" << "\n";
  ASSERT_EQ(Assay("import --db " + db_ + " --project " + project + " " + file.string()).status, 0);
  // Two experts answer; the answers keep their own key order and escapes.
  const std::vector<std::string> answers = {R"({ "note" : "caf\u00e9 \"q\"", "c":"y"})", R"({"c":"x","note":"plain"})"};
  std::map<std::string, std::vector<std::string>> submitted;  // item external id → answers
  std::map<std::string, std::string> item_external;
  {
    Offline o(db_);
    auto item_rows = o.db->Query("SELECT id, external_id FROM items WHERE project_id = ?", {project});
    for (const auto& r : *item_rows) item_external[r.Text(0)] = r.Text(1);
    auto boss = o.db->Query("SELECT id FROM users WHERE email = 'boss@x.org'");
    work::Caller manager{(*boss)[0].Text(0), work::Role::kManager};
    for (int e = 0; e < 2; ++e) {
      const std::string email = "e" + std::to_string(e) + "@x.org";
      work::User u = o.svc.EnsureUser(email, work::Role::kExpert).value();
      ASSERT_TRUE(o.svc.AddMember(manager, project, u.id, "expert"));
      work::Caller expert{u.id, u.role};
      auto lease = o.svc.AcquireLease(expert, project).value();
      ASSERT_TRUE(lease);
      work::SubmitRequest req;
      req.assignment_id = lease->assignment_id;
      req.lease_token = lease->lease_token;
      req.client_submission_id = "s" + std::to_string(e);
      req.answer_json = answers[static_cast<size_t>(e)];
      req.active_ms = 1000 + e;
      ASSERT_TRUE(o.svc.Submit(expert, req));
      submitted[item_external[lease->item_id]].push_back(answers[static_cast<size_t>(e)]);
    }
  }
  Result r = Assay("export --db " + db_ + " --project " + project);
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  std::vector<std::string> order;
  size_t total = 0;
  for (const std::string& line : lines) {
    json item = json::parse(line);
    order.push_back(item["external_id"]);
    std::vector<std::string> got;
    for (const auto& s : item["submissions"]) {
      // The answer text appears in the line byte for byte as it was submitted.
      got.push_back(s["answer"].dump());
      EXPECT_NE(line.find(std::string(s["client_submission_id"]) == "s0" ? answers[0] : answers[1]), std::string::npos)
          << line;
    }
    std::vector<std::string> want;
    for (const std::string& a : submitted[item["external_id"]]) want.push_back(json::parse(a).dump());
    EXPECT_EQ(got, want) << line;
    total += got.size();
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c"}));  // import order
  EXPECT_EQ(total, 2u);
  EXPECT_NE(r.err.find("exported 3 item(s)"), std::string::npos) << r.err;

  // --out writes the same lines to a file.
  const fs::path out = dir_ / "export.jsonl";
  ASSERT_EQ(Assay("export --db " + db_ + " --project " + project + " --out " + out.string()).status, 0);
  EXPECT_EQ(Slurp(out), r.out);
}

TEST_F(CliTest, HelpWorksOnEverySubcommand) {
  for (const std::string sub : {"serve", "demo", "migrate", "import", "export", "token", "token create", "quality", "env"}) {
    Result r = Assay(sub + " --help");
    EXPECT_EQ(r.status, 0) << sub << ": " << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub << ": " << r.out;
    EXPECT_NE(r.out.find("--help"), std::string::npos) << sub;
  }
  Result top = Assay("--help");
  EXPECT_EQ(top.status, 0);
  for (const std::string sub : {"serve", "demo", "migrate", "import", "export", "token", "quality", "env"}) {
    EXPECT_NE(top.out.find(sub), std::string::npos) << sub;
  }
  Result unknown = Assay("frobnicate");
  EXPECT_NE(unknown.status, 0);
}

}  // namespace

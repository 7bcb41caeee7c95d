// The offline commands as a user runs them: the real `assay` binary on a database file, its
// stdout, stderr and exit status. The project and its submissions are set up through
// work::Service (there is no command for them); everything checked is what the binary printed
// or left in the file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/uuid7.h"
#include "storage/migrations.h"
#include "accounts/service.h"
#include "money/service.h"
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
        : ids(clock, 7),
          db(std::move(storage::OpenAndMigrate(path, clock)).value()),
          accounts(*db, clock, ids),
          svc(*db, clock, ids) {}
    base::SystemClock clock;
    base::Uuid7Generator ids;
    std::unique_ptr<storage::Db> db;
    accounts::Service accounts;
    work::Service svc;
  };

  // A manager (made with the binary) and a project with a text + choice template.
  std::string MakeProject() {
    Result m = Assay("token create --db " + db_ + " --email boss@x.org --role manager");
    EXPECT_EQ(m.status, 0) << m.err;
    Offline o(db_);
    accounts::Caller boss = o.accounts.AuthenticateBearer(Lines(m.out).at(0)).value();
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
  auto first = o.accounts.AuthenticateBearer(lines[0]);
  auto second = o.accounts.AuthenticateBearer(Lines(b.out)[0]);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->user_id, second->user_id);
  EXPECT_EQ(first->role, accounts::Role::kExpert);
  auto users = o.db->Query("SELECT COUNT(*) FROM users WHERE email = 'ann@example.org'");
  ASSERT_TRUE(users);
  EXPECT_EQ((*users)[0].Int(0), 1);
}

// `token list` shows each token with its state and expiry; `token revoke` ends one (it no longer
// authenticates) and leaves the others; --expires-days sets the expiry and refuses past 366.
TEST_F(CliTest, TokensAreListedWithTheirExpiryAndRevokedById) {
  Result a = Assay("token create --db " + db_ + " --email ann@x.org --role expert --name laptop --expires-days 7");
  ASSERT_EQ(a.status, 0) << a.err;
  Result b = Assay("token create --db " + db_ + " --email ann@x.org --role expert --name agent");
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_NE(Assay("token create --db " + db_ + " --email ann@x.org --expires-days 400").status, 0);

  Result listed = Assay("token list --db " + db_ + " --email ann@x.org");
  ASSERT_EQ(listed.status, 0) << listed.err;
  std::vector<std::string> lines = Lines(listed.out);
  ASSERT_EQ(lines.size(), 2u) << listed.out;
  std::string laptop_id;
  const auto now = std::chrono::system_clock::now();
  for (const std::string& line : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, std::regex(R"((\S+)  live  expires (\d{4})-(\d\d)-(\d\d)\S*  (\S+))")))
        << line;
    const std::chrono::year_month_day day{std::chrono::year(std::stoi(m[2])), std::chrono::month(std::stoi(m[3])),
                                          std::chrono::day(std::stoi(m[4]))};
    const auto days = std::chrono::duration_cast<std::chrono::hours>(std::chrono::sys_days(day) - now).count() / 24;
    if (m[5] == "laptop") {
      laptop_id = m[1];
      EXPECT_TRUE(days >= 5 && days <= 7) << line;
    } else {
      EXPECT_TRUE(days >= 88 && days <= 90) << "90 days by default: " << line;
    }
  }
  ASSERT_FALSE(laptop_id.empty()) << listed.out;

  Result revoked = Assay("token revoke --db " + db_ + " --id " + laptop_id);
  ASSERT_EQ(revoked.status, 0) << revoked.err;
  EXPECT_EQ(revoked.out, "revoked " + laptop_id + "\n");
  {
    Offline o(db_);
    EXPECT_FALSE(o.accounts.AuthenticateBearer(Lines(a.out)[0])) << "a revoked token signs nobody in";
    EXPECT_TRUE(o.accounts.AuthenticateBearer(Lines(b.out)[0])) << "the other token still works";
  }
  Result after = Assay("token list --db " + db_ + " --email ann@x.org");
  EXPECT_NE(after.out.find(laptop_id + "  revoked"), std::string::npos) << after.out;
  EXPECT_NE(Assay("token revoke --db " + db_ + " --id no-such-token").status, 0);
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

TEST_F(CliTest, ImportReadsCsvWithAMappingAndLabelStudioTasks) {
  const std::string project = MakeProject();
  const fs::path csv = dir_ / "items.csv";
  std::ofstream(csv) << "key,question\n"
                     << "q1,\"Is it, really?\"\n"
                     << "q2,\"two\nlines\"\n"
                     << "q3\n";  // line 4: one field, the header has two
  Result r = Assay("import --db " + db_ + " --project " + project + " --format csv --mapping '{\"key\":\"id\",\"question\":\"t\"}' " +
                   csv.string());
  EXPECT_EQ(r.status, 2) << r.err;
  json summary = json::parse(r.out);
  EXPECT_EQ(summary["imported"], 2);
  ASSERT_EQ(summary["errors"].size(), 1u);
  EXPECT_EQ(summary["errors"][0]["line"], 5);  // the quoted newline counts: q3 is on line 5
  const fs::path tasks = dir_ / "tasks.json";
  std::ofstream(tasks) << R"([{"id": 9, "data": {"t": "from Label Studio"},
      "annotations": [{"result": [{"from_name": "c", "to_name": "t", "type": "choices", "value": {"choices": ["y"]}},
                                  {"from_name": "note", "to_name": "t", "type": "textarea", "value": {"text": ["fine"]}}]}]}])";
  Result ls = Assay("import --db " + db_ + " --project " + project + " --format labelstudio " + tasks.string());
  ASSERT_EQ(ls.status, 0) << ls.err;
  EXPECT_EQ(json::parse(ls.out)["prior_labels"], 1);

  Offline o(db_);
  auto items = o.db->Query("SELECT external_id, data FROM items WHERE project_id = ? ORDER BY seq", {project});
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ(json::parse((*items)[1].Text(1)), json({{"t", "two\nlines"}}));
  EXPECT_EQ((*items)[2].Text(0), "9");
  auto prior = o.db->Query("SELECT answer FROM prior_labels WHERE project_id = ?", {project});
  ASSERT_EQ(prior->size(), 1u);
  EXPECT_EQ(json::parse((*prior)[0].Text(0)), json({{"c", "y"}, {"note", "fine"}}));  // in the project's answer shape
  Result bad = Assay("import --db " + db_ + " --project " + project + " --format xml " + tasks.string());
  EXPECT_NE(bad.status, 0);
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
    accounts::Caller manager{(*boss)[0].Text(0), accounts::Role::kManager};
    for (int e = 0; e < 2; ++e) {
      const std::string email = "e" + std::to_string(e) + "@x.org";
      accounts::User u = o.accounts.EnsureUser(email, accounts::Role::kExpert).value();
      ASSERT_TRUE(o.svc.AddMember(accounts::Caller::System(), project, u.id, "expert"));
      accounts::Caller expert{u.id, u.role};
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

TEST_F(CliTest, ExportWritesEveryFormatWithItsManifestBesideIt) {
  const std::string project = MakeProject();
  const fs::path file = dir_ / "items.jsonl";
  std::ofstream(file) << R"({"id":"a","data":{"t":"first, with a comma"}})" << "\n" << R"({"id":"b","data":{"t":"second"}})" << "\n";
  ASSERT_EQ(Assay("import --db " + db_ + " --project " + project + " " + file.string()).status, 0);
  const fs::path csv = dir_ / "out.csv";
  Result r = Assay("export --db " + db_ + " --project " + project + " --format csv --out " + csv.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(Lines(Slurp(csv)).size(), 3u);  // the header, a row per item (no submissions yet)
  EXPECT_NE(Slurp(csv).find("\"{\"\"t\"\":\"\"first, with a comma\"\"}\""), std::string::npos) << Slurp(csv);
  json manifest = json::parse(Slurp(fs::path(csv.string() + ".manifest.json")));
  EXPECT_EQ(manifest["format"], "csv");
  EXPECT_EQ(manifest["counts"]["items"], 2);
  EXPECT_EQ(manifest["project_id"], project);
  EXPECT_FALSE(fs::exists(csv.string() + ".partial"));

  Result ls = Assay("export --db " + db_ + " --project " + project + " --format labelstudio");
  ASSERT_EQ(ls.status, 0) << ls.err;
  json tasks = json::parse(ls.out);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[1]["meta"]["external_id"], "b");
  EXPECT_NE(ls.err.find("\"format\":\"labelstudio\""), std::string::npos) << ls.err;  // the manifest
  EXPECT_NE(Assay("export --db " + db_ + " --project " + project + " --format parquet").status, 0);
  Result nowhere = Assay("export --db " + db_ + " --project nope --format dpo --out " + (dir_ / "x.jsonl").string());
  EXPECT_EQ(nowhere.status, 1);
  EXPECT_FALSE(fs::exists(dir_ / "x.jsonl"));
}

// `assay ledger audit`: 0 when every invariant holds, 1 with a report naming the violation, 2
// on a usage error (no --db; a database that cannot be opened).
TEST_F(CliTest, LedgerAuditExitsZeroOneOrTwo) {
  const std::string project = MakeProject();
  {
    Offline o(db_);
    money::Service money(*o.db, o.clock, o.ids);
    ASSERT_TRUE(money.SetPay(accounts::Caller::System(), project, R"({"currency":"USD","per_item_cents":100})"));
    ASSERT_TRUE(money.Fund(accounts::Caller::System(), project, 10'000, "USD", "po-1"));
  }
  Result ok = Assay("ledger audit --db " + db_);
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("all invariants hold"), std::string::npos) << ok.out;
  {
    Offline o(db_);
    ASSERT_TRUE(o.db->Write([](storage::Conn& c) -> base::Status {
      ASSAY_TRY(c.Exec("UPDATE ledger_accounts SET balance_cents = balance_cents + 1 WHERE kind = 'project_budget'"));
      return base::Ok();
    }));
  }
  Result bad = Assay("ledger audit --db " + db_);
  EXPECT_EQ(bad.status, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("balance_mismatch"), std::string::npos) << bad.out;
  EXPECT_EQ(Assay("ledger audit").status, 2);
  EXPECT_EQ(Assay("ledger audit --db " + (dir_ / "no/such/dir/x.db").string()).status, 2);
}

// `assay payouts batch|export|paid` on the database: the batch a rerun answers is the same one,
// and the payments are posted once.
TEST_F(CliTest, PayoutsBatchExportPaidOnce) {
  const std::string project = MakeProject();
  std::string expert_id;
  {
    Offline o(db_);
    money::Service money(*o.db, o.clock, o.ids);
    ASSERT_TRUE(money.Fund(accounts::Caller::System(), project, 10'000, "USD", "po-1"));
    expert_id = o.accounts.EnsureUser("e@x.org", accounts::Role::kExpert).value().id;
    money::Posting p{.idempotency_key = "earned", .kind = "adjustment", .currency = "USD"};
    p.lines = {{{std::string(money::kExpertPayable), expert_id}, 2'500}, {{std::string(money::kCash), ""}, -2'500}};
    ASSERT_TRUE(money.ledger().PostOne(*o.db, p, o.clock.NowMicros()));
  }
  Result b1 = Assay("payouts batch --db " + db_ + " --min-cents 1000 --key week-1");
  ASSERT_EQ(b1.status, 0) << b1.err;
  EXPECT_NE(b1.out.find("e@x.org  25.00 USD"), std::string::npos) << b1.out;
  Result b2 = Assay("payouts batch --db " + db_ + " --min-cents 1000 --key week-1");
  ASSERT_EQ(b2.status, 0) << b2.err;
  const std::string batch = Lines(b1.out).at(0).substr(6, 36);
  EXPECT_EQ(Lines(b2.out).at(0).substr(6, 36), batch);
  Result csv = Assay("payouts export --db " + db_ + " --batch " + batch);
  ASSERT_EQ(csv.status, 0) << csv.err;
  EXPECT_EQ(Lines(csv.out).size(), 2u) << csv.out;
  EXPECT_EQ(Assay("payouts paid --db " + db_ + " --batch " + batch).status, 0);
  EXPECT_EQ(Assay("payouts paid --db " + db_ + " --batch " + batch).status, 0);
  Result audit = Assay("ledger audit --db " + db_);
  EXPECT_EQ(audit.status, 0) << audit.out;
  Offline o(db_);
  int64_t paid_cents = -1;
  ASSERT_TRUE(o.db->Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query("SELECT balance_cents FROM ledger_accounts WHERE "
                                                       "kind = 'expert_paid' AND owner = ?",
                                                       {expert_id}));
    if (rows.size() == 1) paid_cents = rows[0].Int(0);
    return base::Ok();
  }));
  EXPECT_EQ(paid_cents, 2'500);
}

// One number from the database file, read while another process may be writing it.
int64_t CountIn(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 1000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

// Starts `assay ARGS`, waits until `sql` counts at least `at_least` (or the process ends, or
// 60 s pass), then kills it with SIGKILL. Returns the count seen when it was killed.
int64_t KillMidway(const std::string& db, const std::vector<std::string>& args, const std::string& sql,
                   int64_t at_least) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv = {const_cast<char*>(ASSAY_BINARY)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stdout);
    execv(ASSAY_BINARY, argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int64_t seen = 0;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline && waitpid(pid, &status, WNOHANG) == 0) {
    seen = CountIn(db, sql);
    if (seen >= at_least) break;
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return seen;
}

// Issue 14: kill -9 while a payout batch is built, and again while it is marked paid; each rerun
// finishes the same batch and every expert is paid exactly her balance, once.
TEST_F(CliTest, KillDashNineDuringAPayoutBatchThenARerunPaysOnce) {
  constexpr int kExperts = 400;
  std::vector<std::string> experts;
  {
    Offline o(db_);
    money::Service money(*o.db, o.clock, o.ids);
    money::Posting p{.idempotency_key = "earned", .kind = "adjustment", .currency = "USD"};
    int64_t total = 0;
    for (int i = 0; i < kExperts; ++i) {
      experts.push_back(o.accounts.EnsureUser("e" + std::to_string(i) + "@x.org", accounts::Role::kExpert).value().id);
      p.lines.push_back({{std::string(money::kExpertPayable), experts.back()}, 1'000 + i});
      total += 1'000 + i;
    }
    p.lines.push_back({{std::string(money::kCash), ""}, -total});
    ASSERT_TRUE(money.ledger().PostOne(*o.db, p, o.clock.NowMicros()));
  }
  const std::string file = db_;
  const int64_t built = KillMidway(file, {"payouts", "batch", "--db", db_, "--min-cents", "1", "--key", "k", "--chunk", "1"},
                                   "SELECT count(*) FROM payouts", kExperts / 4);
  Result rebuilt = Assay("payouts batch --db " + db_ + " --min-cents 1 --key k");
  ASSERT_EQ(rebuilt.status, 0) << rebuilt.err;
  EXPECT_EQ(CountIn(file, "SELECT count(*) FROM payouts"), kExperts);
  const std::string batch = Lines(rebuilt.out).at(0).substr(6, 36);
  const int64_t paid = KillMidway(file, {"payouts", "paid", "--db", db_, "--batch", batch, "--chunk", "1"},
                                  "SELECT count(*) FROM payouts WHERE status = 'paid'", kExperts / 4);
  Result repaid = Assay("payouts paid --db " + db_ + " --batch " + batch);
  ASSERT_EQ(repaid.status, 0) << repaid.err;
  std::cout << "killed after " << built << " payouts built and " << paid << " paid, of " << kExperts << "\n";
  EXPECT_EQ(CountIn(file, "SELECT count(*) FROM payout_batches"), 1);
  EXPECT_EQ(CountIn(file, "SELECT count(*) FROM payouts WHERE status = 'paid'"), kExperts);
  EXPECT_EQ(CountIn(file, "SELECT count(*) FROM ledger_accounts WHERE kind = 'expert_paid' AND "
                          "balance_cents = 1000 + (SELECT CAST(substr(u.email, 2, instr(u.email, '@') - 2) AS INTEGER) "
                          "FROM users u WHERE u.id = ledger_accounts.owner)"),
            kExperts);
  EXPECT_EQ(CountIn(file, "SELECT count(*) FROM ledger_accounts WHERE kind = 'expert_payable' AND balance_cents <> 0"), 0);
  Result audit = Assay("ledger audit --db " + db_);
  EXPECT_EQ(audit.status, 0) << audit.out;
}

TEST_F(CliTest, HelpWorksOnEverySubcommand) {
  for (const std::string sub : {"serve", "demo", "migrate", "import", "export", "token", "token create", "quality", "env",
                                "ledger audit", "payouts batch"}) {
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

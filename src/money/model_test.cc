// Issue 14's model-based test: a million random operations — fund, approve, reject after an
// approval (a reversal), reverse a funding, batch, mark paid, retries with the same keys and
// with another body, and a simulated crash (a process killed before or after a COMMIT) between
// any two writes followed by a restart and a rerun — against a small in-memory model of every
// account; the balances must equal the model's after every step. `make test` runs 50,000 on
// SQLite and 3,000 on PostgreSQL (each write is a network round trip); ASSAY_MODEL_OPS sets
// the count: `ASSAY_MODEL_OPS=1000000 build/src/money/money_model_test` is the million-step run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>

#include "accounts/service.h"
#include "base/rng.h"
#include "money/money_testing.h"
#include "storage/migrations.h"
#include "storage/test_db.h"
#include "work/service.h"

namespace money {
namespace {

using accounts::Caller;
using accounts::Role;
using Faulty = testing::FaultyDb;

constexpr int kProjects = 3, kExperts = 8;
constexpr int64_t kHourly = 2400;

struct Sub {
  std::string id;
  int project = 0, expert = 0;
  int64_t paid_ms = 0;
  std::string state = "pending";
};

class ModelTest : public ::testing::TestWithParam<storage::Dialect> {
 protected:
  void SetUp() override {
    test_db_ = std::make_unique<storage::TestDb>(GetParam());
    storage::DbOptions o;
    o.sqlite.synchronous_full = false;  // a throwaway database: durability is not what is tested
    auto db = test_db_->Open(o);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(storage::Migrate(*db_, clock_));
    faulty_ = std::make_unique<Faulty>(*db_);
    accounts::Options ao;
    ao.fast_password_hashing_for_tests = true;
    accounts_ = std::make_unique<accounts::Service>(*db_, clock_, ids_, ao);
    manager_ = Make("m@example.com", Role::kManager);
    admin_ = Make("admin@example.com", Role::kAdmin);
    for (int e = 0; e < kExperts; ++e) experts_.push_back(Make("e" + std::to_string(e) + "@example.com", Role::kExpert));
    Restart();
  }
  void TearDown() override {
    money_.reset();
    work_.reset();
  }
  Caller Make(const std::string& email, Role role) {
    auto u = accounts_->EnsureUser(email, role);
    EXPECT_TRUE(u);
    return {u->id, role};
  }
  // A new process: fresh services (their caches gone) on the same database.
  void Restart() {
    if (work_) work_->SetPayObserver(nullptr);
    money_.reset();
    work_ = std::make_unique<work::Service>(*faulty_, clock_, ids_);
    money_ = std::make_unique<Service>(*faulty_, clock_, ids_, Options{.work = work_.get()});
    work_->SetPayObserver(money_.get());
  }

  void MakeProjects(int64_t submissions_per_project) {
    for (int p = 0; p < kProjects; ++p) {
      work::ProjectFields f;
      f.name = "P" + std::to_string(p);
      f.template_json = R"([{"type":"choice","name":"label","options":["a","b"]}])";
      auto project = work_->CreateProject(manager_, f);
      ASSERT_TRUE(project) << project.error().ToString();
      projects_.push_back(project->id);
      per_item_.push_back(500 + 500 * p);
      ASSERT_TRUE(money_->SetPay(manager_, project->id,
                                 R"({"currency":"USD","per_item_cents":)" + std::to_string(per_item_.back()) +
                                     R"(,"hourly_cents":)" + std::to_string(kHourly) + "}"));
      for (const Caller& e : experts_) ASSERT_TRUE(work_->AddMember(Caller::System(), project->id, e.user_id, "expert"));
      SeedSubmissions(p, submissions_per_project);
    }
  }
  // Submitted work to review, written straight into the tables (leasing a million items through
  // the loop is not what is tested): a claimed time and the time its lease was held.
  void SeedSubmissions(int p, int64_t n) {
    base::Rng rng(77 + p);
    constexpr int64_t kChunk = 5000;
    for (int64_t at = 0; at < n; at += kChunk) {
      ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
        for (int64_t i = at; i < std::min(n, at + kChunk); ++i) {
          Sub s;
          s.project = p;
          s.expert = static_cast<int>(rng.Below(kExperts));
          const int64_t held_ms = 1000 + static_cast<int64_t>(rng.Below(600'000));
          const int64_t claimed_ms = static_cast<int64_t>(rng.Below(900'000));
          s.paid_ms = std::min(claimed_ms, held_ms);
          const std::string n_ = std::to_string(p) + "-" + std::to_string(i);
          const std::string item = "item-" + n_, assignment = "asg-" + n_;
          s.id = "sub-" + n_;
          const std::string& expert = experts_[static_cast<size_t>(s.expert)].user_id;
          ASSAY_TRY(c.Exec("INSERT INTO items (id, project_id, seq, data, created_at_us) VALUES (?, ?, ?, '{}', 0)",
                           {item, projects_[static_cast<size_t>(p)], i + 1}));
          // Committed, as an import commits its items (seq from 1; work/items.h): the console's
          // browser rows follow committed items only.
          ASSAY_TRY(c.Exec("UPDATE projects SET items_committed_seq = ? WHERE id = ? AND items_committed_seq < ?",
                           {i + 1, projects_[static_cast<size_t>(p)], i + 1}));
          ASSAY_TRY(c.Exec("INSERT INTO assignments (id, project_id, item_id, expert_id, state, lease_token, "
                           "leased_at_us, lease_expires_at_us, finished_at_us) VALUES (?, ?, ?, ?, 'submitted', 't', ?, ?, ?)",
                           {assignment, projects_[static_cast<size_t>(p)], item, expert, int64_t{1000},
                            int64_t{1000} + held_ms * 1000 + 1, int64_t{1000} + held_ms * 1000}));
          ASSAY_TRY(c.Exec("INSERT INTO submissions (id, assignment_id, project_id, item_id, expert_id, "
                           "client_submission_id, answer, answer_hash, active_ms, submitted_at_us) "
                           "VALUES (?, ?, ?, ?, ?, ?, '{\"label\":\"a\"}', 'h', ?, ?)",
                           {s.id, assignment, projects_[static_cast<size_t>(p)], item, expert, s.id, claimed_ms,
                            int64_t{1000} + held_ms * 1000}));
          pending_.push_back(subs_.size());
          subs_.push_back(std::move(s));
        }
        return base::Ok();
      }));
    }
  }

  // ---- the model ----------------------------------------------------------------------------
  std::string Key(std::string_view kind, const std::string& owner) { return std::string(kind) + "|" + owner; }
  void Move(std::string_view from_kind, const std::string& from, std::string_view to_kind, const std::string& to,
            int64_t cents) {
    model_[Key(from_kind, from)] -= cents;
    model_[Key(to_kind, to)] += cents;
  }
  int64_t& M(std::string_view kind, const std::string& owner) { return model_[Key(kind, owner)]; }
  int64_t Earned(const Sub& s, bool approved) {
    return (approved ? per_item_[static_cast<size_t>(s.project)] : 0) + (s.paid_ms * kHourly + 1'800'000) / 3'600'000;
  }

  // ---- the operations: each returns what the model expects, and applies it once ----------------
  struct Funding { std::string project, key, txn; int64_t cents = 0; bool reversed = false; };

  // Runs op; on a simulated crash, restarts and runs it again (the same request). Returns its
  // result after recovery.
  template <typename Op>
  auto WithCrashes(base::Rng& rng, Op op) {
    // One step in ten arms a crash at one of its next three writes (most steps write once or twice).
    if (rng.Below(10) == 0) {
      faulty_->FailWrite(static_cast<int64_t>(rng.Below(3)),
                         rng.Below(2) ? Faulty::When::kAfterCommit : Faulty::When::kBeforeCommit);
    }
    auto r = op();
    faulty_->Heal();
    if (faulty_->failed()) {
      faulty_->ClearFailed();
      ++crashes_;
      Restart();
      r = op();
    }
    return r;
  }

  void Fund(base::Rng& rng) {
    Funding f{projects_[rng.Below(kProjects)], "f" + std::to_string(fundings_.size()), "",
              static_cast<int64_t>(1 + rng.Below(20'000))};
    auto r = WithCrashes(rng, [&] { return money_->Fund(manager_, f.project, f.cents, "USD", f.key); });
    ASSERT_TRUE(r) << r.error().ToString();
    f.txn = r->txn.id;
    Move(kClientFunding, "", kProjectBudget, f.project, f.cents);
    fundings_.push_back(f);
  }
  void RetryFunding(base::Rng& rng) {
    if (fundings_.empty()) return;
    const Funding& f = fundings_[rng.Below(fundings_.size())];
    auto same = money_->Fund(manager_, f.project, f.cents, "USD", f.key);
    ASSERT_TRUE(same) << same.error().ToString();
    EXPECT_FALSE(same->created);
    EXPECT_EQ(same->txn.id, f.txn);
    auto other = money_->Fund(manager_, f.project, f.cents + 1, "USD", f.key);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code(), base::ErrorCode::kConflict);
  }
  void ReverseFunding(base::Rng& rng) {
    if (fundings_.empty()) return;
    Funding& f = fundings_[rng.Below(fundings_.size())];
    if (f.reversed) return;
    auto r = WithCrashes(rng, [&] { return money_->ReverseTransaction(admin_, f.txn, "funded the wrong project", ""); });
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->txn.reverses_id, f.txn);
    f.reversed = true;
    Move(kProjectBudget, f.project, kClientFunding, "", f.cents);
  }
  void Approve(base::Rng& rng) {
    if (pending_.empty()) return;
    const size_t pick = rng.Below(pending_.size());
    Sub& s = subs_[pending_[pick]];
    pending_[pick] = pending_.back();
    pending_.pop_back();
    auto r = WithCrashes(rng, [&] { return work_->ReviewSubmission(manager_, s.id, "approve", ""); });
    ASSERT_TRUE(r) << r.error().ToString();
    s.state = "approved";
    Move(kProjectBudget, projects_[static_cast<size_t>(s.project)], kExpertPayable,
         experts_[static_cast<size_t>(s.expert)].user_id, Earned(s, true));
    approved_.push_back(&s - subs_.data());
  }
  // A second look rejects an approved submission: its item pay is reversed, its time stays paid
  // — refused when that pay already went out.
  void RejectAfterApproval(base::Rng& rng) {
    if (approved_.empty()) return;
    const size_t pick = rng.Below(approved_.size());
    Sub& s = subs_[approved_[pick]];
    const std::string& expert = experts_[static_cast<size_t>(s.expert)].user_id;
    const int64_t drop = Earned(s, true) - Earned(s, false);
    auto r = WithCrashes(rng, [&] {
      return work_->ReviewSubmission(manager_, s.id, "reject", "On a second look the label contradicts the source.");
    });
    if (M(kExpertPayable, expert) < drop) {
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code(), base::ErrorCode::kFailedPrecondition);
      return;
    }
    ASSERT_TRUE(r) << r.error().ToString();
    s.state = "rejected";
    approved_[pick] = approved_.back();
    approved_.pop_back();
    Move(kExpertPayable, expert, kProjectBudget, projects_[static_cast<size_t>(s.project)], drop);
  }
  void Batch(base::Rng& rng) {
    const int64_t min = static_cast<int64_t>(rng.Below(5000));
    const std::string key = "b" + std::to_string(batches_made_++);
    std::vector<std::pair<std::string, int64_t>> due;
    for (const Caller& e : experts_) {
      const int64_t owed = M(kExpertPayable, e.user_id);
      if (owed > 0 && owed >= min) due.push_back({e.user_id, owed});
    }
    auto r = WithCrashes(rng, [&] { return money_->CreateBatch(admin_, min, "USD", key); });
    if (due.empty()) {
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code(), base::ErrorCode::kFailedPrecondition);
      return;
    }
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->payouts.size(), due.size());
    for (const auto& [expert, owed] : due) Move(kExpertPayable, expert, kCash, "", owed);
    open_batches_.push_back({r->id, due});
    auto again = money_->CreateBatch(admin_, min, "USD", key);  // the same request: the same batch
    ASSERT_TRUE(again);
    EXPECT_EQ(again->id, r->id);
  }
  void MarkPaid(base::Rng& rng) {
    if (open_batches_.empty()) return;
    const size_t pick = rng.Below(open_batches_.size());
    auto [id, due] = open_batches_[pick];
    open_batches_[pick] = open_batches_.back();
    open_batches_.pop_back();
    auto r = WithCrashes(rng, [&] { return money_->MarkPaid(admin_, id); });
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->status, "paid");
    for (const auto& [expert, owed] : due) Move(kCash, "", kExpertPaid, expert, owed);
  }

  void ExpectBalancesEqualTheModel(int64_t step) {
    std::map<std::string, int64_t> db;
    auto rows = db_->Query("SELECT kind, owner, balance_cents FROM ledger_accounts");
    ASSERT_TRUE(rows);
    for (const storage::Row& r : *rows) {
      if (r.Int(2) != 0) db[r.Text(0) + "|" + r.Text(1)] = r.Int(2);
    }
    std::map<std::string, int64_t> want;
    for (const auto& [k, v] : model_) {
      if (v != 0) want[k] = v;
    }
    ASSERT_EQ(db, want) << "after step " << step;
  }

  base::FakeClock clock_;
  base::Uuid7Generator ids_{clock_, 11};
  std::unique_ptr<storage::TestDb> test_db_;
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<Faulty> faulty_;
  std::unique_ptr<accounts::Service> accounts_;
  std::unique_ptr<work::Service> work_;
  std::unique_ptr<Service> money_;
  Caller manager_, admin_;
  std::vector<Caller> experts_;
  std::vector<std::string> projects_;
  std::vector<int64_t> per_item_;
  std::vector<Sub> subs_;
  std::vector<size_t> pending_, approved_;
  std::vector<Funding> fundings_;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, int64_t>>>> open_batches_;
  int64_t batches_made_ = 0, crashes_ = 0;
  std::map<std::string, int64_t> model_;
};

int64_t Operations(storage::Dialect d) {
  if (const char* env = std::getenv("ASSAY_MODEL_OPS")) return std::atoll(env);
  return d == storage::Dialect::kSqlite ? 50'000 : 3'000;
}

TEST_P(ModelTest, BalancesEqualTheModelAfterEveryStep) {
  const int64_t ops = Operations(GetParam());
  MakeProjects(ops / 4 / kProjects + 10);
  if (HasFatalFailure()) return;
  base::Rng rng(2026);
  std::map<std::string, int64_t> counts;
  for (int64_t step = 0; step < ops; ++step) {
    enum Op { kFund, kRetry, kReverse, kApprove, kReject, kBatch, kPaid };
    static const char* const kNames[] = {"fund", "retry", "reverse", "approve", "reject", "batch", "paid"};
    const uint64_t dice = rng.Below(100);
    const Op op = dice < 20 ? kFund : dice < 25 ? kRetry : dice < 30 ? kReverse : dice < 70 ? kApprove
                : dice < 80 ? kReject : dice < 90 ? kBatch : kPaid;
    ++counts[kNames[op]];
    switch (op) {
      case kFund: Fund(rng); break;
      case kRetry: RetryFunding(rng); break;
      case kReverse: ReverseFunding(rng); break;
      case kApprove: Approve(rng); break;
      case kReject: RejectAfterApproval(rng); break;
      case kBatch: Batch(rng); break;
      case kPaid: MarkPaid(rng); break;
    }
    if (HasFatalFailure()) return;
    ExpectBalancesEqualTheModel(step);
    if (HasFatalFailure()) return;
    clock_.Advance(1000);
  }
  std::printf("model: %lld operations (%lld fund, %lld retry, %lld reverse, %lld approve, %lld reject, %lld batch, "
              "%lld paid), %lld simulated crashes\n",
              static_cast<long long>(ops), static_cast<long long>(counts["fund"]), static_cast<long long>(counts["retry"]),
              static_cast<long long>(counts["reverse"]), static_cast<long long>(counts["approve"]),
              static_cast<long long>(counts["reject"]), static_cast<long long>(counts["batch"]),
              static_cast<long long>(counts["paid"]), static_cast<long long>(crashes_));
  EXPECT_GT(crashes_, ops / 100);
}

INSTANTIATE_TEST_SUITE_P(Drivers, ModelTest, ASSAY_BOTH_DIALECTS,
                         storage::DialectTestName<::testing::TestParamInfo<storage::Dialect>>);

}  // namespace
}  // namespace money

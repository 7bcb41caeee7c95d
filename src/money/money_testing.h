// A fixture for money's tests on both drivers: the work fixture (projects, items, experts) with
// quality and money services wired as `assay serve` wires them, and helpers for paid projects,
// heartbeats and reviews.
//
//   class AccrualTest : public money::testing::MoneyFixture {};
//   ASSAY_INSTANTIATE_WORK_FIXTURE(AccrualTest);
//   TEST_P(AccrualTest, X) { std::string p = PaidProject(R"({"currency":"USD","per_item_cents":500})", 4, {e}); }
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "money/service.h"
#include "quality/service.h"
#include "work/work_testing.h"

namespace money::testing {

using work::Caller;
using work::Role;

// A Db that stands for a process killed at a chosen write: the n-th Write from now fails —
// before it runs (a crash before the COMMIT: nothing of it stays), or after it committed (a
// crash before the caller heard back: it all stays, the caller sees an error). Reads pass.
class FaultyDb final : public storage::Db {
 public:
  explicit FaultyDb(storage::Db& db) : db_(db) {}
  enum class When { kBeforeCommit, kAfterCommit };
  void FailWrite(int64_t nth, When when) {
    countdown_ = nth;
    when_ = when;
  }
  void Heal() { countdown_ = -1; }
  bool failed() const { return failed_; }
  void ClearFailed() { failed_ = false; }

  storage::Dialect dialect() const override { return db_.dialect(); }
  base::Status Write(const std::function<base::Status(storage::Conn&)>& fn) override {
    if (countdown_ > 0) --countdown_;
    else if (countdown_ == 0) {
      countdown_ = -1;
      failed_ = true;
      if (when_ == When::kAfterCommit) (void)db_.Write(fn);
      return base::Error(base::ErrorCode::kUnavailable, "simulated crash");
    }
    return db_.Write(fn);
  }
  std::string RowLockClause(std::string_view alias, bool skip) const override { return db_.RowLockClause(alias, skip); }
  base::Status Read(const std::function<base::Status(storage::Conn&)>& fn) override { return db_.Read(fn); }
  storage::DbStats Stats() const override { return db_.Stats(); }
  base::Result<storage::Rows> Query(std::string_view sql, const storage::Params& params) override {
    return db_.Query(sql, params);
  }

 private:
  storage::Db& db_;
  int64_t countdown_ = -1;  // single-threaded use
  When when_ = When::kBeforeCommit;
  bool failed_ = false;
};

class MoneyFixture : public work::testing::WorkFixture {
 protected:
  void SetUp() override {
    WorkFixture::SetUp();
    if (HasFatalFailure()) return;
    quality_ = std::make_unique<quality::Service>(*db_, clock_);
    svc_->SetQualityObserver(quality_.get());
    money_ = std::make_unique<Service>(*db_, clock_, ids_, MoneyOptions());
    svc_->SetPayObserver(money_.get());
    admin_ = MakeCaller("admin@example.com", Role::kAdmin);
  }
  void TearDown() override {
    if (svc_) svc_->SetPayObserver(nullptr);  // null when SetUp failed (no PostgreSQL)
    money_.reset();
    quality_.reset();
    WorkFixture::TearDown();
  }
  virtual Options MoneyOptions() { return {.work = svc_.get(), .quality = quality_.get()}; }

  // A project with n items, these experts, and this pay.
  std::string PaidProject(const std::string& pay_json, int n, const std::vector<Caller>& experts,
                          int64_t overlap = 1, int64_t lease_seconds = 600) {
    std::string id = MakeProject(n, overlap, experts, lease_seconds);
    auto pay = money_->SetPay(manager_, id, pay_json);
    EXPECT_TRUE(pay) << pay.error().ToString();
    return id;
  }

  void Fund(const std::string& project_id, int64_t cents, const std::string& key = "fund-1",
            const std::string& currency = "USD") {
    auto f = money_->Fund(manager_, project_id, cents, currency, key);
    ASSERT_TRUE(f) << f.error().ToString();
  }

  // Leases the next item, sends `beats` heartbeats `every_s` apart claiming as much, then
  // submits claiming `claimed_ms`; returns the submission id.
  std::string Work(const Caller& expert, const std::string& project_id, int beats, int64_t every_s,
                   int64_t claimed_ms, const std::string& answer = R"({"preference":{"choice":"a"}})") {
    auto lease = svc_->AcquireLease(expert, project_id);
    EXPECT_TRUE(lease && *lease) << (lease ? "nothing to lease" : lease.error().ToString());
    if (!lease || !*lease) return "";
    for (int i = 0; i < beats; ++i) {
      clock_.Advance(every_s * base::kMicrosPerSecond);
      auto b = money_->Heartbeat(expert, (*lease)->assignment_id, {"", "tab-1", every_s * 1000, true, std::nullopt});
      EXPECT_TRUE(b) << b.error().ToString();
    }
    auto s = svc_->Submit(expert, {(*lease)->assignment_id, (*lease)->lease_token,
                                   "c-" + (*lease)->assignment_id, answer, claimed_ms});
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? s->submission.id : "";
  }

  void Approve(const std::string& submission_id) {
    auto r = svc_->ReviewSubmission(manager_, submission_id, "approve", "");
    ASSERT_TRUE(r) << r.error().ToString();
  }
  void Reject(const std::string& submission_id) {
    auto r = svc_->ReviewSubmission(manager_, submission_id, "reject", "The answer misses the dosage question entirely.");
    ASSERT_TRUE(r) << r.error().ToString();
  }

  int64_t Balance(std::string_view kind, const std::string& owner, const std::string& currency = "USD") {
    int64_t out = 0;
    EXPECT_TRUE(db_->Read([&](storage::Conn& c) -> base::Status {
      ASSAY_ASSIGN_OR_RETURN(out, Ledger::Balance(c, {std::string(kind), owner}, currency));
      return base::Ok();
    }));
    return out;
  }

  std::unique_ptr<quality::Service> quality_;
  std::unique_ptr<Service> money_;
  Caller admin_;
};

}  // namespace money::testing

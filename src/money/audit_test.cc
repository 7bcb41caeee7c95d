// The auditor on both drivers: a ledger built by the services passes; each kind of injected
// corruption (an unbalanced transaction, a kept balance that drifted, a negative payable, a
// payout that does not match its lines, an approval that never accrued, one that accrued twice)
// is found and named.
#include "money/audit.h"

#include <gtest/gtest.h>

#include "money/money_testing.h"

namespace money {
namespace {

using accounts::Role;

class AuditTest : public testing::MoneyFixture {
 protected:
  void SetUp() override {
    MoneyFixture::SetUp();
    if (HasFatalFailure()) return;
    a_ = MakeCaller("a@example.com", Role::kExpert);
    b_ = MakeCaller("b@example.com", Role::kExpert);
    project_ = PaidProject(R"({"currency":"USD","per_item_cents":700,"hourly_cents":3000})", 10, {a_, b_});
    Fund(project_, 50'000);
    for (int i = 0; i < 3; ++i) {
      Approve(Work(a_, project_, 2, 15, 30'000));
      submissions_.push_back(Work(b_, project_, 3, 15, 45'000));
      Approve(submissions_.back());
    }
    Reject(Work(a_, project_, 1, 15, 15'000));
    auto batch = money_->CreateBatch(admin_, 0, "USD", "audit");
    ASSERT_TRUE(batch) << batch.error().ToString();
    ASSERT_TRUE(money_->MarkPaid(admin_, batch->id));
    Approve(Work(a_, project_, 2, 15, 30'000));  // payable again after the batch
  }
  AuditReport Run() {
    auto r = Audit(*db_);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : AuditReport{};
  }
  static bool Has(const AuditReport& r, const std::string& kind) {
    for (const Violation& v : r.violations) {
      if (v.kind == kind) return true;
    }
    return false;
  }
  // Writes past the ledger's triggers, as a hand-edit of the database would.
  void Unguarded(const std::vector<std::pair<std::string, storage::Params>>& statements) {
    const bool pg = GetParam() == storage::Dialect::kPostgres;
    ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
      if (pg) {
        ASSAY_TRY(c.ExecScript("SET CONSTRAINTS ALL IMMEDIATE; ALTER TABLE ledger_entries DISABLE TRIGGER ALL; "
                               "ALTER TABLE ledger_transactions DISABLE TRIGGER ALL;"));
      } else {
        ASSAY_TRY(c.ExecScript("DROP TRIGGER ledger_entries_check; PRAGMA defer_foreign_keys = ON;"));
      }
      for (const auto& [sql, params] : statements) ASSAY_TRY(c.Exec(sql, params));
      if (pg) {
        ASSAY_TRY(c.ExecScript("ALTER TABLE ledger_entries ENABLE TRIGGER ALL; "
                               "ALTER TABLE ledger_transactions ENABLE TRIGGER ALL;"));
      }
      return base::Ok();
    }));
  }
  int64_t AccountId(std::string_view kind, const std::string& owner) {
    auto rows = db_->Query("SELECT id FROM ledger_accounts WHERE kind = ? AND owner = ?", {kind, owner});
    return rows && !rows->empty() ? rows->at(0).Int(0) : 0;
  }
  Caller a_, b_;
  std::string project_;
  std::vector<std::string> submissions_;
};
ASSAY_INSTANTIATE_WORK_FIXTURE(AuditTest);

TEST_P(AuditTest, ALedgerTheServicesBuiltPasses) {
  AuditReport r = Run();
  EXPECT_TRUE(r.ok()) << AuditText(r);
  EXPECT_GT(r.transactions, 10);
  EXPECT_EQ(r.payouts, 2);
  EXPECT_EQ(r.accruals, 8);
  EXPECT_NE(AuditText(r).find("all invariants hold"), std::string::npos);
}

TEST_P(AuditTest, FindsAnUnbalancedTransaction) {
  const int64_t budget = AccountId(kProjectBudget, project_), client = AccountId(kClientFunding, "");
  Unguarded({{"INSERT INTO ledger_transactions (seq, id, idempotency_key, body_hash, kind, currency, lines, "
              "created_at_us) VALUES (900001, 'forged', 'forged', 'x', 'funding', 'USD', 2, 0)", {}},
             {"INSERT INTO ledger_entries (txn_seq, line, account_id, amount_cents) VALUES (900001, 1, ?, 10000)",
              {budget}},
             {"INSERT INTO ledger_entries (txn_seq, line, account_id, amount_cents) VALUES (900001, 2, ?, -100)",
              {client}}});
  AuditReport r = Run();
  EXPECT_TRUE(Has(r, "unbalanced")) << AuditText(r);
  EXPECT_TRUE(Has(r, "currency_imbalance")) << AuditText(r);
  EXPECT_NE(AuditText(r).find("forged"), std::string::npos);
}

TEST_P(AuditTest, FindsAKeptBalanceThatDrifted) {
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("UPDATE ledger_accounts SET balance_cents = balance_cents + 1 WHERE kind = 'project_budget'"));
    return base::Ok();
  }));
  AuditReport r = Run();
  EXPECT_TRUE(Has(r, "balance_mismatch")) << AuditText(r);
  EXPECT_EQ(r.violations_total, 1);
}

TEST_P(AuditTest, FindsANegativePayable) {
  Posting p{.idempotency_key = "overpay", .kind = "adjustment", .currency = "USD"};
  p.lines = {{{std::string(kExpertPayable), b_.user_id}, -100'000}, {{std::string(kCash), ""}, 100'000}};
  ASSERT_TRUE(money_->ledger().PostOne(*db_, p, clock_.NowMicros()));
  AuditReport r = Run();
  EXPECT_TRUE(Has(r, "negative_payable")) << AuditText(r);
}

TEST_P(AuditTest, FindsAPayoutThatDoesNotMatchItsLines) {
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("UPDATE payouts SET amount_cents = amount_cents + 500 WHERE expert_id = ?", {a_.user_id}));
    return base::Ok();
  }));
  AuditReport r = Run();
  EXPECT_TRUE(Has(r, "payout_mismatch")) << AuditText(r);
}

TEST_P(AuditTest, FindsAnApprovalThatNeverAccrued) {
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("DELETE FROM accruals WHERE submission_id = ?", {submissions_[0]}));
    return base::Ok();
  }));
  AuditReport r = Run();
  EXPECT_TRUE(Has(r, "accrual_missing")) << AuditText(r);
  EXPECT_NE(AuditText(r).find(submissions_[0]), std::string::npos);
}

TEST_P(AuditTest, FindsAnApprovalThatAccruedTwice) {
  Posting p{.idempotency_key = "accrual:again", .kind = "accrual", .currency = "USD"};
  p.lines = {{{std::string(kProjectBudget), project_}, -700}, {{std::string(kExpertPayable), b_.user_id}, 700}};
  p.project_id = project_;
  p.expert_id = b_.user_id;
  p.submission_id = submissions_[1];
  ASSERT_TRUE(money_->ledger().PostOne(*db_, p, clock_.NowMicros()));
  AuditReport r = Run();
  EXPECT_TRUE(Has(r, "accrual_mismatch")) << AuditText(r);
  EXPECT_EQ(r.violations_total, 1) << AuditText(r);
}

}  // namespace
}  // namespace money

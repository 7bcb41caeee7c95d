// The ledger on both drivers: balanced postings and kept balances, idempotency keys (same body:
// the same transaction; other body: 409), reversals naming what they reverse, and the database
// itself refusing what code must never do: unbalanced, half-written, out-of-order or
// other-currency transactions, and any UPDATE or DELETE of the ledger.
#include "money/ledger.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "money/money_testing.h"

namespace money {
namespace {

class LedgerTest : public testing::MoneyFixture {
 protected:
  Posting Funding(const std::string& key, int64_t cents, const std::string& project = "p1") {
    Posting p{.idempotency_key = key, .kind = "funding", .currency = "USD"};
    p.lines = {{{std::string(kClientFunding), ""}, -cents}, {{std::string(kProjectBudget), project}, cents}};
    p.project_id = project;
    p.memo = "Funding";
    return p;
  }
  base::Result<Posted> PostOne(const Posting& p) { return money_->ledger().PostOne(*db_, p, clock_.NowMicros()); }
  int64_t Transactions() { return Count("SELECT count(*) FROM ledger_transactions"); }
  // Runs raw SQL in one write transaction (what a bug or a hand-edit could try).
  base::Status Raw(const std::vector<std::pair<std::string, storage::Params>>& statements) {
    return db_->Write([&](storage::Conn& c) -> base::Status {
      for (const auto& [sql, params] : statements) ASSAY_TRY(c.Exec(sql, params));
      return base::Ok();
    });
  }
  // A header written by hand (for the refusal tests), seq 1000 + n.
  std::pair<std::string, storage::Params> Header(int64_t seq, int64_t lines, const std::string& currency = "USD") {
    return {"INSERT INTO ledger_transactions (seq, id, idempotency_key, body_hash, kind, currency, lines, created_at_us) "
            "VALUES (?, ?, ?, 'x', 'adjustment', ?, ?, 0)",
            {seq, "raw-" + std::to_string(seq), "raw-" + std::to_string(seq), currency, lines}};
  }
  std::pair<std::string, storage::Params> Entry(int64_t seq, int64_t line, int64_t account, int64_t cents) {
    return {"INSERT INTO ledger_entries (txn_seq, line, account_id, amount_cents) VALUES (?, ?, ?, ?)",
            {seq, line, account, cents}};
  }
  int64_t AccountId(std::string_view kind, const std::string& owner, const std::string& currency = "USD") {
    auto rows = db_->Query("SELECT id FROM ledger_accounts WHERE kind = ? AND owner = ? AND currency = ?",
                           {kind, owner, currency});
    EXPECT_TRUE(rows && !rows->empty());
    return rows && !rows->empty() ? rows->at(0).Int(0) : 0;
  }
};
ASSAY_INSTANTIATE_WORK_FIXTURE(LedgerTest);

TEST_P(LedgerTest, PostsBalancedTransactionsAndKeepsBalances) {
  auto a = PostOne(Funding("f1", 50000));
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_TRUE(a->created);
  EXPECT_EQ(a->txn.lines.size(), 2u);
  ASSERT_TRUE(PostOne(Funding("f2", 2500)));
  EXPECT_EQ(Balance(kProjectBudget, "p1"), 52500);
  EXPECT_EQ(Balance(kClientFunding, ""), -52500);
  auto found = db_->Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::optional<Transaction> t, Ledger::Find(c, a->txn.id));
    EXPECT_TRUE(t);
    EXPECT_EQ(t->lines[1].amount_cents, 50000);
    EXPECT_EQ(t->lines[1].account.owner, "p1");
    return base::Ok();
  });
  EXPECT_TRUE(found);
}

TEST_P(LedgerTest, RefusesBadPostingsNamingTheField) {
  Posting unbalanced = Funding("u", 100);
  unbalanced.lines[1].amount_cents = 99;
  auto r = PostOne(unbalanced);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().DetailsJson().find("lines"), std::string::npos);
  Posting euro = Funding("c", 100);
  euro.currency = "eur";
  EXPECT_NE(PostOne(euro).error().DetailsJson().find("currency"), std::string::npos);
  Posting zero = Funding("z", 100);
  zero.lines.push_back({{std::string(kCash), ""}, 0});
  EXPECT_NE(PostOne(zero).error().DetailsJson().find("amount_cents"), std::string::npos);
  Posting one = Funding("o", 100);
  one.lines.pop_back();
  EXPECT_FALSE(PostOne(one));
  EXPECT_EQ(Transactions(), 0);
}

TEST_P(LedgerTest, SameKeyAndBodyIsTheSameTransactionOtherBodyIsAConflict) {
  auto first = PostOne(Funding("po-7781", 50000));
  ASSERT_TRUE(first);
  auto again = PostOne(Funding("po-7781", 50000));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->txn.id, first->txn.id);
  auto other = PostOne(Funding("po-7781", 60000));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), base::ErrorCode::kConflict);
  EXPECT_NE(other.error().DetailsJson().find(first->txn.id), std::string::npos);
  EXPECT_EQ(Balance(kProjectBudget, "p1"), 50000);
  EXPECT_EQ(Transactions(), 1);
}

TEST_P(LedgerTest, ReversalNamesWhatItReversesOnce) {
  auto f = PostOne(Funding("f", 7000));
  ASSERT_TRUE(f);
  Posted rev;
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(rev, money_->ledger().Reverse(c, f->txn.id, "rev-1", "wrong project", std::nullopt, 1));
    return base::Ok();
  }));
  EXPECT_EQ(rev.txn.kind, "reversal");
  EXPECT_EQ(rev.txn.reverses_id, f->txn.id);
  EXPECT_EQ(rev.txn.lines[1].amount_cents, -7000);
  EXPECT_EQ(Balance(kProjectBudget, "p1"), 0);
  auto twice = db_->Write([&](storage::Conn& c) -> base::Status {
    return money_->ledger().Reverse(c, f->txn.id, "rev-2", "again", std::nullopt, 2).has_value()
               ? base::Ok()
               : base::Error::Conflict("refused");
  });
  EXPECT_FALSE(twice);
  EXPECT_EQ(Balance(kProjectBudget, "p1"), 0);
}

TEST_P(LedgerTest, TheDatabaseRefusesToChangeOrDeleteTheLedger) {
  auto f = PostOne(Funding("f", 100));
  ASSERT_TRUE(f);
  EXPECT_FALSE(Raw({{"UPDATE ledger_entries SET amount_cents = 200 WHERE txn_seq = ?", {f->txn.seq}}}));
  EXPECT_FALSE(Raw({{"DELETE FROM ledger_entries WHERE txn_seq = ?", {f->txn.seq}}}));
  EXPECT_FALSE(Raw({{"UPDATE ledger_transactions SET memo = 'x' WHERE seq = ?", {f->txn.seq}}}));
  EXPECT_FALSE(Raw({{"DELETE FROM ledger_transactions WHERE seq = ?", {f->txn.seq}}}));
  EXPECT_EQ(Count("SELECT sum(amount_cents) FROM ledger_entries WHERE amount_cents > 0"), 100);
  EXPECT_EQ(Transactions(), 1);
}

TEST_P(LedgerTest, TheDatabaseRefusesUnbalancedHalfWrittenAndStrayEntries) {
  ASSERT_TRUE(PostOne(Funding("seed", 100)));  // creates the two accounts
  const int64_t budget = AccountId(kProjectBudget, "p1"), client = AccountId(kClientFunding, "");
  // Unbalanced: the last line does not bring the sum to zero.
  EXPECT_FALSE(Raw({Header(1001, 2), Entry(1001, 1, budget, 100), Entry(1001, 2, client, -99)}));
  // Half-written: the header promises two lines, one is written; the COMMIT is refused.
  EXPECT_FALSE(Raw({Header(1002, 2), Entry(1002, 1, budget, 100)}));
  // A header alone.
  EXPECT_FALSE(Raw({Header(1003, 2)}));
  // An entry without its header; lines out of order; more lines than promised.
  EXPECT_FALSE(Raw({Entry(1004, 1, budget, 100)}));
  EXPECT_FALSE(Raw({Header(1005, 2), Entry(1005, 2, budget, 100), Entry(1005, 1, client, -100)}));
  EXPECT_FALSE(Raw({Header(1006, 2), Entry(1006, 1, budget, 100), Entry(1006, 2, client, -100),
                    Entry(1006, 3, client, 5)}));
  // An account in another currency.
  ASSERT_TRUE(PostOne([&] {
    Posting p = Funding("eur", 100);
    p.currency = "EUR";
    return p;
  }()));
  const int64_t euro = AccountId(kProjectBudget, "p1", "EUR");
  EXPECT_FALSE(Raw({Header(1007, 2), Entry(1007, 1, euro, 100), Entry(1007, 2, client, -100)}));
  // The same by hand, written right, is accepted: the refusals above were about their faults.
  EXPECT_TRUE(Raw({Header(1008, 2), Entry(1008, 1, budget, 100), Entry(1008, 2, client, -100)}));
  EXPECT_EQ(Transactions(), 3);
  EXPECT_EQ(Balance(kProjectBudget, "p1"), 200);
}

// Issue 14: 32 threads post with overlapping idempotency keys; each key posts exactly once and
// every thread gets the same transaction back for it.
TEST_P(LedgerTest, ThirtyTwoThreadsWithOverlappingKeysPostEachOnce) {
  constexpr int kThreads = 32, kKeys = 60;
  std::vector<std::vector<std::string>> seen(kThreads, std::vector<std::string>(kKeys));
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kKeys; ++i) {
        const int k = (i * 7 + t * 13) % kKeys;  // each thread in its own order
        auto r = PostOne(Funding("k" + std::to_string(k), 100 + k, "p" + std::to_string(k % 4)));
        if (!r) {
          ++errors;
          ADD_FAILURE() << r.error().ToString();
          continue;
        }
        seen[t][k] = r->txn.id;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(Transactions(), kKeys);
  for (int k = 0; k < kKeys; ++k) {
    for (int t = 1; t < kThreads; ++t) EXPECT_EQ(seen[t][k], seen[0][k]) << "key " << k;
  }
  int64_t total = 0;
  for (int k = 0; k < kKeys; ++k) total += 100 + k;
  EXPECT_EQ(Balance(kClientFunding, ""), -total);
  EXPECT_EQ(Count("SELECT sum(balance_cents) FROM ledger_accounts"), 0);
}

}  // namespace
}  // namespace money

// money::Audit — recomputes every balance from the ledger's entries and checks the invariants
// (`assay ledger audit --db URL`): every transaction holds exactly its lines and sums to zero;
// each account's kept balance equals the sum of its entries; each currency sums to zero over all
// accounts; no expert's payable balance is negative; every payout matches its ledger lines (and
// every payout transaction has its payout); every reviewed submission of a paying project accrued,
// and its accrual lines add up to what it earns, once. Read-only, from one snapshot.
//
//   ASSAY_ASSIGN_OR_RETURN(money::AuditReport r, money::Audit(db));
//   std::cout << money::AuditText(r);   // exit r.ok() ? 0 : 1
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/db.h"

namespace money {

struct Violation {
  // unbalanced | incomplete | balance_mismatch | currency_imbalance | negative_payable |
  // payout_mismatch | accrual_missing | accrual_mismatch
  std::string kind;
  std::string message;
};

struct AuditReport {
  int64_t transactions = 0, entries = 0, accounts = 0, payouts = 0, accruals = 0;
  std::vector<Violation> violations;  // at most max_listed per kind
  int64_t violations_total = 0;
  double seconds = 0;
  bool ok() const { return violations_total == 0; }
};

struct AuditOptions {
  int64_t max_listed = 50;  // per kind
};

base::Result<AuditReport> Audit(storage::Db& db, const AuditOptions& options = {});
// The report in words: counts, then one line per violation.
std::string AuditText(const AuditReport& report);

}  // namespace money

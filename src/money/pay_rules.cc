// The service's construction and a project's pay rules: read by any member, set by its managers.
#include "money/internal.h"
#include "money/service.h"
#include "work/access.h"

namespace money {

Service::Service(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, Options options)
    : db_(db), clock_(clock), ids_(ids), options_(options), ledger_(ids) {}

Service::~Service() = default;

base::Result<std::optional<PayRules>> Service::LoadPay(storage::Conn& c, std::string_view project_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         c.Query("SELECT currency, per_item_cents, hourly_cents, floor_hourly_cents, auto_approve_days, "
                                 "bonuses, rush FROM project_pay WHERE project_id = ?",
                                 {project_id}));
  if (rows.empty()) return std::optional<PayRules>();
  const storage::Row& r = rows[0];
  PayRules p;
  p.currency = r.Text(0);
  p.per_item_cents = r.Int(1);
  p.hourly_cents = r.Int(2);
  p.floor_hourly_cents = r.Int(3);
  p.auto_approve_days = r.OptInt(4);
  ASSAY_ASSIGN_OR_RETURN(p.bonuses, ParseBonuses(r.Text(5)));
  ASSAY_ASSIGN_OR_RETURN(p.rush, ParseRush(r.Text(6)));
  return std::optional<PayRules>(std::move(p));
}

base::Result<std::optional<PayRules>> Service::GetPay(const Caller& caller, std::string_view project_id) {
  std::optional<PayRules> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(work::ProjectRole(c, caller, project_id));
    ASSAY_ASSIGN_OR_RETURN(out, LoadPay(c, project_id));
    return base::Ok();
  }));
  return out;
}

base::Result<PayRules> Service::SetPay(const Caller& caller, std::string_view project_id, std::string_view pay_json) {
  PayRules rules;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(work::RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_ASSIGN_OR_RETURN(std::optional<PayRules> current, LoadPay(c, project_id));
    ASSAY_ASSIGN_OR_RETURN(rules, ParsePay(pay_json, current ? &*current : nullptr));
    if (current && current->currency != rules.currency) {
      ASSAY_ASSIGN_OR_RETURN(storage::Rows posted,
                             c.Query("SELECT 1 FROM ledger_transactions WHERE project_id = ? LIMIT 1", {project_id}));
      if (!posted.empty()) {
        return base::Error(base::ErrorCode::kFailedPrecondition,
                           "the project already has money in " + current->currency + ": its currency cannot change")
            .Detail("field", "pay.currency");
      }
    }
    std::optional<std::string> by;
    if (!caller.user_id.empty()) by = caller.user_id;
    const int64_t now = clock_.NowMicros();
    // Verdicts accrue from when the project starts paying (the auditor checks those).
    std::optional<int64_t> pays_since;
    if (rules.Pays()) {
      ASSAY_ASSIGN_OR_RETURN(storage::Rows since,
                             c.Query("SELECT pays_since_us FROM project_pay WHERE project_id = ?", {project_id}));
      pays_since = since.empty() || since[0].IsNull(0) ? now : since[0].Int(0);
    }
    ASSAY_TRY(c.Exec("INSERT INTO project_pay (project_id, currency, per_item_cents, hourly_cents, floor_hourly_cents, "
                     "auto_approve_days, bonuses, rush, pays_since_us, updated_by, updated_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id) DO UPDATE SET "
                     "currency = excluded.currency, per_item_cents = excluded.per_item_cents, "
                     "hourly_cents = excluded.hourly_cents, floor_hourly_cents = excluded.floor_hourly_cents, "
                     "auto_approve_days = excluded.auto_approve_days, bonuses = excluded.bonuses, rush = excluded.rush, "
                     "pays_since_us = excluded.pays_since_us, updated_by = excluded.updated_by, "
                     "updated_at_us = excluded.updated_at_us",
                     {project_id, rules.currency, rules.per_item_cents, rules.hourly_cents, rules.floor_hourly_cents,
                      rules.auto_approve_days, BonusesJson(rules.bonuses), RushJson(rules.rush), pays_since, by, now}));
    return base::Ok();
  }));
  std::lock_guard lock(gates_mu_);
  gates_.erase(std::string(project_id));
  return rules;
}

}  // namespace money

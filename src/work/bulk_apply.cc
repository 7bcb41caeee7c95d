// One batch of a bulk action (bulk.h), applied item by item in one write with the job's
// progress: approve/reject pending submissions, another label, overlap, gold.
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "work/internal.h"
#include "work/item_stats.h"
#include "work/quality_stamps.h"
#include "work/service.h"

namespace work {
namespace {

struct BatchItem {
  std::string id;
  std::optional<std::string> gold;
  int64_t taken = 0, want = 0, labels = 0, rejected = 0;
};

base::Status AddEvent(storage::Conn& c, const std::string& id, const BatchItem& item, std::string_view kind,
                      const nlohmann::json& detail, const BulkBatch& b, int64_t now) {
  ASSAY_TRY(c.Exec("INSERT INTO item_events (id, item_id, kind, detail, actor_id, job_id, created_at_us) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   {id, item.id, kind, base::Dump(detail),
                    b.actor_id.empty() ? storage::Value() : storage::Value(b.actor_id), b.job_id, now}));
  return base::Ok();
}

// Approves or rejects the item's pending submissions (not the actor's own); how many.
// Each verdict goes to the pay layer in this same write (pay_observer.h), as a review's does.
base::Result<int64_t> ReviewPending(storage::Conn& c, const BatchItem& item, const BulkBatch& b, int64_t now,
                                    const std::function<std::string()>& new_id, PayObserver* pay) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows pending,
                         c.Query("SELECT id, expert_id FROM submissions WHERE item_id = ? AND state = 'pending' AND "
                                 "expert_id <> ?",
                                 {item.id, b.actor_id}));
  const bool approve = b.action == "approve";
  for (const storage::Row& s : pending) {
    ASSAY_TRY(c.Exec("INSERT INTO reviews (id, submission_id, reviewer_id, verdict, reason, created_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     {new_id(), s.Text(0), b.actor_id, approve ? "approve" : "reject", b.reason, now}));
    ASSAY_TRY(c.Exec("UPDATE submissions SET state = ?, sent_back_at_us = NULL WHERE id = ?",
                     {approve ? "approved" : "rejected", s.Text(0)}));
    if (pay) {
      ASSAY_TRY(pay->VerdictRecorded(c, Verdict{s.Text(0), b.project_id, s.Text(1), approve ? "approve" : "reject",
                                                false, now}));
    }
  }
  return static_cast<int64_t>(pending.size());
}

// The gold a bulk "set gold" gives the item: its consensus on each label field over the answers
// gold had, or one answer; nullopt when there is nothing to take it from.
base::Result<std::optional<std::string>> NewGold(storage::Conn& c, const BatchItem& item, const BulkBatch& b,
                                                 const std::vector<LabelField>& fields, const SkillFn& skill) {
  if (b.gold_from != "consensus") {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows s, c.Query("SELECT answer FROM submissions WHERE id = ? AND item_id = ?",
                                                    {b.gold_from, item.id}));
    if (s.empty()) return std::optional<std::string>();
    return std::optional<std::string>(s[0].Text(0));
  }
  std::vector<GivenLabel> labels;
  ASSAY_TRY(c.QueryEach("SELECT expert_id, answer FROM submissions WHERE item_id = ? AND state <> 'rejected'",
                        {item.id}, [&](const storage::Row& r) -> base::Status {
                          labels.push_back({r.Text(0), r.Text(1)});
                          return base::Ok();
                        }));
  if (labels.empty()) return std::optional<std::string>();
  nlohmann::json gold = nlohmann::json::object();
  if (item.gold) {
    if (auto old = base::ParseJson(*item.gold); old && old->is_object()) gold = *old;
  }
  bool any = false;
  for (const FieldConsensus& fc : Consensus(fields, labels, skill)) {
    if (fc.label.empty()) continue;
    any = true;
    if (fc.component == "pairwise") gold[fc.field] = {{"choice", fc.label}};
    else if (fc.component == "rating") gold[fc.field] = std::stoll(fc.label);
    else gold[fc.field] = fc.label;
  }
  if (!any) return std::optional<std::string>();
  return std::optional<std::string>(base::Dump(gold));
}

}  // namespace

base::Result<int64_t> Service::ApplyBulkBatch(const BulkBatch& b) {
  int64_t changed = 0;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    changed = 0;
    auto new_id = [&] { return NewId(); };
    ASSAY_TRY(c.LockRows("SELECT 1 FROM jobs WHERE id = ?", {b.job_id}));
    ASSAY_ASSIGN_OR_RETURN(storage::Row job, c.QueryOne("SELECT done FROM jobs WHERE id = ?", {b.job_id}));
    if (job.Int(0) != b.first_n) return base::Ok();  // another runner did this batch
    ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT template FROM projects WHERE id = ?", {b.project_id}));
    ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const ProjectTemplate> t, TemplateFor(b.project_id, p.Text(0)));
    const SkillFn skill = quality_observer_ ? quality_observer_->Skills(b.project_id) : SkillFn();
    const int64_t now = clock_.NowMicros();
    for (int64_t seq : b.seqs) {
      ASSAY_ASSIGN_OR_RETURN(
          storage::Rows rows,
          c.Query("SELECT i.id, i.gold, i.taken, i.want, (SELECT count(*) FROM submissions s WHERE s.item_id = i.id AND "
                  "s.state <> 'rejected'), (SELECT count(*) FROM submissions s WHERE s.item_id = i.id AND "
                  "s.state = 'rejected') FROM items i WHERE i.project_id = ? AND i.seq = ?",
                  {b.project_id, seq}));
      if (rows.empty()) continue;
      BatchItem item{rows[0].Text(0), rows[0].OptText(1), rows[0].Int(2), rows[0].Int(3), rows[0].Int(4), rows[0].Int(5)};
      bool did = false;
      if (b.action == "approve" || b.action == "reject") {
        ASSAY_ASSIGN_OR_RETURN(int64_t n, ReviewPending(c, item, b, now, new_id, pay_observer_));
        did = n > 0;
      } else if (b.action == "requeue") {
        // One label more than the item holds now (leases and labels, rejected ones too).
        ASSAY_TRY(c.Exec("UPDATE items SET want = taken + 1, decided = 0 WHERE id = ?", {item.id}));
        ASSAY_TRY(AddEvent(c, new_id(), item, "requeued", {{"labels", item.labels}, {"want_before", item.want}}, b, now));
        did = true;
      } else if (b.action == "set_overlap") {
        // `overlap` labels that stand: rejected ones count against want (loop.cc), so add them.
        const int64_t want = b.overlap + item.rejected;
        ASSAY_TRY(c.Exec("UPDATE items SET want = ?, decided = CASE WHEN ? > ? THEN 0 ELSE decided END WHERE id = ?",
                         {want, b.overlap, item.labels, item.id}));
        ASSAY_TRY(AddEvent(c, new_id(), item, "overlap_set", {{"overlap", b.overlap}, {"want_before", item.want}}, b, now));
        did = true;
      } else if (b.action == "set_gold") {
        ASSAY_ASSIGN_OR_RETURN(std::optional<std::string> gold, NewGold(c, item, b, t->label_fields, skill));
        if (gold && gold != item.gold) {
          ASSAY_TRY(c.Exec("UPDATE items SET gold = ? WHERE id = ?", {*gold, item.id}));
          nlohmann::json detail = {{"from", b.gold_from}};
          if (item.gold) {
            if (auto before = base::ParseJson(*item.gold)) detail["before"] = *before;
          }
          ASSAY_TRY(AddEvent(c, new_id(), item, "gold_set", detail, b, now));
          did = true;
        }
      }
      if (!did) continue;
      ++changed;
      ASSAY_TRY(RefreshStats(c, b.project_id, item.id, t->label_fields));
      ASSAY_TRY(BumpQualityStamp(c, b.project_id, item.id));  // the quality report changes
    }
    ASSAY_TRY(c.Exec("UPDATE jobs SET done = done + ?, changed = changed + ?, state = 'running' WHERE id = ?",
                     {static_cast<int64_t>(b.seqs.size()), changed, b.job_id}));
    return base::Ok();
  }));
  if (changed > 0 && quality_observer_) quality_observer_->Reviewed(b.project_id);
  return changed;
}

}  // namespace work

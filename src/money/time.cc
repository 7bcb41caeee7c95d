// Measured time: heartbeats → time segments (time_credit.h), the expert's timesheet with memos,
// and disputes on segments that a project manager resolves with a reason.
#include <algorithm>
#include <functional>
#include <map>

#include "money/internal.h"
#include "money/service.h"
#include "money/time_credit.h"
#include "work/access.h"

namespace money {
namespace {

using internal::Day;
using internal::kDayUs;

constexpr int64_t kMaxClaimPerBeatMs = 120'000;
constexpr int64_t kMaxTimesheetDays = 62;
constexpr size_t kMaxMemoBytes = 2000;
constexpr size_t kMaxReasonBytes = 2000;

base::Error LeaseEnded(std::string message) {
  return base::Error(base::ErrorCode::kLeaseLost, std::move(message));
}

base::Status CheckBeat(const BeatRequest& b) {
  if (b.tab_id.empty() || b.tab_id.size() > 100) {
    return base::Error::Invalid("tab_id must have 1 to 100 characters").Detail("field", "tab_id");
  }
  if (b.beat_id.size() > 100) return base::Error::Invalid("beat_id is at most 100 characters").Detail("field", "beat_id");
  if (b.active_ms < 0 || b.active_ms > kMaxClaimPerBeatMs) {
    return base::Error::Invalid("active_ms must be between 0 and 120000 (a beat comes every 15 s)")
        .Detail("field", "active_ms");
  }
  return base::Ok();
}

Dispute DisputeFromRow(const storage::Row& r) {
  Dispute d;
  d.id = r.Text(0);
  d.segment_id = r.Text(1);
  d.expert_id = r.Text(2);
  d.project_id = r.Text(3);
  d.claimed_ms = r.Int(4);
  d.reason = r.Text(5);
  d.status = r.Text(6);
  d.granted_ms = r.OptInt(7);
  d.resolution = r.OptText(8);
  d.resolved_at_us = r.OptInt(9);
  d.created_at_us = r.Int(10);
  d.segment_start_us = r.Int(11);
  d.segment_active_ms = r.Int(12);
  d.expert_name = r.Text(13);
  d.project_name = r.Text(14);
  d.resolved_by_name = r.OptText(15);
  return d;
}

constexpr std::string_view kDisputeSelect =
    "SELECT d.id, d.segment_id, d.expert_id, d.project_id, d.claimed_ms, d.reason, d.status, d.granted_ms, "
    "d.resolution, d.resolved_at_us, d.created_at_us, s.bucket_start_us, s.active_ms, "
    "CASE WHEN u.name = '' THEN u.email ELSE u.name END, p.name, "
    "CASE WHEN r.name = '' THEN r.email ELSE r.name END "
    "FROM time_disputes d JOIN time_segments s ON s.id = d.segment_id JOIN users u ON u.id = d.expert_id "
    "JOIN projects p ON p.id = d.project_id LEFT JOIN users r ON r.id = d.resolved_by ";

base::Result<Dispute> LoadDispute(storage::Conn& c, std::string_view id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query(std::string(kDisputeSelect) + "WHERE d.id = ?", {id}));
  if (rows.empty()) return base::Error::NotFound("no such dispute");
  return DisputeFromRow(rows[0]);
}

}  // namespace

base::Status internal::AddSegmentCredit(storage::Conn& c, const std::vector<BucketCredit>& credits, int64_t beats,
                                        const std::string& assignment_id, const std::string& expert_id,
                                        const std::string& project_id, const std::function<std::string()>& new_id) {
  for (const BucketCredit& b : credits) {
    ASSAY_TRY(c.Exec("INSERT INTO time_segments (id, assignment_id, expert_id, project_id, bucket_start_us, active_ms, "
                     "beats) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (assignment_id, bucket_start_us) DO UPDATE SET "
                     "active_ms = CASE WHEN time_segments.active_ms + excluded.active_ms > 600000 THEN 600000 "
                     "ELSE time_segments.active_ms + excluded.active_ms END, "
                     "beats = time_segments.beats + excluded.beats",
                     {new_id(), assignment_id, expert_id, project_id, b.bucket_start_us, b.ms, beats}));
  }
  return base::Ok();
}

base::Result<BeatResult> Service::Heartbeat(const Caller& caller, std::string_view assignment_id,
                                            const BeatRequest& beat) {
  ASSAY_TRY(CheckBeat(beat));
  BeatResult out;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    out = {};
    const int64_t now = clock_.NowMicros();
    ASSAY_ASSIGN_OR_RETURN(storage::Rows a, c.Query("SELECT expert_id, project_id, state, lease_expires_at_us, "
                                                    "leased_at_us FROM assignments WHERE id = ?",
                                                    {assignment_id}));
    if (a.empty() || a[0].Text(0) != caller.user_id) return base::Error::NotFound("no such assignment");
    const std::string expert_id = a[0].Text(0), project_id = a[0].Text(1);
    ASSAY_ASSIGN_OR_RETURN(storage::Rows prior, c.Query("SELECT beats, measured_ms, last_beat_at_us FROM "
                                                        "assignment_time WHERE assignment_id = ?",
                                                        {assignment_id}));
    out.measured_ms = prior.empty() ? 0 : prior[0].Int(1);
    if (!beat.beat_id.empty()) {
      ASSAY_ASSIGN_OR_RETURN(storage::Rows seen, c.Query("SELECT 1 FROM heartbeats WHERE assignment_id = ? AND "
                                                         "beat_id = ?",
                                                         {assignment_id, beat.beat_id}));
      if (!seen.empty()) {
        out.duplicate = true;
        return base::Ok();
      }
    }
    if (a[0].Text(2) != "leased" || a[0].Int(3) <= now) {
      return LeaseEnded("the lease ended: time after it is not counted");
    }
    const int64_t previous = prior.empty() ? 0 : prior[0].Int(2);
    std::vector<BucketCredit> credits =
        CreditBeat(previous, a[0].Int(4), {now, beat.active_ms, beat.visible}, &out.credited_ms);
    ASSAY_TRY(c.Exec("INSERT INTO heartbeats (assignment_id, beat_id, tab_id, at_us, client_at_us, claimed_ms, "
                     "credited_ms, visible) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     {assignment_id, beat.beat_id.empty() ? NewId() : beat.beat_id, beat.tab_id, now,
                      beat.client_at_us, beat.active_ms, out.credited_ms, beat.visible ? 1 : 0}));
    ASSAY_TRY(c.Exec("INSERT INTO assignment_time (assignment_id, expert_id, project_id, beats, measured_ms, "
                     "last_beat_at_us) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (assignment_id) DO UPDATE SET "
                     "beats = assignment_time.beats + 1, measured_ms = assignment_time.measured_ms + excluded.measured_ms, "
                     "last_beat_at_us = CASE WHEN excluded.last_beat_at_us > assignment_time.last_beat_at_us "
                     "THEN excluded.last_beat_at_us ELSE assignment_time.last_beat_at_us END",
                     {assignment_id, expert_id, project_id, out.credited_ms, now}));
    out.measured_ms += out.credited_ms;
    return internal::AddSegmentCredit(c, credits, 1, std::string(assignment_id), expert_id, project_id,
                                      [this] { return NewId(); });
  }));
  return out;
}

base::Result<Timesheet> Service::MyTimesheet(const Caller& caller, std::string_view from_day, std::string_view to_day) {
  ASSAY_ASSIGN_OR_RETURN(int64_t from_us, base::ParseDay(from_day, "from"));
  ASSAY_ASSIGN_OR_RETURN(int64_t to_us, base::ParseDay(to_day, "to"));
  if (to_us < from_us) return base::Error::Invalid("to must not be before from").Detail("field", "to");
  if ((to_us - from_us) / kDayUs >= kMaxTimesheetDays) {
    return base::Error::Invalid("a timesheet covers at most 62 days").Detail("field", "to");
  }
  const int64_t until_us = to_us + kDayUs;
  Timesheet sheet{std::string(from_day), std::string(to_day), {}, {}};
  std::map<std::string, TimesheetDay, std::greater<>> days;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    days.clear();
    sheet.unverified.clear();
    // The disputes on these segments, in one query (a segment shows its latest, chosen below).
    std::map<std::string, Dispute> disputes;
    ASSAY_TRY(c.QueryEach(std::string(kDisputeSelect) +
                              "WHERE s.expert_id = ? AND s.bucket_start_us >= ? AND s.bucket_start_us < ?",
                          {caller.user_id, from_us, until_us}, [&](const storage::Row& r) -> base::Status {
                            Dispute d = DisputeFromRow(r);
                            disputes.emplace(d.id, std::move(d));
                            return base::Ok();
                          }));
    ASSAY_TRY(c.QueryEach(
        "SELECT s.id, s.project_id, p.name, s.assignment_id, s.bucket_start_us, s.active_ms, s.granted_ms, s.beats, "
        "(SELECT d.id FROM time_disputes d WHERE d.segment_id = s.id ORDER BY d.created_at_us DESC LIMIT 1) "
        "FROM time_segments s JOIN projects p ON p.id = s.project_id WHERE s.expert_id = ? "
        "AND s.bucket_start_us >= ? AND s.bucket_start_us < ? ORDER BY s.bucket_start_us, s.id",
        {caller.user_id, from_us, until_us}, [&](const storage::Row& r) -> base::Status {
          Segment seg{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Int(5), r.Int(6), r.Int(7), std::nullopt};
          if (!r.IsNull(8)) {
            auto it = disputes.find(r.Text(8));
            if (it == disputes.end()) return base::Error::NotFound("no such dispute");
            seg.dispute = it->second;
          }
          TimesheetDay& day = days[Day(seg.start_us)];
          day.day = Day(seg.start_us);
          day.active_ms += seg.active_ms;
          day.granted_ms += seg.granted_ms;
          day.segments.push_back(std::move(seg));
          return base::Ok();
        }));
    ASSAY_TRY(c.QueryEach("SELECT day, memo FROM timesheet_memos WHERE expert_id = ? AND day >= ? AND day <= ?",
                          {caller.user_id, from_day, to_day}, [&](const storage::Row& r) -> base::Status {
                            TimesheetDay& day = days[r.Text(0)];
                            day.day = r.Text(0);
                            day.memo = r.Text(1);
                            return base::Ok();
                          }));
    // Submissions without heartbeats: paid on the claimed time, capped at the lease.
    return c.QueryEach(
        "SELECT s.id, s.project_id, p.name, s.submitted_at_us, s.active_ms, a.finished_at_us - a.leased_at_us "
        "FROM submissions s JOIN assignments a ON a.id = s.assignment_id JOIN projects p ON p.id = s.project_id "
        "WHERE s.expert_id = ? AND s.submitted_at_us >= ? AND s.submitted_at_us < ? AND NOT EXISTS "
        "(SELECT 1 FROM assignment_time t WHERE t.assignment_id = s.assignment_id) ORDER BY s.submitted_at_us DESC",
        {caller.user_id, from_us, until_us}, [&](const storage::Row& r) -> base::Status {
          PaidTime t = ComputePaidTime(r.Int(4), 0, 0, r.Int(5) / 1000);
          sheet.unverified.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), t.paid_ms});
          return base::Ok();
        });
  }));
  for (auto& [day, d] : days) sheet.days.push_back(std::move(d));
  return sheet;
}

base::Status Service::SetMemo(const Caller& caller, std::string_view day, std::string_view memo) {
  ASSAY_TRY(base::ParseDay(day, "day"));
  if (memo.size() > kMaxMemoBytes) return base::Error::Invalid("a memo is at most 2,000 bytes").Detail("field", "memo");
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO timesheet_memos (expert_id, day, memo, updated_at_us) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (expert_id, day) DO UPDATE SET memo = excluded.memo, "
                     "updated_at_us = excluded.updated_at_us",
                     {caller.user_id, day, memo, clock_.NowMicros()}));
    return base::Ok();
  });
}

base::Result<Dispute> Service::OpenDispute(const Caller& caller, std::string_view segment_id, int64_t claimed_ms,
                                           std::string_view reason_in) {
  const std::string reason = internal::TrimmedText(reason_in);
  if (reason.empty() || reason.size() > kMaxReasonBytes) {
    return base::Error::Invalid("say what you worked on in that time (1 to 2,000 characters)").Detail("field", "reason");
  }
  Dispute out;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows s, c.Query("SELECT expert_id, project_id, active_ms, granted_ms FROM "
                                                    "time_segments WHERE id = ?",
                                                    {segment_id}));
    if (s.empty() || s[0].Text(0) != caller.user_id) return base::Error::NotFound("no such segment");
    const int64_t shown = s[0].Int(2) + s[0].Int(3);
    if (claimed_ms <= shown || claimed_ms > kBucketMs) {
      return base::Error::Invalid("claimed_ms must be more than the segment shows (" + std::to_string(shown) +
                                  " ms) and at most its 10 minutes (600000 ms)")
          .Detail("field", "claimed_ms");
    }
    ASSAY_ASSIGN_OR_RETURN(storage::Rows open, c.Query("SELECT 1 FROM time_disputes WHERE segment_id = ? AND "
                                                       "status = 'open'",
                                                       {segment_id}));
    if (!open.empty()) return base::Error::Conflict("this segment already has an open dispute");
    const std::string id = NewId();
    ASSAY_TRY(c.Exec("INSERT INTO time_disputes (id, segment_id, expert_id, project_id, claimed_ms, reason, "
                     "created_at_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     {id, segment_id, caller.user_id, s[0].Text(1), claimed_ms, reason, clock_.NowMicros()}));
    ASSAY_ASSIGN_OR_RETURN(out, LoadDispute(c, id));
    return base::Ok();
  }));
  return out;
}

base::Result<std::vector<Dispute>> Service::ListDisputes(const Caller& caller, std::string_view project_id,
                                                         std::string_view status) {
  if (!status.empty() && status != "open" && status != "accepted" && status != "rejected") {
    return base::Error::Invalid("status must be open, accepted or rejected").Detail("field", "status");
  }
  std::vector<Dispute> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    out.clear();
    ASSAY_TRY(work::RequireProjectRole(c, caller, project_id, {"manager"}));
    return c.QueryEach(std::string(kDisputeSelect) +
                           "WHERE d.project_id = ? AND (? = '' OR d.status = ?) "
                           "ORDER BY CASE WHEN d.status = 'open' THEN 0 ELSE 1 END, d.created_at_us DESC LIMIT 500",
                       {project_id, status, status}, [&](const storage::Row& r) -> base::Status {
                         out.push_back(DisputeFromRow(r));
                         return base::Ok();
                       });
  }));
  return out;
}

base::Result<Dispute> Service::ResolveDispute(const Caller& caller, std::string_view dispute_id, bool accept,
                                              int64_t granted_ms, std::string_view reason_in) {
  const std::string reason = internal::TrimmedText(reason_in);
  if (reason.empty() || reason.size() > kMaxReasonBytes) {
    return base::Error::Invalid("a resolution needs a reason the expert reads (1 to 2,000 characters)")
        .Detail("field", "reason");
  }
  Dispute out;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Dispute d, LoadDispute(c, dispute_id));
    auto role = work::RequireProjectRole(c, caller, d.project_id, {"manager"});
    if (!role) return role.error().code() == base::ErrorCode::kNotFound ? base::Error::NotFound("no such dispute")
                                                                        : std::move(role).error();
    if (d.expert_id == caller.user_id) return base::Error::Forbidden("you cannot resolve your own dispute");
    if (d.status != "open") return base::Error::Conflict("this dispute was already " + d.status);
    const int64_t now = clock_.NowMicros();
    std::optional<int64_t> granted;
    if (accept) {
      ASSAY_ASSIGN_OR_RETURN(storage::Row s, c.QueryOne("SELECT active_ms, granted_ms, assignment_id FROM time_segments "
                                                        "WHERE id = ?",
                                                        {d.segment_id}));
      const int64_t room = std::min(d.claimed_ms, kBucketMs) - s.Int(0) - s.Int(1);
      const int64_t g = granted_ms > 0 ? granted_ms : room;
      if (g < 1 || g > room) {
        return base::Error::Invalid("granted_ms must be between 1 and " + std::to_string(std::max<int64_t>(room, 1)) +
                                    " (what she claimed beyond what the segment shows)")
            .Detail("field", "granted_ms");
      }
      granted = g;
      ASSAY_TRY(c.Exec("UPDATE time_segments SET granted_ms = granted_ms + ? WHERE id = ?", {g, d.segment_id}));
      ASSAY_ASSIGN_OR_RETURN(storage::Rows sub, c.Query("SELECT s.id FROM submissions s JOIN accruals a ON "
                                                        "a.submission_id = s.id WHERE s.assignment_id = ?",
                                                        {s.Text(2)}));
      if (!sub.empty()) ASSAY_TRY(Accrue(c, sub[0].Text(0), now));
    }
    ASSAY_TRY(c.Exec("UPDATE time_disputes SET status = ?, granted_ms = ?, resolution = ?, resolved_by = ?, "
                     "resolved_at_us = ? WHERE id = ?",
                     {accept ? "accepted" : "rejected", granted, reason, caller.user_id, now, dispute_id}));
    ASSAY_ASSIGN_OR_RETURN(out, LoadDispute(c, dispute_id));
    return base::Ok();
  }));
  return out;
}

}  // namespace money

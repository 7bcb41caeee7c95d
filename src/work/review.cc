// Reviews and the lists reviewers and experts read: one submission, a project's submissions,
// mine, approve or reject.
#include <algorithm>
#include <charconv>

#include "work/internal.h"
#include "work/quality_stamps.h"
#include "work/render.h"
#include "work/service.h"

namespace work {
namespace {

using internal::kSubmissionSelect;
using internal::LoadSubmission;
using internal::SubmissionFromRow;
using internal::SubmissionWithContextSelect;

std::string TrimmedReason(std::string_view reason) {
  size_t b = reason.find_first_not_of(" \t\r\n"), e = reason.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? "" : std::string(reason.substr(b, e - b + 1));
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

}  // namespace

base::Result<Submission> Service::GetSubmission(const Caller& caller, std::string_view submission_id) {
  Submission s;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(s, LoadSubmission(c, submission_id));
    if (s.expert_id == caller.user_id) return base::Ok();
    auto role = RequireProjectRole(c, caller, s.project_id, {"manager", "reviewer"});
    if (!role) return base::Error::NotFound("no such submission");
    if (*role == "reviewer") s.expert_id = ExpertPseudonym(s.project_id, s.expert_id);  // judged blind
    return base::Ok();
  }));
  return s;
}

namespace {

// The WHERE clause of a project's submissions list (without the cursor) and its parameters.
std::string SubmissionsWhere(std::string_view project_id, const SubmissionFilter& filter, storage::Params& params) {
  std::string where = "WHERE s.project_id = ? ";
  params.push_back(std::string(project_id));
  if (filter.state) {
    if (*filter.state == "pending") where += "AND s.state = 'pending' AND s.sent_back_at_us IS NULL ";
    else if (*filter.state == "sent_back") where += "AND s.state = 'pending' AND s.sent_back_at_us IS NOT NULL ";
    else {
      where += "AND s.state = ? ";
      params.push_back(*filter.state);
    }
  }
  if (filter.expert_id) {
    where += "AND s.expert_id = ? ";
    params.push_back(*filter.expert_id);
  }
  if (filter.item_id) {
    where += "AND s.item_id = ? ";
    params.push_back(*filter.item_id);
  }
  return where;
}

// Risk order's cursor: "<risk>:<submission id>".
base::Result<std::pair<int64_t, std::string>> ParseRiskCursor(std::string_view cursor) {
  const size_t colon = cursor.find(':');
  int64_t risk = 0;
  if (colon == std::string_view::npos ||
      std::from_chars(cursor.data(), cursor.data() + colon, risk).ec != std::errc()) {
    return base::Error::Invalid("bad cursor").Detail("field", "cursor");
  }
  return std::make_pair(risk, std::string(cursor.substr(colon + 1)));
}

}  // namespace

base::Result<Page<Submission>> Service::ListSubmissions(const Caller& caller, std::string_view project_id,
                                                        const SubmissionFilter& filter, int limit,
                                                        std::string_view cursor) {
  if (filter.state && *filter.state != "pending" && *filter.state != "approved" && *filter.state != "rejected" &&
      *filter.state != "sent_back") {
    return base::Error::Invalid("state must be pending, sent_back, approved or rejected").Detail("field", "state");
  }
  std::optional<std::pair<int64_t, std::string>> risk_cursor;
  if (filter.by_risk && !cursor.empty()) {
    ASSAY_ASSIGN_OR_RETURN(risk_cursor, ParseRiskCursor(cursor));
  }
  limit = std::clamp(limit <= 0 ? 100 : limit, 1, kMaxPageSize);
  Page<Submission> page;
  std::vector<int64_t> risks;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::string role,
                           RequireProjectRole(c, caller, project_id, {"manager", "reviewer"}));
    storage::Params params;
    std::string where = SubmissionsWhere(project_id, filter, params);
    // Exact, however many pages there are.
    ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT count(*) FROM submissions s " + where, params));
    page.total = n.Int(0);
    // Ids are UUIDv7, so id order is submission order; the cursor is the last id seen.
    std::string order;
    if (filter.by_risk) {
      if (risk_cursor) {
        where += "AND (st.risk < ? OR (st.risk = ? AND s.id > ?)) ";
        params.insert(params.end(), {risk_cursor->first, risk_cursor->first, risk_cursor->second});
      }
      order = "ORDER BY st.risk DESC, s.id ASC LIMIT ?";
    } else if (!cursor.empty()) {
      where += filter.oldest_first ? "AND s.id > ? " : "AND s.id < ? ";
      params.push_back(std::string(cursor));
    }
    if (!filter.by_risk) order = filter.oldest_first ? "ORDER BY s.id ASC LIMIT ?" : "ORDER BY s.id DESC LIMIT ?";
    params.push_back(limit + 1);
    // Managers see who submitted and on which item; reviewers judge the work blind.
    const bool with_context = role == "manager" || role == "admin";
    std::string select = with_context ? SubmissionWithContextSelect() : std::string(kSubmissionSelect);
    select.insert(select.find(" FROM submissions s "), ", coalesce(st.risk, 0)");
    select += "LEFT JOIN item_stats st ON st.item_id = s.item_id ";
    const size_t risk_column = internal::kSubmissionColumns + (with_context ? 3 : 0);
    ASSAY_TRY(c.QueryEach(select + where + order, params, [&](const storage::Row& r) -> base::Status {
      Submission& s = page.items.emplace_back(SubmissionFromRow(r));
      risks.push_back(r.Int(risk_column));
      if (with_context) {
        s.context = Submission::Context{r.Text(internal::kSubmissionColumns), r.Text(internal::kSubmissionColumns + 1),
                                          r.OptText(internal::kSubmissionColumns + 2)};
      } else {
        s.expert_id = ExpertPseudonym(s.project_id, s.expert_id);  // judged blind
      }
      return base::Ok();
    }));
    return base::Ok();
  }));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next_cursor = filter.by_risk ? std::to_string(risks[page.items.size() - 1]) + ":" + page.items.back().id
                                      : page.items.back().id;
  }
  return page;
}

base::Result<Review> Service::ReviewSubmission(const Caller& caller, std::string_view submission_id,
                                               std::string_view verdict, std::string_view reason_in) {
  if (verdict != "approve" && verdict != "reject") {
    return base::Error::Invalid("verdict must be approve or reject").Detail("field", "verdict");
  }
  std::string reason = TrimmedReason(reason_in);
  if (reason.size() > 10000) return base::Error::Invalid("reason is too long").Detail("field", "reason");
  if (verdict == "reject" && static_cast<int64_t>(CodePoints(reason)) < kMinRejectReasonChars) {
    return base::Error::Invalid("a rejection needs a reason of at least 20 characters the expert can act on")
        .Detail("field", "reason");
  }
  Review review;
  std::string review_project_id;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Submission s, LoadSubmission(c, submission_id));
    auto role = RequireProjectRole(c, caller, s.project_id, {"manager", "reviewer"});
    if (!role) {
      if (s.expert_id == caller.user_id) return base::Error::Forbidden("you cannot review your own submission");
      return base::Error::NotFound("no such submission");
    }
    if (s.expert_id == caller.user_id) return base::Error::Forbidden("you cannot review your own submission");
    review = Review{NewId(), s.id, caller.user_id, std::string(verdict), reason, clock_.NowMicros()};
    std::optional<std::string> reviewer;
    if (!caller.user_id.empty()) reviewer = caller.user_id;
    if (!reviewer) return base::Error::Invalid("a review needs a reviewer account");
    ASSAY_TRY(c.Exec("INSERT INTO reviews (id, submission_id, reviewer_id, verdict, reason, created_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     {review.id, review.submission_id, review.reviewer_id, review.verdict, review.reason,
                      review.created_at_us}));
    // A verdict ends a send-back that was still open.
    ASSAY_TRY(c.Exec("UPDATE submissions SET state = ?, sent_back_at_us = NULL WHERE id = ?",
                     {verdict == "approve" ? "approved" : "rejected", s.id}));
    ASSAY_TRY(BumpQualityStamp(c, s.project_id, s.item_id));
    ASSAY_TRY(RefreshStats(c, s.project_id, s.item_id));
    if (pay_observer_) {
      ASSAY_TRY(pay_observer_->VerdictRecorded(
          c, Verdict{s.id, s.project_id, s.expert_id, std::string(verdict), false, review.created_at_us}));
    }
    review_project_id = s.project_id;
    return base::Ok();
  }));
  if (quality_observer_) quality_observer_->Reviewed(review_project_id);
  return review;
}

base::Result<bool> Service::AutoApprove(const Caller& caller, std::string_view submission_id) {
  if (caller.role != Role::kAdmin || !caller.user_id.empty()) {
    return base::Error::Forbidden("only the server approves automatically");
  }
  bool approved = false;
  std::string project_id;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    approved = false;
    const int64_t now = clock_.NowMicros();
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                           c.Query("UPDATE submissions SET state = 'approved', auto_approved_at_us = ? "
                                   "WHERE id = ? AND state = 'pending' AND sent_back_at_us IS NULL "
                                   "RETURNING project_id, expert_id, item_id",
                                   {now, submission_id}));
    if (rows.empty()) return base::Ok();
    project_id = rows[0].Text(0);
    ASSAY_TRY(BumpQualityStamp(c, project_id, rows[0].Text(2)));
    ASSAY_TRY(RefreshStats(c, project_id, rows[0].Text(2)));
    if (pay_observer_) {
      ASSAY_TRY(pay_observer_->VerdictRecorded(
          c, Verdict{std::string(submission_id), project_id, rows[0].Text(1), "approve", true, now}));
    }
    approved = true;
    return base::Ok();
  }));
  if (approved && quality_observer_) quality_observer_->Reviewed(project_id);
  return approved;
}

base::Result<Page<Submission>> Service::MySubmissions(const Caller& caller, int limit, std::string_view cursor,
                                                      std::string_view project_id) {
  limit = std::clamp(limit <= 0 ? 100 : limit, 1, kMaxPageSize);
  Page<Submission> page;
  const int64_t now = clock_.NowMicros();
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    std::string select(kSubmissionSelect);
    select.insert(select.find(" FROM submissions s "), ", p.lease_seconds");
    return c.QueryEach(select + "JOIN projects p ON p.id = s.project_id WHERE s.expert_id = ? "
                           "AND (? = '' OR s.project_id = ?) AND (? = '' OR s.id < ?) ORDER BY s.id DESC LIMIT ?",
                       {caller.user_id, project_id, project_id, cursor, cursor, limit + 1},
                       [&](const storage::Row& r) -> base::Status {
                         Submission& s = page.items.emplace_back(SubmissionFromRow(r));
                         const int64_t until = internal::EditableUntil(s, r.Int(internal::kSubmissionColumns));
                         if (until > now) s.editable_until_us = until;
                         return base::Ok();
                       });
  }));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next_cursor = page.items.back().id;
  }
  return page;
}

}  // namespace work

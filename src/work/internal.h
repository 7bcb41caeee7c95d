// Helpers shared by work's .cc files only: how a submission is read from its rows.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "storage/db.h"
#include "work/types.h"

namespace work::internal {

// A submission with its latest review, auto-approval, version and open send-back (columns 0-18).
inline constexpr std::string_view kSubmissionSelect =
    "SELECT s.id, s.assignment_id, s.item_id, s.project_id, s.expert_id, s.client_submission_id, s.answer, "
    "s.active_ms, s.submitted_at_us, s.state, r.id, r.reviewer_id, r.verdict, r.reason, r.created_at_us, "
    "s.auto_approved_at_us, s.version, s.sent_back_at_us, (SELECT b.note FROM send_backs b WHERE "
    "b.submission_id = s.id AND b.answered_at_us IS NULL ORDER BY b.created_at_us DESC LIMIT 1) "
    "FROM submissions s LEFT JOIN reviews r ON r.id = "
    "(SELECT r2.id FROM reviews r2 WHERE r2.submission_id = s.id ORDER BY r2.created_at_us DESC, r2.id DESC LIMIT 1) ";
inline constexpr size_t kSubmissionColumns = 19;
// kSubmissionSelect with who submitted and the item's external id after its columns (19-21),
// in one query instead of one per row.
inline std::string SubmissionWithContextSelect() {
  std::string sql(kSubmissionSelect);
  sql.insert(sql.find(" FROM submissions s "), ", u.email, u.name, i.external_id");
  return sql + "LEFT JOIN users u ON u.id = s.expert_id LEFT JOIN items i ON i.id = s.item_id ";
}

inline Submission SubmissionFromRow(const storage::Row& r) {
  Submission s{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Int(7), r.Int(8),
               r.Text(9), std::nullopt};
  if (!r.IsNull(10)) s.review = Review{r.Text(10), s.id, r.Text(11), r.Text(12), r.Text(13), r.Int(14)};
  s.auto_approved_at_us = r.OptInt(15);
  s.version = r.Int(16);
  if (!r.IsNull(17)) s.sent_back = Submission::SentBack{r.Text(18), r.Int(17)};
  return s;
}

// Until when its expert may still edit a submission (revisions.cc): while it waits for review,
// the project's lease length after she submitted it, or after a reviewer sent it back to her.
// 0: not any more.
inline int64_t EditableUntil(const Submission& s, int64_t lease_seconds) {
  if (s.state != "pending" || s.review) return 0;
  const int64_t from = s.sent_back ? s.sent_back->at_us : s.submitted_at_us;
  return from + lease_seconds * 1000000;
}

inline base::Result<Submission> LoadSubmission(storage::Conn& c, std::string_view id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query(std::string(kSubmissionSelect) + "WHERE s.id = ?", {id}));
  if (rows.empty()) return base::Error::NotFound("no such submission");
  return SubmissionFromRow(rows[0]);
}

}  // namespace work::internal

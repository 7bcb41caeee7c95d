// Plain data of the work model, as src/work returns it. Times are µs since the Unix epoch UTC;
// JSON fields are JSON text (answers exactly as the expert sent them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/types.h"
#include "base/result.h"
#include "work/display.h"

namespace work {

using accounts::Caller;
using accounts::Role;
using accounts::RoleName;
using accounts::User;

struct Project {
  std::string id;
  std::string name;
  std::string instructions;
  std::string template_json;
  std::string answer_schema_json;
  int64_t overlap = 1;
  int64_t max_overlap = 1;  // == overlap: fixed overlap; more: dynamic (quality.h)
  double target_confidence = 0.95;
  int64_t lease_seconds = 0;
  std::string created_by;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  std::string my_role;  // "admin" | "manager" | "reviewer" | "expert"
  // Who may take the work (people/requirements.h): the requirement list as canonical JSON
  // ("[]" for none), the contract version to accept first, a cap on tasks per expert per 24 hours,
  // the largest share of the project's labels one expert may give (0 < share ≤ 1).
  std::string requirements_json = "[]";
  std::optional<std::string> contract_id;
  std::optional<int64_t> daily_cap;
  std::optional<double> max_share;
  // How exports name the experts: "pseudonym" (ExpertPseudonym, per project; the default) or "id".
  std::string export_experts = "pseudonym";
  // What experts see (display.h): model names hidden, responses in a per-item random order.
  bool hide_models = true;
  bool shuffle_responses = true;
};

// Create: name and template required. Patch: only the fields set change.
struct ProjectFields {
  std::optional<std::string> name;
  std::optional<std::string> instructions;
  std::optional<std::string> template_json;
  std::optional<int64_t> overlap;
  std::optional<int64_t> lease_seconds;
  std::optional<int64_t> max_overlap;
  std::optional<double> target_confidence;
  // JSON text of the list ("null" or "[]" clears it); "" clears the contract; 0 clears a cap/share.
  std::optional<std::string> requirements_json;
  std::optional<std::string> contract_id;
  std::optional<int64_t> daily_cap;
  std::optional<double> max_share;
  std::optional<std::string> export_experts;  // "pseudonym" | "id"
  std::optional<bool> hide_models;
  std::optional<bool> shuffle_responses;
};

struct ImportError {
  int64_t line = 0;  // 1-based line (JSONL) or element number (JSON array)
  std::string message;
};
struct ImportResult {
  int64_t imported = 0;
  int64_t skipped = 0;  // same external id already present
  std::vector<ImportError> errors;  // at most kMaxImportErrors listed
  int64_t error_count = 0;
};

struct ItemView {
  std::string id;
  std::optional<std::string> external_id;
  std::string data_json;
  std::optional<std::string> gold_json;
  int64_t seq = 0;
  int64_t submissions = 0;
};

struct Lease {
  std::string assignment_id;
  std::string lease_token;
  int64_t expires_at_us = 0;
  std::string project_id;
  std::string item_id;
  std::string item_data_json;  // as stored; RenderLease shows it through `display`
  Display display;
};

struct Assignment {
  std::string id;
  std::string project_id;
  std::string item_id;
  std::string expert_id;
  std::string state;  // leased | submitted | expired | returned
  int64_t leased_at_us = 0;
  int64_t lease_expires_at_us = 0;
  std::optional<int64_t> finished_at_us;
  std::string item_data_json;
  Display display;
};

struct Review {
  std::string id;
  std::string submission_id;
  std::string reviewer_id;
  std::string verdict;  // approve | reject
  std::string reason;
  int64_t created_at_us = 0;
};

struct Submission {
  std::string id;
  std::string assignment_id;
  std::string item_id;
  std::string project_id;
  std::string expert_id;
  std::string client_submission_id;
  std::string answer_json;  // byte-exact as sent
  int64_t active_ms = 0;
  int64_t submitted_at_us = 0;
  std::string state;  // pending | approved | rejected
  std::optional<Review> review;
  // Approved by the server after the project's auto-approval delay, with no review.
  std::optional<int64_t> auto_approved_at_us;
  int64_t version = 1;  // 2 and up: edited by the expert; earlier versions are kept
  // Sent back by a reviewer with a note, not revised yet: out of the review queue.
  struct SentBack {
    std::string note;
    int64_t at_us = 0;
  };
  std::optional<SentBack> sent_back;
  // MySubmissions: until when she may still edit it (pending and within the lease rules).
  std::optional<int64_t> editable_until_us;
  // Who submitted and on which item, filled by ListSubmissions for the project's managers only
  // (reviewers judge the work blind).
  struct Context {
    std::string expert_email;
    std::string expert_name;
    std::optional<std::string> item_external_id;
  };
  std::optional<Context> context;
};

struct SubmitRequest {
  std::string assignment_id;
  std::string lease_token;
  std::string client_submission_id;
  std::string answer_json;  // raw JSON text of the answer
  int64_t active_ms = 0;
};

struct SubmitResult {
  Submission submission;
  bool created = false;  // false: an idempotent repeat, nothing written
};

struct ThroughputBucket {
  int64_t bucket_start_us = 0;
  int64_t submissions = 0;
};

struct Progress {
  int64_t items = 0;
  int64_t overlap = 0;
  int64_t target_submissions = 0;
  int64_t submitted = 0;
  int64_t approved = 0;
  int64_t rejected = 0;
  int64_t pending_review = 0;
  int64_t leased = 0;
  int64_t awaiting_responses = 0;  // items waiting for model responses (not leased until filled)
  std::vector<ThroughputBucket> throughput;  // oldest first
};

struct ExpertProjectStats {
  std::string project_id;
  std::string name;
  int64_t submitted = 0;
  int64_t approved = 0;
  int64_t rejected = 0;
  std::optional<double> approval_rate;  // approved / reviewed; none before any review
  int64_t active_seconds = 0;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
  std::optional<int64_t> total;  // every match, not only this page's (where the list counts)
};

struct SubmissionFilter {
  // pending (waiting for review; not those sent back) | sent_back | approved | rejected
  std::optional<std::string> state;
  std::optional<std::string> expert_id;
  std::optional<std::string> item_id;
  bool oldest_first = false;  // the review queue works from the oldest submission
  // Riskiest first (item_stats.risk: flagged, gold missed, disagreement, low confidence), then
  // oldest; the cursor is a position.
  bool by_risk = false;
};

// Why an expert gave a task back (POST /assignments/{id}/return): the manager sees it.
inline constexpr std::string_view kSkipReasons[] = {"outside_expertise", "broken_item", "other"};
struct Skip {
  std::string id;
  std::string assignment_id;
  std::string item_id;
  std::optional<std::string> item_external_id;
  std::string expert_id;  // a pseudonym for reviewers
  std::string expert_name;  // managers only
  std::string reason;
  std::string note;
  int64_t created_at_us = 0;
};
struct SkipSummary {
  int64_t outside_expertise = 0, broken_item = 0, other = 0;
  std::vector<Skip> recent;  // newest first
};

// How much work is left, for the expert at her desk.
struct RemainingWork {
  int64_t for_you = 0;      // tasks the lease would still hand her here (routing, cap, share)
  int64_t in_project = 0;   // labels the project still wants from anyone
  int64_t live_leases = 0;  // hers, now
};

// One batch of a bulk job (bulk.h), applied in one write with the job's progress.
struct BulkBatch {
  std::string job_id;
  std::string project_id;
  std::string actor_id;  // who asked for it: the reviewer of approvals and rejections
  std::string action;    // approve | reject | requeue | set_overlap | set_gold | export
  std::string reason;
  int64_t overlap = 0;
  std::string gold_from = "consensus";
  int64_t first_n = 0;         // the job's progress this batch starts at
  std::vector<int64_t> seqs;   // the items, by import order in the project
};

// An expert's new version of her pending answer (PATCH /submissions/{id}).
struct EditRequest {
  std::string answer_json;
  int64_t active_ms = 0;  // added to the submission's measured time
};

struct Member {
  std::string user_id;
  std::string email;
  std::string name;
  std::string role;  // manager | reviewer | expert
  int64_t added_at_us = 0;
  int64_t live_leases = 0;
  int64_t submissions = 0;
  std::optional<int64_t> last_submitted_at_us;
};

// An invitation to join a project: pending until the invitee answers.
struct Invitation {
  std::string id;
  std::string project_id;
  std::string project_name;
  std::string email;
  std::string role;  // manager | reviewer | expert
  std::string invited_by_name;
  int64_t created_at_us = 0;
};

struct MemberList {
  std::vector<Member> members;
  std::vector<Invitation> invitations;  // pending
};

}  // namespace work

// Plain data of the work model, as src/work returns it. Times are µs since the Unix epoch UTC;
// JSON fields are JSON text (answers exactly as the expert sent them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace work {

// Org role, ordered by power: admin > manager > reviewer > expert.
enum class Role { kExpert = 0, kReviewer = 1, kManager = 2, kAdmin = 3 };
std::string_view RoleName(Role role);
base::Result<Role> ParseRole(std::string_view name);

// Who is calling. Every service method takes one and checks it against the object touched.
struct Caller {
  std::string user_id;
  Role role = Role::kExpert;
  // The offline CLI (import/export/seed): acts as an admin without a user row.
  static Caller System() { return {"", Role::kAdmin}; }
};

struct User {
  std::string id;
  std::string email;
  std::string name;
  Role role = Role::kExpert;
  int64_t created_at_us = 0;
};

struct Session {
  User user;
  std::string token;  // the cookie value; only its sha256 is stored
  int64_t expires_at_us = 0;
};

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
  std::string item_data_json;
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
};

struct SubmissionFilter {
  std::optional<std::string> state;  // pending | approved | rejected
  std::optional<std::string> expert_id;
  std::optional<std::string> item_id;
  bool oldest_first = false;  // the review queue works from the oldest submission
};

struct Member {
  std::string user_id;
  std::string email;
  std::string name;
  std::string role;  // manager | reviewer | expert
  int64_t added_at_us = 0;
};

}  // namespace work

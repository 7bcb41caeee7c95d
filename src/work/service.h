// work::Service — the rules of the expert work loop: accounts, projects, items, leases,
// submissions, reviews, export and stats. Every method takes the Caller and checks its right to
// the very object touched: objects the caller may not see answer NotFound, visible ones it may
// not change answer PermissionDenied. Time comes from the injected Clock, ids from the injected
// Uuid7Generator; all persistence goes through storage::Db.
//
//   work::Service svc(db, clock, ids);
//   ASSAY_ASSIGN_OR_RETURN(work::Project p, svc.CreateProject(manager, fields));
//   ASSAY_ASSIGN_OR_RETURN(std::optional<work::Lease> lease, svc.AcquireLease(expert, p.id));
//   ASSAY_ASSIGN_OR_RETURN(work::SubmitResult r, svc.Submit(expert, {lease->assignment_id, …}));
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "storage/db.h"
#include "work/quality.h"
#include "work/template.h"
#include "work/types.h"

namespace work {

inline constexpr size_t kMaxImportErrors = 1000;
inline constexpr int64_t kMinRejectReasonChars = 20;
inline constexpr int kMaxPageSize = 500;

struct ServiceOptions {
  int64_t session_ttl_us = 14LL * 24 * 3600 * base::kMicrosPerSecond;
  int max_concurrent_password_hashes = 2;
  // Login throttling: failures allowed per window, per account (email) and per address.
  int64_t login_window_us = 15LL * 60 * base::kMicrosPerSecond;
  int login_failures_per_account = 10;
  int login_failures_per_address = 50;
  // Passwords hash with libsodium's interactive limits; tests may lower them (never below the
  // library minimum) to keep suites fast.
  bool fast_password_hashing_for_tests = false;
};

// Receives the answer of an asynchronous call (…Async below), once.
template <typename T>
using Done = std::function<void(base::Result<T>)>;

// Called while importing with bytes read so far and the total.
using ImportProgressFn = std::function<void(size_t done_bytes, size_t total_bytes)>;
// Receives one export line (JSON, no trailing newline); an error stops the export.
using LineSinkFn = std::function<base::Status(std::string_view line)>;

class Service {
 public:
  Service(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids,
          ServiceOptions options = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // ---- accounts (accounts.cc) -------------------------------------------------------------
  // Admin: any role. Manager: reviewer or expert. Password ≥ 8 chars, or empty for a
  // token-only account. Email is lowercased; a taken email is Conflict.
  base::Result<User> CreateUser(const Caller& by, std::string_view email, std::string_view password,
                                Role role, std::string_view name = "");
  // The user with this email, created (token-only, this role) if missing. CLI and seeding.
  base::Result<User> EnsureUser(std::string_view email, Role role, std::string_view name = "");
  // Unknown email and wrong password answer the same Unauthenticated error in similar time.
  // Too many failures for the account or the address: ResourceExhausted.
  base::Result<Session> Login(std::string_view email, std::string_view password,
                              std::string_view address);
  base::Status Logout(std::string_view session_token);
  base::Result<Caller> AuthenticateSession(std::string_view session_token);
  base::Result<Caller> AuthenticateBearer(std::string_view api_token);
  base::Result<User> GetMe(const Caller& caller);
  // A fresh API token for the caller, shown once; only its sha256 is stored.
  base::Result<std::string> CreateApiToken(const Caller& caller, std::string_view name = "");

  // ---- projects and items (projects.cc, import.cc) ---------------------------------------
  base::Result<Project> CreateProject(const Caller& caller, const ProjectFields& fields);
  base::Result<Project> GetProject(const Caller& caller, std::string_view project_id);
  base::Result<std::vector<Project>> ListProjects(const Caller& caller);
  base::Result<Project> UpdateProject(const Caller& caller, std::string_view project_id,
                                      const ProjectFields& fields);
  // Adds (or changes the role of) a member; user by id or email. Manager member or admin.
  base::Status AddMember(const Caller& caller, std::string_view project_id,
                         std::string_view user_id_or_email, std::string_view member_role);
  // JSONL (one {"id"?, "data", "gold"?} a line) or a JSON array of them. Bad lines are
  // reported, not fatal; an external id already present is skipped.
  base::Result<ImportResult> ImportItems(const Caller& caller, std::string_view project_id,
                                         std::string_view body, const ImportProgressFn& progress = {});
  // The project's members (managers of the project and admins).
  base::Result<std::vector<Member>> ListMembers(const Caller& caller, std::string_view project_id);
  // One item with its data and gold, for the project's managers and reviewers.
  base::Result<ItemView> GetItem(const Caller& caller, std::string_view item_id);
  base::Result<Page<ItemView>> ListItems(const Caller& caller, std::string_view project_id,
                                         int limit, std::string_view cursor);

  // ---- the work loop (loop.cc) -----------------------------------------------------------
  // The caller's live lease in this project if it has one (the oldest), else a new lease on an
  // item it has never had whose live leases + submissions are below overlap; nullopt when
  // nothing is left. Prefetch: with `after` (an assignment of the caller's in this project, else
  // NotFound), the caller's live lease other than `after` if there is one, else a new lease as
  // above. So an expert holds at most two live leases per project, and retries are idempotent.
  base::Result<std::optional<Lease>> AcquireLease(const Caller& caller, std::string_view project_id,
                                                  std::string_view after = {});
  base::Result<Assignment> GetAssignment(const Caller& caller, std::string_view assignment_id);
  // Extends a live lease by the project's lease length; returns the new expiry.
  base::Result<int64_t> RenewLease(const Caller& caller, std::string_view assignment_id,
                                   std::string_view lease_token);
  base::Result<SubmitResult> Submit(const Caller& caller, const SubmitRequest& request);
  // AcquireLease and Submit without waiting for the write: their reads and checks run on the
  // calling thread, and done gets the answer — at once on an error found before the write,
  // else from the database once the write is durable (SQLite: on its writer thread, so done
  // must only hand the answer on; storage::Db::WriteAsync). With a Db whose writes are not
  // asynchronous (AsyncWrites() false) they block like the calls above.
  void AcquireLeaseAsync(const Caller& caller, std::string_view project_id, std::string_view after,
                         Done<std::optional<Lease>> done);
  void SubmitAsync(const Caller& caller, const SubmitRequest& request, Done<SubmitResult> done);
  bool AsyncWrites() const { return db_.AsyncWrites(); }
  base::Status ReturnAssignment(const Caller& caller, std::string_view assignment_id,
                                std::string_view lease_token);
  base::Result<Submission> GetSubmission(const Caller& caller, std::string_view submission_id);
  // Newest first, or oldest first with filter.oldest_first; managers also get each
  // submission's context (expert email and name, item external id).
  base::Result<Page<Submission>> ListSubmissions(const Caller& caller, std::string_view project_id,
                                                 const SubmissionFilter& filter, int limit,
                                                 std::string_view cursor);
  base::Result<Review> ReviewSubmission(const Caller& caller, std::string_view submission_id,
                                        std::string_view verdict, std::string_view reason);
  base::Result<Page<Submission>> MySubmissions(const Caller& caller, int limit, std::string_view cursor);
  base::Result<std::vector<ExpertProjectStats>> MyStats(const Caller& caller);
  base::Result<Progress> GetProgress(const Caller& caller, std::string_view project_id,
                                     int64_t bucket_seconds = 3600, int buckets = 24);
  // One JSON line per item (import order) with all its submissions and their latest review.
  base::Status ExportJsonl(const Caller& caller, std::string_view project_id, const LineSinkFn& sink);

  // ---- quality (quality.cc) ---------------------------------------------------------------
  // The project's quality report (manager/reviewer member or admin; experts get NotFound),
  // from the cache by the rule in quality.h.
  base::Result<QualityView> ProjectQuality(const Caller& caller, std::string_view project_id);
  // Reports computed so far, and a wait until no background computation is queued (tests).
  int64_t QualityComputations();
  void WaitForQualityIdle();

  storage::Db& db() { return db_; }
  const base::Clock& clock() const { return clock_; }

 private:
  struct Throttle;
  std::string NewId() { return ids_.Next(); }
  // Runs an asynchronous call and waits for its answer.
  template <typename T>
  static base::Result<T> Await(const std::function<void(Done<T>)>& start) {
    std::promise<base::Result<T>> answer;
    std::future<base::Result<T>> future = answer.get_future();
    start([&answer](base::Result<T> r) { answer.set_value(std::move(r)); });
    return future.get();
  }
  std::string HashPassword(std::string_view password);
  bool VerifyPassword(const std::string& hash, std::string_view password);
  // A project's template, parsed once per template text, with the label fields the quality
  // engine reads from it (so a dynamic-overlap submit does not parse the template again).
  struct ProjectTemplate {
    Template parsed;
    std::vector<LabelField> label_fields;
  };
  base::Result<std::shared_ptr<const ProjectTemplate>> TemplateFor(const std::string& project_id,
                                                                    const std::string& template_json);

  class QualityCache;
  QualityCache& Quality();
  std::shared_ptr<const QualityReport> CachedQuality(const std::string& project_id);
  void RefreshQualityIfBehind(const std::string& project_id, int64_t version);

  // True when the project's expired leases have not been swept in the last second.
  bool ShouldSweepLeases(std::string_view project_id, int64_t now_us);

  storage::Db& db_;
  const base::Clock& clock_;
  base::Uuid7Generator& ids_;
  ServiceOptions options_;
  std::counting_semaphore<64> hash_slots_;
  std::unique_ptr<Throttle> throttle_;
  std::once_flag dummy_hash_once_;
  std::string dummy_hash_;  // set once under dummy_hash_once_

  std::mutex sweep_mu_;
  std::unordered_map<std::string, int64_t> last_sweep_us_;  // guarded by sweep_mu_

  std::mutex templates_mu_;
  // project id → (template text, parsed); guarded by templates_mu_
  std::unordered_map<std::string, std::pair<std::string, std::shared_ptr<const ProjectTemplate>>> templates_;

  std::once_flag quality_once_;
  std::shared_ptr<QualityCache> quality_;  // set once under quality_once_; its thread stops first
};

// Access helpers shared by the service's .cc files (internal).
namespace internal {
// The caller's role in the project: "admin" for an admin when the project exists, else the
// member role; NotFound when the project does not exist or the caller is not a member.
base::Result<std::string> ProjectRole(storage::Conn& c, const Caller& caller, std::string_view project_id);
// Like ProjectRole, but PermissionDenied unless the role is one of `allowed` (admin always
// passes unless allow_admin is false).
base::Result<std::string> RequireProjectRole(storage::Conn& c, const Caller& caller,
                                             std::string_view project_id,
                                             std::initializer_list<std::string_view> allowed,
                                             bool allow_admin = true);
}  // namespace internal

}  // namespace work

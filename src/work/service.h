// work::Service — the rules of the expert work loop: projects, items, leases, submissions,
// reviews, export and stats (callers are authenticated by src/accounts). Every method takes the Caller and checks its right to
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
#include <map>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "storage/db.h"
#include "work/access.h"
#include "work/items.h"
#include "work/label_fields.h"
#include "work/pay_observer.h"
#include "work/quality_observer.h"
#include "work/template.h"
#include "work/types.h"

namespace work {

inline constexpr int64_t kMinRejectReasonChars = 20;
inline constexpr int kMaxPageSize = 500;

// Receives the answer of an asynchronous call (…Async below), once.
template <typename T>
using Done = std::function<void(base::Result<T>)>;

// Called while importing with bytes read so far and the total.
using ImportProgressFn = std::function<void(size_t done_bytes, size_t total_bytes)>;
// Receives one export line (JSON, no trailing newline); an error stops the export.
using LineSinkFn = std::function<base::Status(std::string_view line)>;

// A project export whose access was checked (Service::OpenExport): Stream writes its lines.
class JsonlExport {
 public:
  const Project& project() const { return project_; }
  // One read snapshot; an error from the sink stops it.
  base::Status Stream(const LineSinkFn& sink) const;

 private:
  friend class Service;
  JsonlExport(storage::Db& db, Project project, std::string job_id = {})
      : db_(&db), project_(std::move(project)), job_id_(std::move(job_id)) {}
  storage::Db* db_;
  Project project_;
  std::string job_id_;  // set: only the items of this bulk job's selection
};

class Service {
 public:
  Service(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // ---- projects and items (projects.cc, import.cc) ---------------------------------------
  base::Result<Project> CreateProject(const Caller& caller, const ProjectFields& fields);
  base::Result<Project> GetProject(const Caller& caller, std::string_view project_id);
  base::Result<std::vector<Project>> ListProjects(const Caller& caller);
  base::Result<Project> UpdateProject(const Caller& caller, std::string_view project_id,
                                      const ProjectFields& fields);
  // ---- members (members.cc) ----------------------------------------------------------------
  // A project role never exceeds the user's org role (expert < reviewer < manager; org admins and
  // managers may hold any), and a project always keeps at least one manager.
  //
  // Adds (or changes the role of) a member at once, by user id or email: the org's admin or the
  // offline CLI (Caller::System()) only. A project's managers invite instead.
  base::Status AddMember(const Caller& caller, std::string_view project_id,
                         std::string_view user_id_or_email, std::string_view member_role);
  // Invites an email (manager member or admin). The answer is the same whether an account with
  // that email exists or not; inviting again updates the pending invitation's role.
  base::Status InviteMember(const Caller& caller, std::string_view project_id, std::string_view email,
                            std::string_view member_role);
  // My pending invitations (by my account's email), newest first.
  base::Result<std::vector<Invitation>> MyInvitations(const Caller& caller);
  // Accept (join with the invited role) or decline one of my invitations.
  base::Status AnswerInvitation(const Caller& caller, std::string_view invitation_id, bool accept);
  // Changes a member's role (manager member or admin), within the rules above.
  base::Status UpdateMember(const Caller& caller, std::string_view project_id, std::string_view user_id,
                            std::string_view member_role);
  // Removes a member: her submissions stay, her live leases go back to the pool (their count
  // is returned). Not the last manager.
  base::Result<int64_t> RemoveMember(const Caller& caller, std::string_view project_id, std::string_view user_id);
  // JSONL (one {"id"?, "data", "gold"?} a line) or a JSON array of them. Bad lines are
  // reported, not fatal; an external id already present is skipped.
  base::Result<ImportResult> ImportItems(const Caller& caller, std::string_view project_id,
                                         std::string_view body, const ImportProgressFn& progress = {});
  // The project's members with their activity, and pending invitations (managers of the
  // project and admins).
  base::Result<MemberList> ListMembers(const Caller& caller, std::string_view project_id);
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
  // else from the database once the write is durable (SQLite: on its completion thread, so done
  // must only hand the answer on; storage::Db::WriteAsync). With a Db whose writes are not
  // asynchronous (AsyncWrites() false) they block like the calls above.
  void AcquireLeaseAsync(const Caller& caller, std::string_view project_id, std::string_view after,
                         Done<std::optional<Lease>> done);
  void SubmitAsync(const Caller& caller, const SubmitRequest& request, Done<SubmitResult> done);
  bool AsyncWrites() const { return db_.AsyncWrites(); }
  // Gives a leased task back. With a reason (kSkipReasons: outside_expertise, broken_item,
  // other) and an optional note, the skip is recorded for the project's managers (a broken item
  // or "other" flags the item in the browser); the item never comes back to her.
  base::Status ReturnAssignment(const Caller& caller, std::string_view assignment_id,
                                std::string_view lease_token, std::string_view reason = {},
                                std::string_view note = {});
  // The project's skips by reason, and the latest ones (managers and reviewers).
  base::Result<SkipSummary> ListSkips(const Caller& caller, std::string_view project_id, int limit = 50);
  // How much is left: for her (experts of the project) and in the project.
  base::Result<RemainingWork> Remaining(const Caller& caller, std::string_view project_id);
  // ---- revisions (revisions.cc) -------------------------------------------------------------
  // Her new answer to her own submission while it waits for review and the lease rules allow:
  // within the project's lease length after she submitted, or after a reviewer sent it back to
  // her (the same length again from then). The earlier answer is kept (submission_versions),
  // never overwritten; the version counts up; a send-back is answered.
  base::Result<Submission> EditSubmission(const Caller& caller, std::string_view submission_id,
                                          const EditRequest& request);
  // A reviewer sends a pending submission back to its expert with a note: it leaves the review
  // queue until she sends her revision.
  base::Result<Submission> SendBack(const Caller& caller, std::string_view submission_id, std::string_view note);
  base::Result<Submission> GetSubmission(const Caller& caller, std::string_view submission_id);
  // Newest first, or oldest first with filter.oldest_first; managers also get each
  // submission's context (expert email and name, item external id).
  base::Result<Page<Submission>> ListSubmissions(const Caller& caller, std::string_view project_id,
                                                 const SubmissionFilter& filter, int limit,
                                                 std::string_view cursor);
  base::Result<Review> ReviewSubmission(const Caller& caller, std::string_view submission_id,
                                        std::string_view verdict, std::string_view reason);
  // Approves a pending submission nobody reviewed in time (the pay layer's auto-approval after
  // the project's delay; Caller::System() only): no review row, `auto_approved_at_us` set, the
  // pay observer told. False when it was no longer pending (reviewed meanwhile).
  base::Result<bool> AutoApprove(const Caller& caller, std::string_view submission_id);
  // Mine, newest first (of one project with project_id), each with until when I may edit it.
  base::Result<Page<Submission>> MySubmissions(const Caller& caller, int limit, std::string_view cursor,
                                               std::string_view project_id = {});
  base::Result<std::vector<ExpertProjectStats>> MyStats(const Caller& caller);
  base::Result<Progress> GetProgress(const Caller& caller, std::string_view project_id,
                                     int64_t bucket_seconds = 3600, int buckets = 24);
  // The JSONL export of a project (its managers and admins): one JSON line per item (import
  // order) with all its submissions and their latest review. OpenExport checks access and
  // returns the export to stream — so an HTTP handler refuses before any header is sent, and a
  // stream that has started never fails on access (every streamed response follows this).
  base::Result<JsonlExport> OpenExport(const Caller& caller, std::string_view project_id);
  // OpenExport and Stream in one call (the CLI).
  base::Status ExportJsonl(const Caller& caller, std::string_view project_id, const LineSinkFn& sink);

  // One batch of a bulk job (bulk.h): the action on these items and the job's progress, in one
  // write; nothing when the job's progress is no longer first_n (done already). Returns how
  // many items changed.
  base::Result<int64_t> ApplyBulkBatch(const BulkBatch& batch);
  // The JSONL export of a bulk job's selection (an export job): the project's managers.
  base::Result<JsonlExport> OpenSelectionExport(const Caller& caller, std::string_view project_id,
                                                std::string_view job_id);

  // Recomputes these items' browser rows (item_stats.h; the browser's indexer, for rows marked
  // stale) in one write.
  base::Status RecomputeItemStats(std::string_view project_id, const std::vector<std::string>& item_ids);

  // Dynamic overlap's decisions come from a layer above (src/quality); set before serving.
  void SetQualityObserver(QualityObserver* decider) { quality_observer_ = decider; }
  QualityObserver* quality_observer() const { return quality_observer_; }
  // Called with the project's id after an import added items (the browser's search indexer);
  // set before serving.
  void SetImportListener(std::function<void(const std::string&)> listener) { import_listener_ = std::move(listener); }
  // Budgets and accrual come from a layer above (src/money); set before serving.
  void SetPayObserver(PayObserver* pay) { pay_observer_ = pay; }

  storage::Db& db() { return db_; }
  const base::Clock& clock() const { return clock_; }

 private:
  std::string NewId() { return ids_.Next(); }
  // Runs an asynchronous call and waits for its answer.
  template <typename T>
  static base::Result<T> Await(const std::function<void(Done<T>)>& start) {
    std::promise<base::Result<T>> answer;
    std::future<base::Result<T>> future = answer.get_future();
    start([&answer](base::Result<T> r) { answer.set_value(std::move(r)); });
    return future.get();
  }
  // A project's template, parsed once per template text, with the label fields the quality
  // engine reads from it (so a dynamic-overlap submit does not parse the template again).
  struct ProjectTemplate {
    Template parsed;
    std::vector<LabelField> label_fields;
    std::vector<std::string> response_paths;  // the response lists experts are shown (display.h)
  };
  base::Result<std::shared_ptr<const ProjectTemplate>> TemplateFor(const std::string& project_id,
                                                                    const std::string& template_json);

  // Recomputes an item's browser row in this write (item_stats.h) with the experts' skills.
  base::Status RefreshStats(storage::Conn& c, const std::string& project_id, std::string_view item_id,
                            const std::vector<LabelField>& fields);
  // The same, reading the project's template first.
  base::Status RefreshStats(storage::Conn& c, const std::string& project_id, std::string_view item_id);

  // True when the project's expired leases have not been swept in the last second.
  bool ShouldSweepLeases(std::string_view project_id, int64_t now_us);
  // A lease or a submit on its way (loop.cc), and what each reads before it writes: the lease
  // its access, the project's settings and her routing; the submit its assignment, the project
  // and the item, and whether the answer fits the template. SQLite reads them on a reader (its
  // writer is serial); PostgreSQL in the write itself, with the row lock it takes anyway.
  struct LeaseRequest;
  struct SubmitRequestState;
  base::Status ReadLeaseGate(storage::Conn& c, LeaseRequest& req, bool lock);
  base::Status ReadSubmitContext(storage::Conn& c, SubmitRequestState& req, bool lock);

  // Routing (routing.cc): whether the expert may take the project's work, and which items.
  struct ProjectGate {  // the project's people settings, as the lease reads them
    std::string project_id;
    std::optional<std::string> requirements_json, contract_id;
    std::optional<int64_t> daily_cap, max_share_ppm;
    int64_t max_overlap = 1;
    // Known already (the lease reads them with the project): her expert status ("" without a
    // profile) and whether the project's items have classes. Unset: RouteExpert reads them.
    std::optional<std::string> expert_status;
    std::optional<bool> has_classes;
  };
  struct Route {
    // Item classes to lease from, in order (the scarcest the expert can do first); nullopt
    // stands for the items that ask nothing. Empty when the project's items have no classes:
    // then any item.
    std::vector<std::optional<std::string>> classes;
    // Set when she may not take a new lease now (daily cap, share) but may get her live ones.
    std::optional<base::Error> no_new_lease;
  };
  // Refuses (RequirementUnmet, 403) an expert who is not active, fails a project requirement
  // or has not accepted its contract; otherwise where she may lease.
  base::Result<Route> RouteExpert(storage::Conn& c, const Caller& caller, const ProjectGate& gate, int64_t now_us);
  // How many of the project's active expert members meet each item class (cached a minute).
  std::map<std::string, int64_t> ClassScarcity(storage::Conn& c, const std::string& project_id,
                                               const std::map<std::string, std::string>& classes, int64_t now_us);

  storage::Db& db_;
  const base::Clock& clock_;
  base::Uuid7Generator& ids_;

  std::mutex sweep_mu_;
  std::unordered_map<std::string, int64_t> last_sweep_us_;  // guarded by sweep_mu_

  struct Scarcity {
    int64_t computed_at_us = 0;
    std::map<std::string, int64_t> eligible;  // class → active expert members who meet it
  };
  std::mutex scarcity_mu_;
  std::unordered_map<std::string, Scarcity> scarcity_;  // by project; guarded by scarcity_mu_

  std::mutex templates_mu_;
  // project id → (template text, parsed); guarded by templates_mu_
  std::unordered_map<std::string, std::pair<std::string, std::shared_ptr<const ProjectTemplate>>> templates_;

  QualityObserver* quality_observer_ = nullptr;
  std::function<void(const std::string&)> import_listener_;
  PayObserver* pay_observer_ = nullptr;
};


}  // namespace work

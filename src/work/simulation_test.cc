// Deterministic simulation of the work loop (issue 18): the service driven by a seeded scheduler
// with the fake clock — lease, renew, return, expire (the clock jumps), submit, retry a submit,
// submit with a stale lease token, review — in random interleavings, with the invariants checked
// after every step: overlap never exceeded, each acknowledged submission present once, no write
// with a stale lease token, at most one live lease per expert, counts and the quality version
// consistent. Every decision comes from base::Rng(seed) and the fake clock, so a failing seed
// replays exactly:
//
//   ASSAY_SIM_SEED=123 build/src/work/work_test --gtest_filter='*Simulation*'   # one seed, traced
//   ASSAY_SIM_SEEDS=5000 build/src/work/work_test --gtest_filter='*Simulation*' # more seeds
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/rng.h"
#include "work/quality_stamps.h"
#include "work/work_testing.h"

namespace work {
namespace {

using testing::WorkFixture;

constexpr int kItems = 5;
constexpr int64_t kOverlap = 2;
constexpr int64_t kLeaseSeconds = 60;
constexpr int kSteps = 40;
constexpr int kDefaultSeedsSqlite = 500;
constexpr int kDefaultSeedsPostgres = 100;

// An acknowledged submit: what a retry must be answered with.
struct Acked {
  size_t expert = 0;
  SubmitRequest request;
  std::string submission_id;
};

// A lease its expert no longer holds (returned, or superseded by her submit): writing with it
// must be refused and write nothing.
struct Stale {
  size_t expert = 0;
  Lease lease;
};

class SimulationTest : public WorkFixture {
 protected:
  void SetUp() override {
    WorkFixture::SetUp();
    if (HasFatalFailure()) return;  // no database (PostgreSQL not configured)
    for (const char* email : {"a@sim.org", "b@sim.org", "c@sim.org"}) experts_.push_back(MakeCaller(email, Role::kExpert));
  }

  // One seed: a fresh project, kSteps random steps, the invariants after each. Returns the
  // first broken invariant with the trace so far ("" : all held).
  std::string RunSeed(uint64_t seed) {
    rng_ = base::Rng(seed);
    trace_.str("");
    held_.assign(experts_.size(), std::nullopt);
    acked_.clear();
    stale_.clear();
    last_version_ = 0;
    next_client_ = 0;
    item_names_.clear();
    submission_names_.clear();
    t0_us_ = clock_.NowMicros();
    project_ = MakeProject(kItems, kOverlap, experts_, kLeaseSeconds);
    for (int step = 0; step < kSteps; ++step) {
      trace_ << "step " << step << " t=" << (clock_.NowMicros() - t0_us_) / base::kMicrosPerSecond << "s: ";
      std::string broken = Step();
      if (broken.empty()) broken = Invariants();
      trace_ << "\n";
      if (!broken.empty()) return "seed " + std::to_string(seed) + ": " + broken + "\n" + trace_.str();
    }
    // Leave no live lease behind for the next seed's project (experts are shared).
    clock_.Advance((kLeaseSeconds + 1) * base::kMicrosPerSecond);
    return "";
  }

  bool Live(const Lease& l) const { return clock_.NowMicros() < l.expires_at_us; }

  std::string Step() {
    const size_t e = rng_.Below(experts_.size());
    switch (rng_.Below(8)) {
      case 0:
      case 1: return DoLease(e);
      case 2: return DoRenew(e);
      case 3: return DoReturn(e);
      case 4:
      case 5: return DoSubmit(e);
      case 6: return rng_.Below(2) ? DoRetry() : DoStaleSubmit();
      default: return rng_.Below(2) ? DoReview() : DoAdvance();
    }
  }

  std::string DoLease(size_t e) {
    trace_ << "expert " << e << " leases";
    auto l = svc_->AcquireLease(experts_[e], project_);
    if (!l) return "lease failed: " + l.error().ToString();
    if (!l->has_value()) {
      trace_ << " (nothing left)";
      return "";
    }
    const Lease& got = **l;
    if (held_[e] && Live(*held_[e]) && held_[e]->assignment_id != got.assignment_id) {
      return "a second live lease for one expert";
    }
    trace_ << " " << ItemName(got.item_id);
    held_[e] = got;
    return "";
  }

  std::string DoRenew(size_t e) {
    if (!held_[e]) return DoLease(e);
    trace_ << "expert " << e << " renews";
    auto r = svc_->RenewLease(experts_[e], held_[e]->assignment_id, held_[e]->lease_token);
    if (Live(*held_[e]) && !r) return "renewing a live lease failed: " + r.error().ToString();
    if (r) held_[e]->expires_at_us = *r;
    trace_ << (r ? " ok" : " refused (expired)");
    return "";
  }

  std::string DoReturn(size_t e) {
    if (!held_[e]) return DoLease(e);
    trace_ << "expert " << e << " returns";
    auto r = svc_->ReturnAssignment(experts_[e], held_[e]->assignment_id, held_[e]->lease_token);
    if (Live(*held_[e]) && !r) return "returning a live lease failed: " + r.error().ToString();
    trace_ << (r ? " ok" : " refused (expired)");
    if (r) stale_.push_back({e, *held_[e]});
    held_[e].reset();
    return "";
  }

  std::string DoSubmit(size_t e) {
    if (!held_[e]) return DoLease(e);
    const bool live = Live(*held_[e]);
    const std::string name = "c" + std::to_string(next_client_++);
    SubmitRequest req{held_[e]->assignment_id, held_[e]->lease_token, project_ + "/" + name,
                      rng_.Below(2) ? R"({"preference":{"choice":"a"}})" : R"({"preference":{"choice":"b"}})",
                      static_cast<int64_t>(100 + rng_.Below(5000))};
    trace_ << "expert " << e << " submits " << name << " on " << ItemName(held_[e]->item_id) << (live ? "" : " (lease expired)");
    const int64_t before = QualityVersionNow();
    auto r = svc_->Submit(experts_[e], req);
    if (live && !r) return "a submit on a live lease failed: " + r.error().ToString();
    if (r) {
      if (!r->created) return "a first submit answered as a repeat";
      acked_.push_back({e, req, r->submission.id});
      submission_names_[r->submission.id] = name;
      if (QualityVersionNow() <= before) return "a submit left the quality version as it was";
    }
    trace_ << (r ? " acknowledged" : " refused");
    held_[e].reset();
    return "";
  }

  std::string DoRetry() {
    if (acked_.empty()) return DoAdvance();
    const Acked& a = acked_[rng_.Below(acked_.size())];
    trace_ << "expert " << a.expert << " retries " << submission_names_[a.submission_id];
    auto r = svc_->Submit(experts_[a.expert], a.request);
    if (!r) return "a retried submit failed: " + r.error().ToString();
    if (r->created || r->submission.id != a.submission_id) return "a retried submit was not answered the same";
    return "";
  }

  std::string DoStaleSubmit() {
    if (stale_.empty()) return DoAdvance();
    const Stale& s = stale_[rng_.Below(stale_.size())];
    SubmitRequest req{s.lease.assignment_id, s.lease.lease_token, project_ + "/stale" + std::to_string(next_client_++),
                      R"({"preference":{"choice":"a"}})", 10};
    trace_ << "expert " << s.expert << " submits with a returned lease";
    auto r = svc_->Submit(experts_[s.expert], req);
    if (r) return "a submit with a returned lease was accepted";
    return "";
  }

  std::string DoReview() {
    auto page = svc_->ListSubmissions(manager_, project_, SubmissionFilter{.state = std::string("pending")}, 50, "");
    if (!page) return "listing pending submissions failed: " + page.error().ToString();
    if (page->items.empty()) return DoAdvance();
    const Submission& s = page->items[rng_.Below(page->items.size())];
    const bool approve = rng_.Below(3) != 0;
    trace_ << "manager " << (approve ? "approves " : "rejects ") << submission_names_[s.id];
    const int64_t before = QualityVersionNow();
    auto r = svc_->ReviewSubmission(manager_, s.id, approve ? "approve" : "reject", approve ? "" : "The answer does not follow the guide, section 2.");
    if (!r) return "reviewing a pending submission failed: " + r.error().ToString();
    if (QualityVersionNow() <= before) return "a review left the quality version as it was";
    return "";
  }

  std::string DoAdvance() {
    const int64_t seconds = 1 + static_cast<int64_t>(rng_.Below(kLeaseSeconds * 3 / 2));
    trace_ << "the clock moves " << seconds << "s";
    clock_.Advance(seconds * base::kMicrosPerSecond);
    return "";
  }

  // "item 3": the item's place in the order this seed first met it (ids differ between runs).
  std::string ItemName(const std::string& item_id) {
    auto [it, fresh] = item_names_.emplace(item_id, static_cast<int>(item_names_.size()));
    return "item " + std::to_string(it->second);
  }

  int64_t QualityVersionNow() {
    int64_t v = -1;
    EXPECT_TRUE(db_->Read([&](storage::Conn& c) -> base::Status {
      ASSAY_ASSIGN_OR_RETURN(v, QualityVersion(c, project_));
      return base::Ok();
    }));
    return v;
  }

  std::string Invariants() {
    const int64_t now = clock_.NowMicros();
    if (Count("SELECT count(*) FROM (SELECT item_id FROM assignments WHERE project_id = ? AND "
              "(state = 'submitted' OR (state = 'leased' AND lease_expires_at_us > ?)) "
              "GROUP BY item_id HAVING count(*) > ?) AS over_items",
              {project_, now, kOverlap}) != 0) {
      return "an item has more live leases + submissions than its overlap";
    }
    if (Count("SELECT count(*) FROM items WHERE project_id = ? AND taken > ?", {project_, kOverlap}) != 0) {
      return "items.taken above the overlap";
    }
    if (Count("SELECT count(*) FROM (SELECT expert_id FROM assignments WHERE project_id = ? AND state = 'leased' "
              "AND lease_expires_at_us > ? GROUP BY expert_id HAVING count(*) > 1) AS two",
              {project_, now}) != 0) {
      return "an expert holds two live leases";
    }
    if (Count("SELECT count(*) FROM (SELECT expert_id, item_id FROM submissions WHERE project_id = ? "
              "GROUP BY expert_id, item_id HAVING count(*) > 1) AS twice",
              {project_}) != 0) {
      return "an expert submitted one item twice";
    }
    if (Count("SELECT count(*) FROM submissions WHERE project_id = ?", {project_}) !=
        static_cast<int64_t>(acked_.size())) {
      return "submissions in the database differ from those acknowledged";
    }
    for (const Acked& a : acked_) {
      if (Count("SELECT count(*) FROM submissions WHERE id = ? AND client_submission_id = ?",
                {a.submission_id, a.request.client_submission_id}) != 1) {
        return "acknowledged submission " + submission_names_[a.submission_id] + " is not there once";
      }
    }
    auto progress = svc_->GetProgress(manager_, project_);
    if (!progress) return "progress failed: " + progress.error().ToString();
    if (progress->submitted != static_cast<int64_t>(acked_.size())) return "progress counts differ from the submissions";
    const int64_t version = QualityVersionNow();
    if (version < last_version_) return "the quality version went back";
    last_version_ = version;
    return "";
  }

  std::vector<Caller> experts_;
  base::Rng rng_{0};
  std::ostringstream trace_;
  std::string project_;
  std::vector<std::optional<Lease>> held_;
  std::vector<Acked> acked_;
  std::vector<Stale> stale_;
  int64_t last_version_ = 0;
  int64_t next_client_ = 0;
  int64_t t0_us_ = 0;
  std::map<std::string, int> item_names_;
  std::map<std::string, std::string> submission_names_;  // submission id → "c3"
};
ASSAY_INSTANTIATE_WORK_FIXTURE(SimulationTest);

TEST_P(SimulationTest, InvariantsHoldForEverySeed) {
  if (const char* one = std::getenv("ASSAY_SIM_SEED")) {
    const uint64_t seed = std::strtoull(one, nullptr, 10);
    const std::string broken = RunSeed(seed);
    EXPECT_EQ(broken, "");
    if (broken.empty()) std::cout << trace_.str();
    return;
  }
  int seeds = GetParam() == storage::Dialect::kSqlite ? kDefaultSeedsSqlite : kDefaultSeedsPostgres;
  if (const char* n = std::getenv("ASSAY_SIM_SEEDS")) seeds = std::atoi(n);
  const uint64_t base_seed = GetParam() == storage::Dialect::kSqlite ? 1'000'000 : 2'000'000;
  int run = 0;
  for (int i = 0; i < seeds; ++i, ++run) {
    const std::string broken = RunSeed(base_seed + static_cast<uint64_t>(i));
    ASSERT_EQ(broken, "") << "replay: ASSAY_SIM_SEED=" << base_seed + i
                          << " work_test --gtest_filter='*SimulationTest*" << storage::DialectName(GetParam()) << "*'";
  }
  std::cout << "simulation: " << run << " seeds × " << kSteps << " steps, invariants held after every step\n";
}

// The same seed takes the same steps: what makes a failing seed replay exactly.
TEST_P(SimulationTest, ASeedReplaysExactly) {
  ASSERT_EQ(RunSeed(77), "");
  const std::string first = trace_.str();
  ASSERT_EQ(RunSeed(77), "");
  EXPECT_EQ(first, trace_.str());  // ids differ between the runs; the trace names none
  EXPECT_NE(first.find("submits"), std::string::npos);
}

}  // namespace
}  // namespace work

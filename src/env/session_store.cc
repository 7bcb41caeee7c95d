#include "env/session_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/json.h"
#include "base/rng.h"
#include "env/session_journal.h"

namespace env {
namespace {

// Per-session id seed for tools' NewId(); the seed the checkers are derived with.
constexpr uint64_t kSessionSeed = 1;
// A session read but not called is marked used in the journal at most this often.
constexpr int64_t kTouchEveryUs = 60LL * 1'000'000;

std::string Quoted(std::string_view s) {
  std::string out = "'";  // built by appends: "'" + s + "'" trips a GCC 12 -Wrestrict false alarm
  out += s;
  out += '\'';
  return out;
}

base::Error NoSession(std::string_view id) {
  return base::Error::NotFound("no environment session " + Quoted(id));
}

Trajectory TrajectoryOf(const std::vector<Step>& steps, size_t count) {
  Trajectory t;
  for (size_t i = 0; i < count && i < steps.size(); ++i) t.Add(steps[i]);
  return t;
}

// Keeps the session's world in `snapshots` when its steps are a multiple of
// kSnapshotEverySteps; true when it did.
bool SnapshotIfDue(const Session& session, std::map<size_t, SessionSnapshot>& snapshots) {
  const size_t steps = session.trajectory().size();
  if (steps % kSnapshotEverySteps != 0) return false;
  snapshots[steps] = session.Snapshot();
  return true;
}

// Runs `steps` as recorded (another server's calls, or the log of a session being rebuilt),
// keeping the snapshots due on the way.
void ApplyRecorded(Session& session, std::map<size_t, SessionSnapshot>& snapshots,
                   const std::vector<Step>& steps, size_t from) {
  for (size_t i = from; i < steps.size(); ++i) {
    session.ApplyRecorded(steps[i]);
    SnapshotIfDue(session, snapshots);
  }
}

SessionInfo InfoOf(const SessionJournal::Record& r) {
  return {r.id,     r.owner,         r.suite,           r.task,        r.forked_from,
          r.created_at_us, r.last_used_at_us, r.assignment_id, r.closed};
}

}  // namespace

struct SessionStore::LoadedSuite {
  std::unique_ptr<Suite> suite;
  std::vector<bool> checker_ready;  // per task, guarded by suites_mu_
};

struct SessionStore::Entry {
  Entry(SessionInfo i, const Suite& s, const Task* t, Session sess)
      : info(std::move(i)), suite(s), task(t), session(std::move(sess)) {}
  std::mutex mu;     // one caller at a time on this session
  SessionInfo info;  // last_used_at_us changes under the store's mu_; the rest is fixed
  const Suite& suite;
  const Task* task;
  Session session;  // guarded by mu
  // Declared after session: an attachment may refer to it, so it goes first (guarded by mu).
  std::unique_ptr<SessionAttachment> attachment;
  // world().Hash() as of `hash_steps` trajectory steps (guarded by mu). The world changes only
  // through recorded calls, so a hash stays good while later steps have changed_state false.
  std::string hash;
  size_t hash_steps = 0;
  // Guarded by mu: why the session takes no more calls (""), the world every
  // kSnapshotEverySteps steps (copies share their trees) from `base_steps` (a fork's start) on,
  // and the front end's state as the journal keeps it.
  std::string closed;
  size_t base_steps = 0;
  std::map<size_t, SessionSnapshot> snapshots;
  std::string stored_attachment;
  // Set (under mu) when a step could not be journaled: the cache no longer matches the journal.
  bool stale = false;
  // Set (under mu) while the entry, just rebuilt from the journal, has not been leased: it holds
  // every step the journal had, so its first Get need not ask again.
  bool rebuilt = false;
  int64_t touched_at_us = 0;  // guarded by the store's mu_: when the journal last heard of a use
  SessionStore* store = nullptr;
};

SessionStore::Lease::Lease(std::shared_ptr<Entry> entry, SessionInfo info)
    : entry_(std::move(entry)), info_(std::move(info)), lock_(entry_->mu) {
  info_.closed = entry_->closed;
}
Session& SessionStore::Lease::session() { return entry_->session; }
const SessionInfo& SessionStore::Lease::info() const { return info_; }
const Suite& SessionStore::Lease::suite() const { return entry_->suite; }
const Task* SessionStore::Lease::task() const { return entry_->task; }

SessionAttachment* SessionStore::Lease::attachment() const { return entry_->attachment.get(); }
void SessionStore::Lease::Attach(std::unique_ptr<SessionAttachment> attachment) {
  entry_->attachment = std::move(attachment);
}

const std::string& SessionStore::Lease::StateHash() {
  Entry& e = *entry_;
  const StepList& steps = e.session.trajectory().steps();
  bool stale = e.hash.empty() || e.hash_steps > steps.size();
  for (size_t i = e.hash_steps; !stale && i < steps.size(); ++i) stale = steps[i].changed_state;
  if (stale) e.hash = e.session.world().Hash();
  e.hash_steps = steps.size();
  return e.hash;
}

base::Status SessionStore::Lease::Open() const {
  if (entry_->closed.empty()) return base::Ok();
  return base::Error(base::ErrorCode::kFailedPrecondition, entry_->closed)
      .Detail("session", info_.id);
}

base::Result<ToolResult> SessionStore::Lease::Call(std::string_view name,
                                                   const nlohmann::json& args, Actor actor) {
  ASSAY_TRY(Open());
  const size_t before = entry_->session.trajectory().size();
  return Keep(before, entry_->session.TryCall(name, args, actor));
}

base::Result<ToolResult> SessionStore::Lease::CallJson(std::string_view name,
                                                       std::string_view args_json, Actor actor) {
  ASSAY_TRY(Open());
  const size_t before = entry_->session.trajectory().size();
  return Keep(before, entry_->session.TryCallJson(name, args_json, actor));
}

base::Result<ToolResult> SessionStore::Lease::Keep(size_t before, base::Result<ToolResult> result) {
  Entry& e = *entry_;
  const size_t after = e.session.trajectory().size();
  if (!result || after == before) return result;  // refused, or not recorded
  const bool snapshot_taken = SnapshotIfDue(e.session, e.snapshots);
  SessionJournal* journal = e.store->options_.journal;
  if (journal == nullptr) return result;
  base::Status kept = journal->Append(info_.id, after, e.session.trajectory().steps().back(),
                                      StateHash(), e.store->clock_.NowMicros());
  if (!kept) {
    e.stale = true;  // the next Get rebuilds it from the journal
    if (kept.error().code() == base::ErrorCode::kFailedPrecondition) {
      e.closed = kept.error().message();
    }
    if (kept.error().code() == base::ErrorCode::kConflict) {
      return base::Error::Conflict(
                 "this session took a call from elsewhere (another window or server) first, so "
                 "this one was not kept: look at its state again and retry")
          .Detail("session", info_.id);
    }
    return std::move(kept).error();
  }
  if (snapshot_taken) {
    // Best effort: a missing snapshot only means a longer replay when the session reopens.
    (void)journal->SaveSnapshot(info_.id, after,
                                SnapshotToJson(e.snapshots[after], e.session.initial()));
  }
  return result;
}

base::Result<World> SessionStore::Lease::WorldAt(size_t steps) {
  Entry& e = *entry_;
  const Trajectory& t = e.session.trajectory();
  if (steps > t.size()) {
    return base::Error::Invalid("the session has " + std::to_string(t.size()) + " steps")
        .Detail("step", std::to_string(steps));
  }
  if (steps == t.size()) return e.session.world();
  if (steps < e.base_steps) {
    return base::Error::NotFound("this session was forked after step " +
                                 std::to_string(e.base_steps) +
                                 ": the steps before are in the session it was forked from")
        .Detail("step", std::to_string(steps));
  }
  auto nearest = e.snapshots.upper_bound(steps);
  Session replay = e.store->NewSession(e.suite, e.session.initial());
  size_t from = 0;
  if (nearest != e.snapshots.begin()) {
    --nearest;
    replay.RestoreFrom(nearest->second, Trajectory());
    from = nearest->first;
  }
  replay.set_recording(false);
  for (size_t i = from; i < steps; ++i) {
    const Step& s = t.steps()[i];
    replay.Run({s.name, s.arguments_json, s.actor});
  }
  return replay.world();
}

const std::string& SessionStore::Lease::stored_attachment() const {
  return entry_->stored_attachment;
}

base::Status SessionStore::Lease::StoreAttachment(std::string state) {
  Entry& e = *entry_;
  if (state == e.stored_attachment) return base::Ok();
  if (SessionJournal* journal = e.store->options_.journal) {
    ASSAY_TRY(journal->SetAttachment(info_.id, state));
  }
  e.stored_attachment = std::move(state);
  return base::Ok();
}

SessionStore::SessionStore(const base::Clock& clock, SuiteCatalog suites,
                           SessionStoreOptions options)
    : clock_(clock), catalog_(std::move(suites)), options_(std::move(options)) {}
SessionStore::~SessionStore() = default;

base::Result<SessionStore::LoadedSuite*> SessionStore::Load(std::string_view name) {
  std::lock_guard lock(suites_mu_);
  if (auto it = suites_.find(name); it != suites_.end()) return it->second.get();
  auto dir = options_.data_dirs.find(name);
  // A failed load is not cached: the data may be put in place while the server runs.
  ASSAY_ASSIGN_OR_RETURN(
      std::unique_ptr<Suite> suite,
      LoadSuite(catalog_, name, dir == options_.data_dirs.end() ? "" : dir->second));
  const size_t tasks = suite->tasks.size();
  auto loaded =
      std::make_unique<LoadedSuite>(LoadedSuite{std::move(suite), std::vector<bool>(tasks)});
  LoadedSuite* out = loaded.get();
  suites_.emplace(std::string(name), std::move(loaded));
  return out;
}

const Task* SessionStore::CheckableTask(LoadedSuite& loaded, std::string_view task_id) {
  const Task* found = loaded.suite->FindTask(task_id);
  if (found == nullptr) return nullptr;
  const size_t index = static_cast<size_t>(found - loaded.suite->tasks.data());
  std::lock_guard lock(suites_mu_);
  if (!loaded.checker_ready[index]) {
    // Tasks that come with reference actions are judged as `assay env run` judges them: the
    // reference's final state, exact changes, nothing else changed. Done on the task's first
    // session (a few ms each; all 114 tau2 tasks at load would hold up the first request).
    Task& task = loaded.suite->tasks[index];
    if (!task.reference_actions.empty() && !task.checker.expected_hash) {
      DeriveCheckerFromReference(task, loaded.suite->tools, tool_clock_, kSessionSeed);
    }
    loaded.checker_ready[index] = true;
  }
  return found;
}

base::Result<const Suite*> SessionStore::GetSuite(std::string_view name) {
  ASSAY_ASSIGN_OR_RETURN(LoadedSuite * loaded, Load(name));
  return loaded->suite.get();
}

base::Result<const Task*> SessionStore::GetTask(std::string_view suite, std::string_view task_id) {
  ASSAY_ASSIGN_OR_RETURN(LoadedSuite * loaded, Load(suite));
  const Task* task = CheckableTask(*loaded, task_id);
  if (task == nullptr) {
    return base::Error::NotFound("no task " + Quoted(task_id) + " in suite " + Quoted(suite))
        .Detail("task", task_id);
  }
  return task;
}

std::vector<SuiteSummary> SessionStore::ListSuites() {
  return SummarizeSuites(catalog_, [this](const SuiteInfo& info) { return GetSuite(info.name); });
}

Session SessionStore::NewSession(const Suite& suite, World initial) const {
  Session session(suite.tools, std::move(initial), tool_clock_, kSessionSeed, options_.limits);
  session.set_step_clock(clock_);
  return session;
}

void SessionStore::SweepIdleLocked(int64_t now_us) {
  // Without a journal an idle session ends; with one it only leaves the cache (the journal
  // says whether it has expired when it is asked for again).
  std::erase_if(sessions_, [&](const auto& kv) {
    return now_us - kv.second->info.last_used_at_us > options_.idle_expiry_us;
  });
  if (options_.journal == nullptr) return;
  while (sessions_.size() > options_.max_total) {
    auto oldest = sessions_.end();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.use_count() > 1) continue;  // leased right now
      if (oldest == sessions_.end() ||
          it->second->info.last_used_at_us < oldest->second->info.last_used_at_us) {
        oldest = it;
      }
    }
    if (oldest == sessions_.end()) break;
    sessions_.erase(oldest);
  }
}

base::Result<SessionInfo> SessionStore::Insert(std::string_view owner, LoadedSuite& suite,
                                               const Task* task, Session session,
                                               std::string forked_from,
                                               const World* given_world) {
  const int64_t now_us = clock_.NowMicros();
  SessionInfo info;
  info.id = base::SecureRandomBase64Url(18);
  info.owner = std::string(owner);
  info.suite = suite.suite->name;
  info.task = task ? task->id : "";
  info.forked_from = std::move(forked_from);
  info.created_at_us = info.last_used_at_us = now_us;
  auto entry = std::make_shared<Entry>(info, *suite.suite, task, std::move(session));
  entry->store = this;
  entry->touched_at_us = now_us;
  if (SessionJournal* journal = options_.journal) {
    ASSAY_ASSIGN_OR_RETURN(SessionJournal::Counts counts,
                           journal->CountOpen(owner, now_us - options_.idle_expiry_us));
    ASSAY_TRY(CheckCaps(counts.mine, counts.total));
    SessionJournal::Record record;
    record.id = info.id;
    record.owner = info.owner;
    record.suite = info.suite;
    record.task = info.task;
    record.forked_from = info.forked_from;
    record.created_at_us = record.last_used_at_us = now_us;
    if (given_world != nullptr) record.world_json = base::Dump(given_world->AsValue().ToJson());
    const Session& s = entry->session;
    std::string base_snapshot;
    if (s.trajectory().size() > 0) {  // a fork: rebuilt from where it started
      record.base_steps = s.trajectory().size();
      record.steps.assign(s.trajectory().steps().begin(), s.trajectory().steps().end());
      entry->base_steps = record.base_steps;
      entry->snapshots[record.base_steps] = s.Snapshot();
      base_snapshot = SnapshotToJson(entry->snapshots[record.base_steps], s.initial());
    }
    ASSAY_TRY(journal->Create(record, base_snapshot.empty() ? nullptr : &base_snapshot));
  }
  std::lock_guard lock(mu_);
  SweepIdleLocked(now_us);
  if (options_.journal == nullptr) ASSAY_TRY(AdmitLocked(owner));
  sessions_.emplace(info.id, std::move(entry));
  return info;
}

base::Status SessionStore::AdmitLocked(std::string_view owner) const {
  const size_t mine =
      static_cast<size_t>(std::count_if(sessions_.begin(), sessions_.end(), [&](const auto& kv) {
        return kv.second->info.owner == owner;
      }));
  return CheckCaps(mine, sessions_.size());
}

base::Status SessionStore::CheckCaps(size_t mine, size_t total) const {
  if (mine >= options_.max_per_owner) {
    return base::Error(base::ErrorCode::kResourceExhausted,
                       "you have " + std::to_string(mine) +
                           " environment sessions, the most allowed: delete one first")
        .Detail("limit", std::to_string(options_.max_per_owner));
  }
  if (total >= options_.max_total) {
    return base::Error(base::ErrorCode::kResourceExhausted,
                       "the server holds the most environment sessions it allows; try later")
        .Detail("limit", std::to_string(options_.max_total));
  }
  // The shared pool is full: only a user still below their guarantee gets a session.
  if (total >= options_.max_shared && mine >= options_.guaranteed_per_owner) {
    return base::Error(base::ErrorCode::kResourceExhausted,
                       "the server's shared environment sessions are all in use and you hold " +
                           std::to_string(mine) + " (every user is guaranteed " +
                           std::to_string(options_.guaranteed_per_owner) +
                           "): delete one of yours or try later")
        .Detail("limit", std::to_string(options_.max_shared))
        .Detail("guaranteed", std::to_string(options_.guaranteed_per_owner));
  }
  return base::Ok();
}

base::Result<SessionInfo> SessionStore::Create(std::string_view owner, std::string_view suite,
                                               std::string_view task_id) {
  ASSAY_ASSIGN_OR_RETURN(const Task* task, GetTask(suite, task_id));
  ASSAY_ASSIGN_OR_RETURN(LoadedSuite * loaded, Load(suite));
  return Insert(owner, *loaded, task, NewSession(*loaded->suite, task->initial), "", nullptr);
}

base::Result<SessionInfo> SessionStore::CreateOnWorld(std::string_view owner,
                                                      std::string_view suite, World world) {
  ASSAY_ASSIGN_OR_RETURN(LoadedSuite * loaded, Load(suite));
  Session session = NewSession(*loaded->suite, world);
  return Insert(owner, *loaded, nullptr, std::move(session), "", &world);
}

base::Result<std::shared_ptr<SessionStore::Entry>> SessionStore::Reopen(std::string_view id) {
  SessionJournal& journal = *options_.journal;
  ASSAY_ASSIGN_OR_RETURN(std::optional<SessionJournal::Record> record, journal.Load(id));
  if (!record) return NoSession(id);
  const int64_t now_us = clock_.NowMicros();
  if (record->assignment_id.empty() &&
      now_us - record->last_used_at_us > options_.idle_expiry_us) {
    (void)journal.Delete(id, now_us);  // idle past its expiry, as a session held here would be
    return NoSession(id);
  }
  ASSAY_ASSIGN_OR_RETURN(LoadedSuite * loaded, Load(record->suite));
  const Task* task = nullptr;
  World initial;
  if (!record->task.empty()) {
    ASSAY_ASSIGN_OR_RETURN(task, GetTask(record->suite, record->task));
    initial = task->initial;
  } else {
    ASSAY_ASSIGN_OR_RETURN(Value world, Value::Parse(record->world_json.value_or("{}")));
    ASSAY_ASSIGN_OR_RETURN(initial, World::FromValue(world));
  }
  Session session = NewSession(*loaded->suite, initial);
  std::map<size_t, SessionSnapshot> snapshots;
  if (record->snapshot_json) {
    auto snap = SnapshotFromJson(*record->snapshot_json, initial);
    if (snap && snap->steps <= record->steps.size() && snap->steps >= record->base_steps) {
      session.RestoreFrom(*snap, TrajectoryOf(record->steps, snap->steps));
      snapshots[snap->steps] = std::move(*snap);
    }
  }
  if (record->base_steps > session.trajectory().size()) {
    return base::Error::Internal("environment session " + Quoted(id) +
                                 " cannot be rebuilt: the snapshot it was forked at is unreadable");
  }
  ApplyRecorded(session, snapshots, record->steps, session.trajectory().size());
  SessionInfo info = InfoOf(*record);
  info.last_used_at_us = now_us;
  auto entry = std::make_shared<Entry>(info, *loaded->suite, task, std::move(session));
  entry->store = this;
  entry->closed = record->closed;
  entry->base_steps = record->base_steps;
  entry->snapshots = std::move(snapshots);
  entry->stored_attachment = record->attachment;
  entry->touched_at_us = now_us;
  entry->rebuilt = true;
  return entry;
}

void SessionStore::Forget(const std::string& id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
}

base::Result<std::shared_ptr<SessionStore::Entry>> SessionStore::Find(std::string_view owner,
                                                                      std::string_view id) {
  {
    std::lock_guard lock(mu_);
    const int64_t now_us = clock_.NowMicros();
    SweepIdleLocked(now_us);
    auto it = sessions_.find(id);
    if (it != sessions_.end()) {
      // Someone else's session is indistinguishable from a missing one.
      if (!owner.empty() && it->second->info.owner != owner) return NoSession(id);
      it->second->info.last_used_at_us = now_us;
      return it->second;
    }
  }
  if (options_.journal == nullptr) return NoSession(id);
  ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, Reopen(id));
  if (!owner.empty() && entry->info.owner != owner) return NoSession(id);
  std::lock_guard lock(mu_);
  auto [it, inserted] = sessions_.try_emplace(entry->info.id, entry);  // or another's rebuild
  SweepIdleLocked(clock_.NowMicros());
  return it->second;
}

base::Status SessionStore::CatchUp(Entry& entry) {
  SessionJournal* journal = options_.journal;
  if (journal == nullptr) return base::Ok();
  ASSAY_ASSIGN_OR_RETURN(SessionJournal::Tail tail,
                         journal->StepsAfter(entry.info.id, entry.session.trajectory().size()));
  if (tail.gone) return NoSession(entry.info.id);
  entry.closed = tail.closed;
  ApplyRecorded(entry.session, entry.snapshots, tail.steps, 0);
  return base::Ok();
}

base::Result<SessionStore::Lease> SessionStore::Get(std::string_view owner, std::string_view id) {
  for (int attempt = 0;; ++attempt) {
    ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, Find(owner, id));
    SessionInfo info;
    bool touch = false;
    {
      std::lock_guard lock(mu_);
      info = entry->info;
      touch = options_.journal != nullptr && info.last_used_at_us - entry->touched_at_us > kTouchEveryUs;
      if (touch) entry->touched_at_us = info.last_used_at_us;
    }
    Lease lease(entry, std::move(info));
    if (entry->stale && attempt == 0) {  // a step of it was not journaled: rebuild
      Forget(entry->info.id);
      continue;
    }
    base::Status caught_up = std::exchange(entry->rebuilt, false) ? base::Ok() : CatchUp(*entry);
    if (!caught_up) {
      Forget(entry->info.id);
      return std::move(caught_up).error();
    }
    if (touch) (void)options_.journal->Touch(id, clock_.NowMicros());
    lease.info_.closed = entry->closed;
    return Lease(std::move(lease));
  }
}

base::Result<SessionStore::Lease> SessionStore::GetChecked(std::string_view id) {
  return Get("", id);
}

base::Result<SessionInfo> SessionStore::Fork(std::string_view owner, std::string_view id) {
  ASSAY_ASSIGN_OR_RETURN(Lease origin, Get(owner, id));
  ASSAY_ASSIGN_OR_RETURN(LoadedSuite * loaded, Load(origin.info().suite));
  Session copy = origin.session().Fork();
  const Task* task = origin.task();
  std::string from = origin.info().id;
  const World given = origin.session().initial();
  return Insert(owner, *loaded, task, std::move(copy), std::move(from),
                task == nullptr ? &given : nullptr);
}

base::Status SessionStore::Delete(std::string_view owner, std::string_view id) {
  if (options_.journal != nullptr) {
    ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, Find(owner, id));
    ASSAY_TRY(options_.journal->Delete(id, clock_.NowMicros()));
    Forget(entry->info.id);  // a caller still holding a Lease keeps the entry alive until it ends
    return base::Ok();
  }
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second->info.owner != owner) return NoSession(id);
  sessions_.erase(it);  // a caller still holding a Lease keeps the entry alive until it ends
  return base::Ok();
}

std::vector<SessionInfo> SessionStore::List(std::string_view owner) {
  std::vector<SessionInfo> out;
  const int64_t now_us = clock_.NowMicros();
  if (SessionJournal* journal = options_.journal) {
    auto records = journal->List(owner, now_us - options_.idle_expiry_us);
    if (!records) return out;
    for (const SessionJournal::Record& r : *records) out.push_back(InfoOf(r));
    return out;
  }
  std::lock_guard lock(mu_);
  SweepIdleLocked(now_us);
  for (const auto& [id, entry] : sessions_) {
    if (entry->info.owner == owner) out.push_back(entry->info);
  }
  std::sort(out.begin(), out.end(), [](const SessionInfo& a, const SessionInfo& b) {
    return a.created_at_us != b.created_at_us ? a.created_at_us < b.created_at_us : a.id < b.id;
  });
  return out;
}

}  // namespace env

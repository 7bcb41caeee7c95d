// env::SessionStore — live sessions for the HTTP API and the MCP server: each an env::Session
// keyed by an unguessable id, owned by one user, on a suite's task (or on a world the caller
// gave, with the suite's tools). Suites come from the catalog the store is given (assay's is
// workplace::Suites()); each is loaded once, on first use, and shared.
//
// Limits (src/env/README.md, "Limits"): a session unused for idle_expiry_us is dropped (the next
// Create/Get/List sweeps), and every session is bounded by `limits` (arguments per call, bytes
// of trajectory, size of the world, compute per call: env::SessionLimits). How many sessions,
// fairly:
//   - a user holds at most max_per_owner sessions;
//   - the server holds at most max_total, whatever happens (the hard cap: memory is bounded by
//     max_total × (limits.max_trajectory_bytes + limits.max_world_bytes as a tree));
//   - the shared pool is the first max_shared of them: anyone may open a session while the
//     server holds fewer than max_shared;
//   - beyond that, a user who holds fewer than guaranteed_per_owner sessions may still open one
//     (up to max_total), so a few accounts filling the pool (16 accounts × 16 sessions = 256)
//     cannot lock everyone else out: the max_total − max_shared slots above the pool serve
//     (max_total − max_shared) / guaranteed_per_owner users at their guarantee.
// A fork counts as a session of its owner. At a cap, Create and Fork answer kResourceExhausted
// (HTTP 429) saying which cap and how to free a slot.
//
// Tools see a fixed clock (the same one the task checkers are derived with) and a per-session
// seed, so a session's state hash is the one a replay of its calls gives and checks reproduce;
// steps are timed by the store's clock.
//
// Persistence (options.journal, env/session_journal.h): with a journal every session is kept
// there as its log — created, each call appended before its answer, a snapshot every
// kSnapshotEverySteps steps — and the store holds the sessions in use as a cache. A session it
// does not hold (after a restart, or made by another server on the same database) is rebuilt
// from the journal on Get; one it holds catches up with steps another server appended. Calls
// go through Lease::Call. The caps then count sessions the journal holds (used within the idle
// expiry; sessions of an assignment, which a lease opens, are not counted), the cache keeps at
// most max_total sessions (the least recently used one unleased goes first, losing nothing),
// and idle sessions end as before.
//
//   env::SessionStore store(clock, workplace::Suites(), {.data_dirs = {{"tau2-retail", dir}}});
//   ASSAY_ASSIGN_OR_RETURN(env::SessionInfo info, store.Create(user_id, "tau2-retail", "0"));
//   ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease s, store.Get(user_id, info.id));
//   env::ToolResult r = s.session().CallJson("get_order_details", R"({"order_id":"#W1"})");
//   // another user's id, or an expired one: kNotFound
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "env/session.h"
#include "env/suite.h"
#include "env/task.h"
#include "env/world.h"

namespace env {

class SessionJournal;

struct SessionStoreOptions {
  size_t max_per_owner = 16;
  size_t max_total = 256;           // the hard cap on live sessions
  size_t max_shared = 224;          // sessions anyone may open (min(max_shared, max_total) counts)
  size_t guaranteed_per_owner = 2;  // a user below this may open one past max_shared
  int64_t idle_expiry_us = 60LL * 60 * 1'000'000;  // one hour unused
  SessionLimits limits = {};  // every session's (arguments, trajectory, world, compute per call)
  std::map<std::string, std::string, std::less<>> data_dirs;  // suite → data dir ("" = default)
  SessionJournal* journal = nullptr;  // where sessions persist; null: in this process only
};

struct SessionInfo {
  std::string id;
  std::string owner;  // user id
  std::string suite;
  std::string task;         // "" when the session was created on a given world
  std::string forked_from;  // session id, or ""
  int64_t created_at_us = 0;
  int64_t last_used_at_us = 0;
  std::string assignment_id;  // a demonstration's session: the assignment it belongs to, or ""
  // Why the session takes no more calls ("" while it does): a submitted demonstration, a lease
  // that ended. Such a session can still be read.
  std::string closed;
};

// State a front end keeps with one session and drops with it: the MCP transport attaches its
// protocol state (negotiated revision, initialized) to the env sessions it opens. Reached only
// through a Lease, so under the session's lock; a Fork does not copy it.
class SessionAttachment {
 public:
  virtual ~SessionAttachment() = default;
};

class SessionStore {
 public:
  struct Entry;

  // Exclusive use of one session while it lives (holds the session's mutex).
  class Lease {
   public:
    // `info` is a snapshot taken under the store's lock (last_used_at_us moves on).
    Lease(std::shared_ptr<Entry> entry, SessionInfo info);
    Session& session();
    const SessionInfo& info() const;
    const Suite& suite() const;
    const Task* task() const;  // with its checker ready; nullptr for a world session
    // world().Hash(), recomputed only after a call that changed state (hashing a big world
    // costs ~1 ms: tau2 retail is 1.5 MB of canonical text).
    const std::string& StateHash();
    SessionAttachment* attachment() const;  // nullptr until Attach
    void Attach(std::unique_ptr<SessionAttachment> attachment);

    // Session::TryCall, and with a journal the step appended to it before this returns. A call
    // on a closed session is kFailedPrecondition (saying why) and runs nothing; a step the
    // journal refuses (another server's call came first: kConflict; the database failed) is
    // not kept: the store rebuilds the session from the journal on the next Get.
    base::Result<ToolResult> Call(std::string_view name, const nlohmann::json& args, Actor actor);
    base::Result<ToolResult> CallJson(std::string_view name, std::string_view args_json,
                                      Actor actor);
    // The world after the first `steps` calls (≤ the session's), rebuilt from the nearest
    // snapshot: what a reviewer scrubbing through a demonstration sees.
    base::Result<World> WorldAt(size_t steps);
    // A front end's state kept with the session in the journal (the MCP protocol's), so it
    // survives a restart: stored once set (a state equal to the stored one is not written
    // again), read back after a rebuild.
    const std::string& stored_attachment() const;
    base::Status StoreAttachment(std::string state);

   private:
    friend class SessionStore;
    base::Status Open() const;  // OK, or why the session takes no more calls
    // A call's result once its step (if one was recorded) is journaled.
    base::Result<ToolResult> Keep(size_t steps_before, base::Result<ToolResult> result);
    std::shared_ptr<Entry> entry_;
    SessionInfo info_;
    std::unique_lock<std::mutex> lock_;
  };

  // `suites` says which suites exist and how each loads.
  SessionStore(const base::Clock& clock, SuiteCatalog suites, SessionStoreOptions options = {});
  ~SessionStore();

  // The suite, loaded on first use (kNotFound for an unknown name).
  base::Result<const Suite*> GetSuite(std::string_view name);
  // A suite's task with its checker ready (kNotFound for an unknown suite or task).
  base::Result<const Task*> GetTask(std::string_view suite, std::string_view task_id);
  // Every suite of the catalog (SummarizeSuites) as loaded here, with this store's data dirs.
  std::vector<SuiteSummary> ListSuites();

  // A session on the suite's task's initial world.
  base::Result<SessionInfo> Create(std::string_view owner, std::string_view suite,
                                   std::string_view task_id);
  // A session on `world` with the suite's tools (no task: nothing to check against).
  base::Result<SessionInfo> CreateOnWorld(std::string_view owner, std::string_view suite,
                                          World world);
  // kNotFound unless `owner` owns a live session `id`. Waits for the session's mutex.
  base::Result<Lease> Get(std::string_view owner, std::string_view id);
  // Any session by id, whoever owns it: for a layer that checked the caller's right to it
  // itself (a reviewer replaying an expert's demonstration).
  base::Result<Lease> GetChecked(std::string_view id);
  // A new session of the same owner continuing from this one's state and trajectory.
  base::Result<SessionInfo> Fork(std::string_view owner, std::string_view id);
  base::Status Delete(std::string_view owner, std::string_view id);
  // The owner's sessions, oldest first.
  std::vector<SessionInfo> List(std::string_view owner);

 private:
  struct LoadedSuite;
  base::Result<LoadedSuite*> Load(std::string_view name);
  // The task with its checker ready (derived on first use), or nullptr.
  const Task* CheckableTask(LoadedSuite& loaded, std::string_view task_id);
  base::Result<SessionInfo> Insert(std::string_view owner, LoadedSuite& suite, const Task* task,
                                   Session session, std::string forked_from,
                                   const World* given_world);
  // OK, or which cap keeps `owner` from one more session (under mu_).
  base::Status AdmitLocked(std::string_view owner) const;
  base::Status CheckCaps(size_t mine, size_t total) const;
  void SweepIdleLocked(int64_t now_us);
  // The entry for `id` (owner "" = anyone's), from the cache or rebuilt from the journal.
  base::Result<std::shared_ptr<Entry>> Find(std::string_view owner, std::string_view id);
  base::Result<std::shared_ptr<Entry>> Reopen(std::string_view id);
  Session NewSession(const Suite& suite, World initial) const;
  // Under the entry's lock: takes in the steps another server appended.
  base::Status CatchUp(Entry& entry);
  void Forget(const std::string& id);

  const base::Clock& clock_;
  const SuiteCatalog catalog_;
  const SessionStoreOptions options_;
  const base::FakeClock tool_clock_;  // what tools read: fixed, as the checkers were derived

  // Guards suites_ and each LoadedSuite's checker_ready; loading and deriving a task's checker
  // happen under it, once each. A task's checker is written before its first session exists.
  std::mutex suites_mu_;
  std::map<std::string, std::unique_ptr<LoadedSuite>, std::less<>> suites_;

  std::mutex mu_;  // guards sessions_ (not the sessions themselves: each has its own mutex)
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> sessions_;
};

}  // namespace env

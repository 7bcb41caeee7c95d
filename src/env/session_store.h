// env::SessionStore — live sessions for the HTTP API and the MCP server: each an env::Session
// keyed by an unguessable id, owned by one user, on a suite's task (or on a world the caller
// gave, with the suite's tools). Suites are loaded once, on first use, and shared.
//
// Limits: at most max_per_owner sessions per user and max_total overall; a session unused for
// idle_expiry_us is dropped (the next Create/Get/List sweeps). At a cap, Create answers
// kResourceExhausted (HTTP 429) saying which cap and how to free one.
//
// Tools see a fixed clock (the same one the task checkers are derived with) and a per-session
// seed, so a session's state hash is the one a replay of its calls gives and checks reproduce.
//
//   env::SessionStore store(clock, {.data_dirs = {{"tau2-retail", dir}}});
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

struct SessionStoreOptions {
  size_t max_per_owner = 16;
  size_t max_total = 256;
  int64_t idle_expiry_us = 60LL * 60 * 1'000'000;             // one hour unused
  std::map<std::string, std::string, std::less<>> data_dirs;  // suite → data dir ("" = default)
};

struct SessionInfo {
  std::string id;
  std::string owner;  // user id
  std::string suite;
  std::string task;         // "" when the session was created on a given world
  std::string forked_from;  // session id, or ""
  int64_t created_at_us = 0;
  int64_t last_used_at_us = 0;
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

   private:
    std::shared_ptr<Entry> entry_;
    SessionInfo info_;
    std::unique_lock<std::mutex> lock_;
  };

  SessionStore(const base::Clock& clock, SessionStoreOptions options = {});
  ~SessionStore();

  // The suite, loaded on first use (kNotFound for an unknown name).
  base::Result<const Suite*> GetSuite(std::string_view name);
  // Every suite (SummarizeSuites) as loaded here, with this store's data dirs.
  std::vector<SuiteSummary> ListSuites();

  // A session on the suite's task's initial world.
  base::Result<SessionInfo> Create(std::string_view owner, std::string_view suite,
                                   std::string_view task_id);
  // A session on `world` with the suite's tools (no task: nothing to check against).
  base::Result<SessionInfo> CreateOnWorld(std::string_view owner, std::string_view suite,
                                          World world);
  // kNotFound unless `owner` owns a live session `id`. Waits for the session's mutex.
  base::Result<Lease> Get(std::string_view owner, std::string_view id);
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
                                   Session session, std::string forked_from);
  void SweepIdleLocked(int64_t now_us);

  const base::Clock& clock_;
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

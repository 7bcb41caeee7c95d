// env::SessionJournal — where a SessionStore keeps its sessions so that they outlive the
// process: the trajectory is the log (every step as recorded), the state is rebuilt from the
// initial world by replaying it, from the latest snapshot on. A store given a journal writes
// each session's creation, every step before its answer goes out, a snapshot every
// kSnapshotEverySteps steps; it reopens a session it does not hold from the journal and catches
// up with steps another server appended. The journal on the database is
// trajectories::Journal (src/trajectories); the engine only knows this interface.
//
//   trajectories::Journal journal(db);
//   env::SessionStore store(clock, workplace::Suites(), {.journal = &journal});
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/trajectory.h"

namespace env {

inline constexpr size_t kSnapshotEverySteps = 64;

class SessionJournal {
 public:
  virtual ~SessionJournal() = default;

  // A session as the journal holds it.
  struct Record {
    std::string id, owner, suite, task, forked_from, assignment_id;
    int64_t created_at_us = 0, last_used_at_us = 0;
    std::optional<std::string> world_json;     // the world it was started on, if not a task's
    size_t base_steps = 0;                     // a fork: the steps it was made with
    std::optional<std::string> snapshot_json;  // the latest snapshot (SnapshotToJson), if any
    std::vector<Step> steps;                   // every step, oldest first
    std::string attachment;                    // a front end's state (SetAttachment)
    // No more calls (a submitted demonstration, an assignment no longer leased): why, or "".
    std::string closed;
  };
  // Steps appended after the first `known`, and whether the session still takes calls.
  struct Tail {
    bool gone = false;  // deleted, or expired
    std::string closed;
    std::vector<Step> steps;
  };

  // A new session. A fork carries its origin's steps and a snapshot at them (`base_snapshot`),
  // from which it is always rebuilt; `world_json` is the world of a session not on a task.
  virtual base::Status Create(const Record& record, const std::string* base_snapshot) = 0;
  // nullopt when there is no such session or it was deleted.
  virtual base::Result<std::optional<Record>> Load(std::string_view id) = 0;
  virtual base::Result<Tail> StepsAfter(std::string_view id, size_t known) = 0;
  // Appends `step` as the session's step number `number` (1-based), durably. kConflict when the
  // journal does not hold exactly number − 1 steps (another server's call came first);
  // kFailedPrecondition when the session takes no more calls (the message says why).
  virtual base::Status Append(std::string_view id, size_t number, const Step& step,
                              std::string_view state_hash, int64_t now_us) = 0;
  virtual base::Status SaveSnapshot(std::string_view id, size_t steps, std::string_view json) = 0;
  // Deleted: no longer listed or loaded; its steps stay.
  virtual base::Status Delete(std::string_view id, int64_t now_us) = 0;
  // The owner's sessions not deleted and used since `active_since_us`, oldest first: what a
  // listing shows (SessionInfo's fields); the world, snapshot, attachment and steps need not be
  // read (the database journal does not: they may be megabytes a session).
  virtual base::Result<std::vector<Record>> List(std::string_view owner,
                                                 int64_t active_since_us) = 0;
  // Sessions the owner, and everyone, opened themselves (not by a lease) and used since then.
  struct Counts {
    size_t mine = 0, total = 0;
  };
  virtual base::Result<Counts> CountOpen(std::string_view owner, int64_t active_since_us) = 0;
  virtual base::Status SetAttachment(std::string_view id, std::string_view text) = 0;
  // Marks the session used now (reads keep it alive as calls do).
  virtual base::Status Touch(std::string_view id, int64_t now_us) = 0;
};

}  // namespace env

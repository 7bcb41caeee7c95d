// trajectories::Journal — env::SessionJournal on the database (migration 0010): environment
// sessions kept as their log, so a restarted server, or another server on the same PostgreSQL,
// continues them. env_sessions holds what each session is, its latest snapshot and a front
// end's state; env_steps every call as recorded (append-only, numbered from 1: a step is taken
// only as the next number, so of two servers calling one session at once, one is refused).
//
//   trajectories::Journal journal(db);
//   env::SessionStore store(clock, workplace::Suites(), {.journal = &journal});
//   // after a restart: store.Get(owner, id) rebuilds the session from the journal
#pragma once

#include "env/session_journal.h"
#include "storage/db.h"

namespace trajectories {

class Journal final : public env::SessionJournal {
 public:
  explicit Journal(storage::Db& db) : db_(db) {}

  base::Status Create(const Record& record, const std::string* base_snapshot) override;
  base::Result<std::optional<Record>> Load(std::string_view id) override;
  base::Result<Tail> StepsAfter(std::string_view id, size_t known) override;
  base::Status Append(std::string_view id, size_t number, const env::Step& step,
                      std::string_view state_hash, int64_t now_us) override;
  base::Status SaveSnapshot(std::string_view id, size_t steps, std::string_view json) override;
  base::Status Delete(std::string_view id, int64_t now_us) override;
  base::Result<std::vector<Record>> List(std::string_view owner, int64_t active_since_us) override;
  base::Result<Counts> CountOpen(std::string_view owner, int64_t active_since_us) override;
  base::Status SetAttachment(std::string_view id, std::string_view text) override;
  base::Status Touch(std::string_view id, int64_t now_us) override;

  // Closes a session: it can still be read, takes no more calls, and says `reason` to a caller.
  base::Status Close(std::string_view id, std::string_view reason);

 private:
  storage::Db& db_;
};

}  // namespace trajectories

// env::MemoryJournal — a SessionJournal in this process's memory, with the database journal's
// rules (step numbers must follow on, closed sessions take no steps, deleted ones are gone).
// Two SessionStores given one MemoryJournal behave as two servers on one database: the tests
// of persistence, catch-up and conflicts run on it without a database.
//
//   env::MemoryJournal journal;
//   env::SessionStore a(clock, catalog, {.journal = &journal});
//   env::SessionStore b(clock, catalog, {.journal = &journal});   // "another server"
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "env/session_journal.h"

namespace env {

class MemoryJournal final : public SessionJournal {
 public:
  base::Status Create(const Record& record, const std::string* base_snapshot) override;
  base::Result<std::optional<Record>> Load(std::string_view id) override;
  base::Result<Tail> StepsAfter(std::string_view id, size_t known) override;
  base::Status Append(std::string_view id, size_t number, const Step& step,
                      std::string_view state_hash, int64_t now_us) override;
  base::Status SaveSnapshot(std::string_view id, size_t steps, std::string_view json) override;
  base::Status Delete(std::string_view id, int64_t now_us) override;
  base::Result<std::vector<Record>> List(std::string_view owner, int64_t active_since_us) override;
  base::Result<Counts> CountOpen(std::string_view owner, int64_t active_since_us) override;
  base::Status SetAttachment(std::string_view id, std::string_view text) override;
  base::Status Touch(std::string_view id, int64_t now_us) override;

  // For tests: closes a session (as a submitted demonstration is), and how many snapshots and
  // appends it has taken.
  void Close(std::string_view id, std::string reason);
  size_t snapshots_saved() const;
  size_t appends() const;

 private:
  struct Held {
    Record record;
    bool deleted = false;
  };
  Held* FindLocked(std::string_view id);
  mutable std::mutex mu_;
  std::map<std::string, Held, std::less<>> sessions_;  // guarded by mu_
  size_t snapshots_saved_ = 0, appends_ = 0;           // guarded by mu_
};

}  // namespace env

#include "trajectories/journal.h"

#include <string>

namespace trajectories {
namespace {

using storage::Conn;
using storage::Row;
using storage::Rows;

base::Error Missing(std::string_view id) {
  return base::Error::NotFound("no environment session '" + std::string(id) + "'");
}

// A session's listing (what SessionInfo shows), then the rest of its record.
constexpr std::string_view kListedColumns =
    "id, owner, suite, task, forked_from, assignment_id, created_at_us, last_used_at_us, closed";
constexpr std::string_view kRecordColumns =
    "id, owner, suite, task, forked_from, assignment_id, created_at_us, last_used_at_us, closed, "
    "world_json, base_steps, snapshot_json, attachment";

// A row of kListedColumns (or of kRecordColumns, which begin with them).
env::SessionJournal::Record ListedOf(const Row& r) {
  env::SessionJournal::Record rec;
  rec.id = r.Text(0);
  rec.owner = r.Text(1);
  rec.suite = r.Text(2);
  rec.task = r.Text(3);
  rec.forked_from = r.Text(4);
  rec.assignment_id = r.Text(5);
  rec.created_at_us = r.Int(6);
  rec.last_used_at_us = r.Int(7);
  rec.closed = r.Text(8);
  return rec;
}

env::SessionJournal::Record RecordOf(const Row& r) {
  env::SessionJournal::Record rec = ListedOf(r);
  rec.world_json = r.OptText(9);
  rec.base_steps = static_cast<size_t>(r.Int(10));
  rec.snapshot_json = r.OptText(11);
  rec.attachment = r.Text(12);
  return rec;
}

constexpr std::string_view kStepColumns =
    "call_id, actor, name, arguments_json, content, is_error, changed_state, started_at_us, "
    "finished_at_us";

env::Step StepOf(const Row& r) {
  env::Step s;
  s.call_id = r.Text(0);
  s.actor = r.Text(1) == "human" ? env::Actor::kHuman : env::Actor::kAgent;
  s.name = r.Text(2);
  s.arguments_json = r.Text(3);
  s.result.content = r.Text(4);
  s.result.is_error = r.Int(5) != 0;
  s.changed_state = r.Int(6) != 0;
  s.started_at_us = r.Int(7);
  s.finished_at_us = r.Int(8);
  return s;
}

base::Status InsertStep(Conn& c, std::string_view id, size_t number, const env::Step& s,
                        std::string_view state_hash) {
  ASSAY_TRY(c.Exec("INSERT INTO env_steps (session_id, number, call_id, actor, name, arguments_json, "
            "content, is_error, changed_state, state_hash, started_at_us, finished_at_us) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {id, static_cast<int64_t>(number), s.call_id, env::ActorName(s.actor), s.name,
             s.arguments_json, s.result.content, s.result.is_error ? 1 : 0,
             s.changed_state ? 1 : 0, state_hash, s.started_at_us, s.finished_at_us}));
  return base::Ok();
}

base::Result<std::vector<env::Step>> StepsFrom(Conn& c, std::string_view id, size_t after) {
  std::vector<env::Step> steps;
  ASSAY_TRY(c.QueryEach("SELECT " + std::string(kStepColumns) +
                            " FROM env_steps WHERE session_id = ? AND number > ? ORDER BY number",
                        {id, static_cast<int64_t>(after)}, [&](const Row& r) -> base::Status {
                          steps.push_back(StepOf(r));
                          return base::Ok();
                        }));
  return steps;
}

// Runs `sql` (an UPDATE … WHERE id = ? AND deleted_at_us IS NULL); NotFound when it changed
// nothing.
base::Status UpdateLive(storage::Db& db, std::string_view id, std::string sql,
                        storage::Params params) {
  return db.Write([&](Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(int64_t n, c.Exec(sql + " WHERE id = ? AND deleted_at_us IS NULL", params));
    if (n == 0) return Missing(id);
    return base::Ok();
  });
}

}  // namespace

base::Status Journal::Create(const Record& rec, const std::string* base_snapshot) {
  return db_.Write([&](Conn& c) -> base::Status {
    const int64_t steps = static_cast<int64_t>(rec.steps.size());
    std::optional<int64_t> snapshot_steps;
    if (base_snapshot != nullptr) snapshot_steps = static_cast<int64_t>(rec.base_steps);
    ASSAY_TRY(c.Exec("INSERT INTO env_sessions (id, owner, suite, task, world_json, forked_from, "
                     "base_steps, assignment_id, steps, snapshot_steps, snapshot_json, "
                     "attachment, closed, created_at_us, last_used_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     {rec.id, rec.owner, rec.suite, rec.task, rec.world_json, rec.forked_from,
                      static_cast<int64_t>(rec.base_steps), rec.assignment_id, steps,
                      snapshot_steps,
                      base_snapshot ? std::optional<std::string>(*base_snapshot) : std::nullopt,
                      rec.attachment, rec.closed, rec.created_at_us, rec.last_used_at_us}));
    for (size_t i = 0; i < rec.steps.size(); ++i) ASSAY_TRY(InsertStep(c, rec.id, i + 1, rec.steps[i], ""));
    return base::Ok();
  });
}

base::Result<std::optional<env::SessionJournal::Record>> Journal::Load(std::string_view id) {
  std::optional<Record> out;
  ASSAY_TRY(db_.Read([&](Conn& c) -> base::Status {
    out.reset();
    ASSAY_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT " + std::string(kRecordColumns) +
                                                  " FROM env_sessions WHERE id = ? AND "
                                                  "deleted_at_us IS NULL",
                                              {id}));
    if (rows.empty()) return base::Ok();
    out = RecordOf(rows[0]);
    ASSAY_ASSIGN_OR_RETURN(out->steps, StepsFrom(c, id, 0));
    return base::Ok();
  }));
  return out;
}

base::Result<env::SessionJournal::Tail> Journal::StepsAfter(std::string_view id, size_t known) {
  Tail tail;
  ASSAY_TRY(db_.Read([&](Conn& c) -> base::Status {
    tail = Tail{};
    ASSAY_ASSIGN_OR_RETURN(
        Rows rows,
        c.Query("SELECT closed, steps FROM env_sessions WHERE id = ? AND deleted_at_us IS NULL",
                {id}));
    if (rows.empty()) {
      tail.gone = true;
      return base::Ok();
    }
    tail.closed = rows[0].Text(0);
    if (static_cast<size_t>(rows[0].Int(1)) <= known) return base::Ok();
    ASSAY_ASSIGN_OR_RETURN(tail.steps, StepsFrom(c, id, known));
    return base::Ok();
  }));
  return tail;
}

base::Status Journal::Append(std::string_view id, size_t number, const env::Step& step,
                             std::string_view state_hash, int64_t now_us) {
  return db_.Write([&](Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(
        Rows rows,
        c.Query("SELECT steps, closed FROM env_sessions WHERE id = ? AND deleted_at_us IS NULL",
                {id}));
    if (rows.empty()) return Missing(id);
    if (!rows[0].Text(1).empty()) {
      return base::Error(base::ErrorCode::kFailedPrecondition, rows[0].Text(1));
    }
    const auto n = static_cast<int64_t>(number);
    if (rows[0].Int(0) + 1 != n) {
      return base::Error::Conflict("step " + std::to_string(number) + " is already recorded");
    }
    ASSAY_TRY(InsertStep(c, id, number, step, state_hash));
    ASSAY_ASSIGN_OR_RETURN(int64_t changed,
                           c.Exec("UPDATE env_sessions SET steps = ?, last_used_at_us = ? "
                                  "WHERE id = ? AND steps = ?",
                                  {n, now_us, id, n - 1}));
    if (changed == 0) return base::Error::Conflict("step " + std::to_string(number) + " is already recorded");
    return base::Ok();
  });
}

base::Status Journal::SaveSnapshot(std::string_view id, size_t steps, std::string_view json) {
  return db_.Write([&](Conn& c) -> base::Status {
    // Only a later snapshot replaces the one kept (two servers may save out of order).
    ASSAY_TRY(c.Exec("UPDATE env_sessions SET snapshot_steps = ?, snapshot_json = ? WHERE id = ? "
                     "AND (snapshot_steps IS NULL OR snapshot_steps < ?)",
                     {static_cast<int64_t>(steps), json, id, static_cast<int64_t>(steps)}));
    return base::Ok();
  });
}

base::Status Journal::Delete(std::string_view id, int64_t now_us) {
  return UpdateLive(db_, id, "UPDATE env_sessions SET deleted_at_us = ?", {now_us, id});
}

base::Result<std::vector<env::SessionJournal::Record>> Journal::List(std::string_view owner,
                                                                     int64_t active_since_us) {
  std::vector<Record> out;
  ASSAY_ASSIGN_OR_RETURN(
      Rows rows, db_.Query("SELECT " + std::string(kListedColumns) +
                               " FROM env_sessions WHERE owner = ? AND deleted_at_us IS NULL AND "
                               "last_used_at_us >= ? ORDER BY created_at_us, id",
                           {owner, active_since_us}));
  for (const Row& r : rows) out.push_back(ListedOf(r));
  return out;
}

base::Result<env::SessionJournal::Counts> Journal::CountOpen(std::string_view owner,
                                                             int64_t active_since_us) {
  ASSAY_ASSIGN_OR_RETURN(
      Rows rows,
      db_.Query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN owner = ? THEN 1 ELSE 0 END), 0) "
                "FROM env_sessions WHERE deleted_at_us IS NULL AND assignment_id = '' AND "
                "last_used_at_us >= ?",
                {owner, active_since_us}));
  Counts counts;
  counts.total = static_cast<size_t>(rows.at(0).Int(0));
  counts.mine = static_cast<size_t>(rows.at(0).Int(1));
  return counts;
}

base::Status Journal::SetAttachment(std::string_view id, std::string_view text) {
  return UpdateLive(db_, id, "UPDATE env_sessions SET attachment = ?", {text, id});
}

base::Status Journal::Touch(std::string_view id, int64_t now_us) {
  return db_.Write([&](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec(
        "UPDATE env_sessions SET last_used_at_us = ? WHERE id = ? AND last_used_at_us < ?",
        {now_us, id, now_us}));
    return base::Ok();
  });
}

base::Status Journal::Close(std::string_view id, std::string_view reason) {
  return UpdateLive(db_, id, "UPDATE env_sessions SET closed = ?", {reason, id});
}

}  // namespace trajectories

#include "env/memory_journal.h"

#include <algorithm>

namespace env {
namespace {

base::Error Missing(std::string_view id) {
  return base::Error::NotFound("no environment session '" + std::string(id) + "'");
}

}  // namespace

MemoryJournal::Held* MemoryJournal::FindLocked(std::string_view id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() || it->second.deleted ? nullptr : &it->second;
}

base::Status MemoryJournal::Create(const Record& record, const std::string* base_snapshot) {
  std::lock_guard lock(mu_);
  Held held{record, false};
  if (base_snapshot != nullptr) held.record.snapshot_json = *base_snapshot;
  if (!sessions_.emplace(record.id, std::move(held)).second) {
    return base::Error::Conflict("session id already taken");
  }
  return base::Ok();
}

base::Result<std::optional<SessionJournal::Record>> MemoryJournal::Load(std::string_view id) {
  std::lock_guard lock(mu_);
  Held* held = FindLocked(id);
  if (held == nullptr) return std::optional<Record>();
  return std::optional<Record>(held->record);
}

base::Result<SessionJournal::Tail> MemoryJournal::StepsAfter(std::string_view id, size_t known) {
  std::lock_guard lock(mu_);
  Held* held = FindLocked(id);
  Tail tail;
  if (held == nullptr) {
    tail.gone = true;
    return tail;
  }
  tail.closed = held->record.closed;
  const std::vector<Step>& steps = held->record.steps;
  if (known < steps.size()) tail.steps.assign(steps.begin() + static_cast<long>(known), steps.end());
  return tail;
}

base::Status MemoryJournal::Append(std::string_view id, size_t number, const Step& step,
                                   std::string_view, int64_t now_us) {
  std::lock_guard lock(mu_);
  Held* held = FindLocked(id);
  if (held == nullptr) return Missing(id);
  if (!held->record.closed.empty()) {
    return base::Error(base::ErrorCode::kFailedPrecondition, held->record.closed);
  }
  if (held->record.steps.size() + 1 != number) {
    return base::Error::Conflict("step " + std::to_string(number) + " is already recorded");
  }
  held->record.steps.push_back(step);
  held->record.last_used_at_us = now_us;
  ++appends_;
  return base::Ok();
}

base::Status MemoryJournal::SaveSnapshot(std::string_view id, size_t, std::string_view json) {
  std::lock_guard lock(mu_);
  Held* held = FindLocked(id);
  if (held == nullptr) return Missing(id);
  held->record.snapshot_json = std::string(json);
  ++snapshots_saved_;
  return base::Ok();
}

base::Status MemoryJournal::Delete(std::string_view id, int64_t) {
  std::lock_guard lock(mu_);
  Held* held = FindLocked(id);
  if (held == nullptr) return Missing(id);
  held->deleted = true;
  return base::Ok();
}

base::Result<std::vector<SessionJournal::Record>> MemoryJournal::List(std::string_view owner,
                                                                      int64_t active_since_us) {
  std::lock_guard lock(mu_);
  std::vector<Record> out;
  for (const auto& [id, held] : sessions_) {
    if (!held.deleted && held.record.owner == owner &&
        held.record.last_used_at_us >= active_since_us) {
      out.push_back(held.record);
    }
  }
  std::sort(out.begin(), out.end(), [](const Record& a, const Record& b) {
    return a.created_at_us != b.created_at_us ? a.created_at_us < b.created_at_us : a.id < b.id;
  });
  return out;
}

base::Result<SessionJournal::Counts> MemoryJournal::CountOpen(std::string_view owner,
                                                              int64_t active_since_us) {
  std::lock_guard lock(mu_);
  Counts counts;
  for (const auto& [id, held] : sessions_) {
    const Record& r = held.record;
    if (held.deleted || !r.assignment_id.empty() || r.last_used_at_us < active_since_us) continue;
    ++counts.total;
    if (r.owner == owner) ++counts.mine;
  }
  return counts;
}

base::Status MemoryJournal::SetAttachment(std::string_view id, std::string_view text) {
  std::lock_guard lock(mu_);
  Held* held = FindLocked(id);
  if (held == nullptr) return Missing(id);
  held->record.attachment = std::string(text);
  return base::Ok();
}

base::Status MemoryJournal::Touch(std::string_view id, int64_t now_us) {
  std::lock_guard lock(mu_);
  if (Held* held = FindLocked(id)) held->record.last_used_at_us = now_us;
  return base::Ok();
}

void MemoryJournal::Close(std::string_view id, std::string reason) {
  std::lock_guard lock(mu_);
  if (Held* held = FindLocked(id)) held->record.closed = std::move(reason);
}

size_t MemoryJournal::snapshots_saved() const {
  std::lock_guard lock(mu_);
  return snapshots_saved_;
}

size_t MemoryJournal::appends() const {
  std::lock_guard lock(mu_);
  return appends_;
}

}  // namespace env

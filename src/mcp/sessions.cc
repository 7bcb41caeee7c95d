#include "mcp/sessions.h"

#include "base/rng.h"

namespace mcp {

base::Result<std::shared_ptr<const env::Suite>> SuiteCache::Get(std::string_view name) {
  // Held while loading so two first requests do not load the same suite twice.
  std::lock_guard lock(mu_);
  if (auto it = loaded_.find(name); it != loaded_.end()) return it->second;
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<env::Suite> suite, env::LoadSuite(name, data_dir_));
  std::shared_ptr<const env::Suite> shared = std::move(suite);
  loaded_.emplace(std::string(name), shared);
  return shared;
}

Connection::Connection(std::shared_ptr<const env::Suite> s, const env::Task& t)
    : suite(std::move(s)),
      task(&t),
      session(suite->tools, t.initial, clock, /*seed=*/1),
      server(session, {.suite = suite->name, .task = t.id}) {}

base::Result<std::unique_ptr<Connection>> Connection::Open(std::shared_ptr<const env::Suite> suite,
                                                           std::string_view task_id) {
  const env::Task* task = suite->FindTask(task_id);
  if (task == nullptr) {
    return base::Error::NotFound("no task '" + std::string(task_id) + "' in suite " + suite->name);
  }
  return std::unique_ptr<Connection>(new Connection(std::move(suite), *task));
}

SessionStore::SessionStore(const base::Clock& clock, SuiteCache& suites, StoreOptions options)
    : clock_(clock), suites_(suites), options_(options) {}

void SessionStore::DropExpiredLocked(int64_t now_us) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now_us - it->second.last_used_us > options_.idle_timeout_us) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

base::Result<SessionStore::Created> SessionStore::Create(const std::string& owner,
                                                         std::string_view suite_name,
                                                         std::string_view task) {
  ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const env::Suite> suite, suites_.Get(suite_name));
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn,
                         Connection::Open(std::move(suite), task));
  const int64_t now = clock_.NowMicros();
  std::lock_guard lock(mu_);
  DropExpiredLocked(now);
  if (entries_.size() >= options_.max_sessions) {
    return base::Error(base::ErrorCode::kResourceExhausted,
                       "too many open MCP sessions; end one (DELETE) or wait for one to expire")
        .Detail("max_sessions", static_cast<int64_t>(options_.max_sessions));
  }
  Created out{base::SecureRandomHex(32), std::move(conn)};
  entries_.emplace(out.id, Entry{owner, now, out.connection});
  return out;
}

std::shared_ptr<Connection> SessionStore::Find(std::string_view id, std::string_view owner) {
  const int64_t now = clock_.NowMicros();
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  if (now - it->second.last_used_us > options_.idle_timeout_us) {
    entries_.erase(it);
    return nullptr;
  }
  if (it->second.owner != owner) return nullptr;
  it->second.last_used_us = now;
  return it->second.connection;
}

bool SessionStore::Remove(std::string_view id, std::string_view owner) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.owner != owner) return false;
  entries_.erase(it);
  return true;
}

size_t SessionStore::size() {
  std::lock_guard lock(mu_);
  DropExpiredLocked(clock_.NowMicros());
  return entries_.size();
}

}  // namespace mcp

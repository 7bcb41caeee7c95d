#include "env/session_store.h"

#include <algorithm>

#include "base/rng.h"

namespace env {
namespace {

// Per-session id seed for tools' NewId(); the seed the checkers are derived with.
constexpr uint64_t kSessionSeed = 1;

std::string Quoted(std::string_view s) {
  std::string out = "'";  // built by appends: "'" + s + "'" trips a GCC 12 -Wrestrict false alarm
  out += s;
  out += '\'';
  return out;
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
};

SessionStore::Lease::Lease(std::shared_ptr<Entry> entry, SessionInfo info)
    : entry_(std::move(entry)), info_(std::move(info)), lock_(entry_->mu) {}
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
  const std::vector<Step>& steps = e.session.trajectory().steps();
  bool stale = e.hash.empty() || e.hash_steps > steps.size();
  for (size_t i = e.hash_steps; !stale && i < steps.size(); ++i) stale = steps[i].changed_state;
  if (stale) e.hash = e.session.world().Hash();
  e.hash_steps = steps.size();
  return e.hash;
}

SessionStore::SessionStore(const base::Clock& clock, SessionStoreOptions options)
    : clock_(clock), options_(std::move(options)) {}
SessionStore::~SessionStore() = default;

base::Result<SessionStore::LoadedSuite*> SessionStore::Load(std::string_view name) {
  std::lock_guard lock(suites_mu_);
  if (auto it = suites_.find(name); it != suites_.end()) return it->second.get();
  auto dir = options_.data_dirs.find(name);
  // A failed load is not cached: the data may be put in place while the server runs.
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<Suite> suite,
                         LoadSuite(name, dir == options_.data_dirs.end() ? "" : dir->second));
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

std::vector<SuiteSummary> SessionStore::ListSuites() {
  return SummarizeSuites([this](const SuiteInfo& info) { return GetSuite(info.name); });
}

void SessionStore::SweepIdleLocked(int64_t now_us) {
  std::erase_if(sessions_, [&](const auto& kv) {
    return now_us - kv.second->info.last_used_at_us > options_.idle_expiry_us;
  });
}

base::Result<SessionInfo> SessionStore::Insert(std::string_view owner, LoadedSuite& suite,
                                               const Task* task, Session session,
                                               std::string forked_from) {
  const int64_t now_us = clock_.NowMicros();
  SessionInfo info{.id = base::SecureRandomBase64Url(18),
                   .owner = std::string(owner),
                   .suite = suite.suite->name,
                   .task = task ? task->id : "",
                   .forked_from = std::move(forked_from),
                   .created_at_us = now_us,
                   .last_used_at_us = now_us};
  auto entry = std::make_shared<Entry>(info, *suite.suite, task, std::move(session));
  std::lock_guard lock(mu_);
  SweepIdleLocked(now_us);
  const size_t mine =
      static_cast<size_t>(std::count_if(sessions_.begin(), sessions_.end(), [&](const auto& kv) {
        return kv.second->info.owner == owner;
      }));
  if (mine >= options_.max_per_owner) {
    return base::Error(base::ErrorCode::kResourceExhausted,
                       "you have " + std::to_string(mine) +
                           " environment sessions, the most allowed: delete one first")
        .Detail("limit", std::to_string(options_.max_per_owner));
  }
  if (sessions_.size() >= options_.max_total) {
    return base::Error(base::ErrorCode::kResourceExhausted,
                       "the server holds the most environment sessions it allows; try later")
        .Detail("limit", std::to_string(options_.max_total));
  }
  sessions_.emplace(info.id, std::move(entry));
  return info;
}

base::Result<SessionInfo> SessionStore::Create(std::string_view owner, std::string_view suite,
                                               std::string_view task_id) {
  ASSAY_ASSIGN_OR_RETURN(LoadedSuite * loaded, Load(suite));
  const Task* task = CheckableTask(*loaded, task_id);
  if (task == nullptr) {
    return base::Error::NotFound("no task " + Quoted(task_id) + " in suite " + Quoted(suite))
        .Detail("task", task_id);
  }
  return Insert(owner, *loaded, task,
                Session(loaded->suite->tools, task->initial, tool_clock_, kSessionSeed), "");
}

base::Result<SessionInfo> SessionStore::CreateOnWorld(std::string_view owner,
                                                      std::string_view suite, World world) {
  ASSAY_ASSIGN_OR_RETURN(LoadedSuite * loaded, Load(suite));
  return Insert(owner, *loaded, nullptr,
                Session(loaded->suite->tools, std::move(world), tool_clock_, kSessionSeed), "");
}

base::Result<SessionStore::Lease> SessionStore::Get(std::string_view owner, std::string_view id) {
  std::shared_ptr<Entry> entry;
  SessionInfo info;
  {
    std::lock_guard lock(mu_);
    const int64_t now_us = clock_.NowMicros();
    SweepIdleLocked(now_us);
    auto it = sessions_.find(id);
    // Someone else's session is indistinguishable from a missing one.
    if (it == sessions_.end() || it->second->info.owner != owner) {
      return base::Error::NotFound("no environment session " + Quoted(id));
    }
    entry = it->second;
    entry->info.last_used_at_us = now_us;
    info = entry->info;
  }
  return Lease(std::move(entry), std::move(info));
}

base::Result<SessionInfo> SessionStore::Fork(std::string_view owner, std::string_view id) {
  ASSAY_ASSIGN_OR_RETURN(Lease origin, Get(owner, id));
  ASSAY_ASSIGN_OR_RETURN(LoadedSuite * loaded, Load(origin.info().suite));
  Session copy = origin.session().Fork();
  const Task* task = origin.task();
  std::string from = origin.info().id;
  return Insert(owner, *loaded, task, std::move(copy), std::move(from));
}

base::Status SessionStore::Delete(std::string_view owner, std::string_view id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second->info.owner != owner) {
    return base::Error::NotFound("no environment session " + Quoted(id));
  }
  sessions_.erase(it);  // a caller still holding a Lease keeps the entry alive until it ends
  return base::Ok();
}

std::vector<SessionInfo> SessionStore::List(std::string_view owner) {
  std::vector<SessionInfo> out;
  std::lock_guard lock(mu_);
  SweepIdleLocked(clock_.NowMicros());
  for (const auto& [id, entry] : sessions_) {
    if (entry->info.owner == owner) out.push_back(entry->info);
  }
  std::sort(out.begin(), out.end(), [](const SessionInfo& a, const SessionInfo& b) {
    return a.created_at_us != b.created_at_us ? a.created_at_us < b.created_at_us : a.id < b.id;
  });
  return out;
}

}  // namespace env

// MCP connections and the session store the Streamable HTTP transport keeps them in.
//
// A Connection is one MCP client's world: the task's initial world in its own env::Session
// (deterministic: a FakeClock and seed 1, as `assay env run` uses, so what an agent did over MCP
// checks the same way a replay does) and the mcp::Server speaking for it.
//
//   mcp::SuiteCache suites("../shared/data/tau2-retail");
//   ASSAY_ASSIGN_OR_RETURN(auto suite, suites.Get("tau2-retail"));
//   ASSAY_ASSIGN_OR_RETURN(auto conn, mcp::Connection::Open(suite, "0"));
//   std::lock_guard lock(conn->mu);
//   conn->server.HandleText(line);
//
//   mcp::SessionStore store(clock, {.max_sessions = 64});
//   ASSAY_ASSIGN_OR_RETURN(mcp::SessionStore::Created c, store.Create(owner, "tau2-retail", "0"));
//   std::shared_ptr<mcp::Connection> conn = store.Find(c.id, owner);  // null: 404
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "env/session.h"
#include "env/suite.h"
#include "mcp/server.h"

namespace mcp {

// Suites loaded once and shared by every connection on them (they are read-only once loaded).
class SuiteCache {
 public:
  // data_dir: where suites that read files find them; "" = each suite's default.
  explicit SuiteCache(std::string data_dir = "") : data_dir_(std::move(data_dir)) {}
  base::Result<std::shared_ptr<const env::Suite>> Get(std::string_view name);

 private:
  std::string data_dir_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const env::Suite>, std::less<>> loaded_;
};

struct Connection {
  static base::Result<std::unique_ptr<Connection>> Open(std::shared_ptr<const env::Suite> suite,
                                                        std::string_view task_id);

  std::mutex mu;  // held while a message is handled: Session and Server are not thread-safe
  std::shared_ptr<const env::Suite> suite;
  const env::Task* task;
  base::FakeClock clock;
  env::Session session;
  Server server;

 private:
  Connection(std::shared_ptr<const env::Suite> suite, const env::Task& task);
};

struct StoreOptions {
  size_t max_sessions = 64;
  int64_t idle_timeout_us = 30LL * 60 * base::kMicrosPerSecond;
};

// Connections by session id (256 random bits, hex), each owned by one caller: another caller's
// id is as unknown as a made-up one. Sessions idle longer than idle_timeout_us expire; when
// max_sessions are open a new one is refused rather than evicting someone's live session.
// Thread-safe.
class SessionStore {
 public:
  SessionStore(const base::Clock& clock, SuiteCache& suites, StoreOptions options = {});

  struct Created {
    std::string id;
    std::shared_ptr<Connection> connection;
  };
  // NotFound for an unknown suite or task; ResourceExhausted when the store is full.
  base::Result<Created> Create(const std::string& owner, std::string_view suite,
                               std::string_view task);
  // The owner's live connection with this id (and marks it used), or null.
  std::shared_ptr<Connection> Find(std::string_view id, std::string_view owner);
  // Ends the owner's session; false when there was none.
  bool Remove(std::string_view id, std::string_view owner);
  size_t size();

 private:
  struct Entry {
    std::string owner;
    int64_t last_used_us;
    std::shared_ptr<Connection> connection;
  };
  void DropExpiredLocked(int64_t now_us);

  const base::Clock& clock_;
  SuiteCache& suites_;
  StoreOptions options_;
  std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace mcp

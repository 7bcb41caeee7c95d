// Two `assay serve` on one PostgreSQL behind Debian's nginx (deploy/nginx.conf's upstream), with
// 2 × 32 experts doing lease → submit through nginx, and one server killed with SIGKILL mid-run.
// What a user of a scaled-out deployment relies on: an item never goes to more experts than its
// overlap, every submit the experts saw acknowledged is in the database exactly once, a submit
// retried on the other server is answered the same, and the experts keep working through nginx on
// the survivor. Needs PostgreSQL and nginx installed (scripts/install-deps; `make test` runs it).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http/client.h"
#include "support/nginx_process.h"
#include "support/postgres_cluster.h"
#include "support/run_command.h"
#include "support/serve_process.h"
#include "support/work_project.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kServers = 2;
constexpr int kExpertsPerServer = 32;
constexpr int kExperts = kServers * kExpertsPerServer;
constexpr int kOverlap = 2;
// Items are leased least covered first: past 640 submits every lease goes to an item that already
// has one, so the second half of the run leases at the overlap's edge. 1,280 places hold the
// ~1,130 submits at most (the targets, plus one cycle per expert past each).
constexpr int kItems = 640;
constexpr size_t kKillAfterAcknowledged = 500;  // submits acknowledged before the kill
constexpr size_t kAcknowledgedAfterKill = 500;  // and after it, all through the survivor
constexpr int kRetryCheckEvery = 4;             // every 4th submit is sent again, to the other server
constexpr int kMaxAttempts = 100;               // per request, while a server dies under it

// One acknowledged submit: what the expert was answered.
struct Acknowledged {
  std::string submission_id;
  std::string answered_by;  // the server that answered: the last address in X-Assay-Upstream
  bool sent_after_kill = false;
};

// nginx's $upstream_addr lists every server it tried ("127.0.0.1:1, 127.0.0.1:2"): the last answered.
std::string LastUpstream(std::string_view upstream_addr) {
  const size_t comma = upstream_addr.rfind(", ");
  return std::string(comma == std::string_view::npos ? upstream_addr : upstream_addr.substr(comma + 2));
}

// What all the experts saw, behind one lock.
struct Outcome {
  std::mutex mu;
  std::condition_variable changed;
  std::vector<Acknowledged> acknowledged;
  std::vector<std::string> failures;  // answers no expert should ever get
  int retry_checks = 0;              // submits sent again to the other server and answered the same
  int transient = 0;                 // 502/503/504 or a dropped connection, retried
};

bool Transient(const base::Result<http::ClientResponse>& r) {
  return !r || r->status == 502 || r->status == 503 || r->status == 504;
}

std::string Describe(const base::Result<http::ClientResponse>& r) {
  return r ? std::to_string(r->status) + " " + r->body.substr(0, 200) : r.error().ToString();
}

// Processes started by the test, ended whatever the outcome.
struct Processes {
  std::vector<test::ServeProcess> servers;
  test::NginxProcess nginx;
  ~Processes() {
    test::StopNginx(nginx);
    for (test::ServeProcess& s : servers) {
      if (s.pid > 0) {
        kill(s.pid, SIGTERM);
        waitpid(s.pid, nullptr, 0);
      }
    }
  }
};

class ScaleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("assay_scale_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    pg_.reset();  // stopped before its files go
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<test::PostgresCluster> pg_;
};

// One expert's work: lease → submit through nginx until `stop`, each request retried while nginx
// answers that no server could (the one it chose just died), and every kRetryCheckEvery-th submit
// sent again straight to the server that did not answer it, while both live. `killing` is set
// before the kill, `killed` once the server is gone.
void Work(int expert, const std::string& token, const std::string& project_id, uint16_t nginx_port,
          const std::map<std::string, uint16_t>& server_ports, const std::atomic<bool>& killing,
          const std::atomic<bool>& killed, const std::atomic<bool>& stop, Outcome& out) {
  http::Client via_nginx("127.0.0.1", nginx_port);
  const std::vector<http::Header> auth = test::BearerJson(token);
  auto fail = [&](const std::string& what) {
    std::lock_guard<std::mutex> lock(out.mu);
    out.failures.push_back("expert " + std::to_string(expert) + ": " + what);
    out.changed.notify_all();
  };
  // Sends until the answer is not transient; the last answer.
  auto send = [&](const std::string& target, const std::string& body) {
    base::Result<http::ClientResponse> r = via_nginx.Send("POST", target, body, auth);
    for (int attempt = 1; attempt < kMaxAttempts && Transient(r); ++attempt) {
      {
        std::lock_guard<std::mutex> lock(out.mu);
        ++out.transient;
      }
      r = via_nginx.Send("POST", target, body, auth);
    }
    return r;
  };
  for (int n = 0; !stop; ++n) {
    auto lease = send("/api/v1/projects/" + project_id + "/leases", "");
    if (!lease || lease->status != 200) return fail("lease answered " + Describe(lease));
    const json l = json::parse(lease->body);
    const std::string submit = "/api/v1/assignments/" + l["assignment_id"].get<std::string>() + "/submit";
    const std::string body = json({{"lease_token", l["lease_token"]},
                                   {"client_submission_id", "c" + std::to_string(n)},
                                   {"answer", {{"c", n % 2 ? "x" : "y"}}},
                                   {"active_ms", 10}})
                                 .dump();
    const bool sent_after_kill = killed;
    auto submitted = send(submit, body);
    // 201: written now; 200: an earlier attempt was written (its answer lost with its server).
    if (!submitted || (submitted->status != 201 && submitted->status != 200)) {
      return fail("submit answered " + Describe(submitted));
    }
    const json submission = json::parse(submitted->body)["submission"];
    const std::string answered_by = LastUpstream(submitted->GetHeader("x-assay-upstream"));
    {
      std::lock_guard<std::mutex> lock(out.mu);
      out.acknowledged.push_back({submission["id"], answered_by, sent_after_kill});
      out.changed.notify_all();
    }
    if (n % kRetryCheckEvery != 0 || killing) continue;
    // The same submit again, straight to the server nginx did not send it to.
    for (const auto& [address, port] : server_ports) {
      if (address == answered_by) continue;
      http::Client direct("127.0.0.1", port);
      auto again = direct.Send("POST", submit, body, auth);
      if (!again && killing) break;  // the kill came between the check and the send
      if (!again || again->status != 200) return fail("the retry on " + address + " answered " + Describe(again));
      if (json::parse(again->body)["submission"] != submission) {
        return fail("the retry on " + address + " answered " + again->body + " where " + answered_by +
                    " answered " + submitted->body);
      }
      std::lock_guard<std::mutex> lock(out.mu);
      ++out.retry_checks;
    }
  }
}

TEST_F(ScaleTest, TwoServersBehindNginxKeepOverlapAndLoseNothingWhenOneIsKilled) {
  pg_ = std::make_unique<test::PostgresCluster>(ASSAY_SOURCE_DIR "/scripts/start-postgres", (dir_ / "pg").string());
  ASSERT_TRUE(pg_->error().empty()) << pg_->error();
  const std::string url = pg_->CreateDatabase("assay_scale");
  ASSERT_FALSE(url.empty()) << "could not create a database on " << pg_->url();
  const std::string bin = ASSAY_BINARY;
  ASSERT_EQ(test::RunCommand(bin + " migrate --db " + test::ShellQuote(url) + " >/dev/null 2>&1; echo $?"), "0");
  auto token = [&](const std::string& email, const std::string& role) {
    return test::RunCommand(bin + " token create --db " + test::ShellQuote(url) + " --email " + email + " --role " + role);
  };
  const std::string manager = token("lead@scale.test", "manager");
  ASSERT_FALSE(manager.empty());
  std::vector<test::Expert> experts;
  for (int i = 0; i < kExperts; ++i) {
    const std::string email = "e" + std::to_string(i) + "@scale.test";
    experts.push_back({email, token(email, "expert")});
    ASSERT_FALSE(experts.back().token.empty()) << email;
  }

  Processes p;
  std::map<std::string, uint16_t> server_ports;  // "127.0.0.1:PORT" → PORT
  for (int i = 0; i < kServers; ++i) {
    p.servers.push_back(test::StartServe(bin, {"--db", url, "--trust-proxy", "--log-level", "warn", "--no-access-log"},
                                         (dir_ / ("serve" + std::to_string(i) + ".log")).string()));
    ASSERT_GT(p.servers.back().port, 0) << "assay serve " << i << " did not start";
    server_ports["127.0.0.1:" + std::to_string(p.servers.back().port)] = p.servers.back().port;
  }
  p.nginx = test::StartNginx(ASSAY_SOURCE_DIR "/deploy/nginx.conf", (dir_ / "nginx").string(),
                             {p.servers[0].port, p.servers[1].port});
  ASSERT_TRUE(p.nginx.error.empty()) << p.nginx.error;
  http::Client manager_client("127.0.0.1", p.nginx.port);
  const test::WorkProject project =
      test::CreateWorkProject(manager_client, manager, {.overlap = kOverlap, .items = kItems}, experts);
  ASSERT_TRUE(project.error.empty()) << project.error;

  Outcome out;
  std::atomic<bool> killing{false}, killed{false}, stop{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < kExperts; ++i) {
    clients.emplace_back(Work, i, experts[static_cast<size_t>(i)].token, project.id, p.nginx.port,
                         std::cref(server_ports), std::cref(killing), std::cref(killed), std::cref(stop), std::ref(out));
  }
  // Waits until `n` submits were acknowledged (or an expert was refused, or the deadline).
  const auto deadline = Clock::now() + std::chrono::seconds(240);
  auto wait_for = [&](size_t n) {
    std::unique_lock<std::mutex> lock(out.mu);
    return out.changed.wait_until(lock, deadline, [&] { return out.acknowledged.size() >= n || !out.failures.empty(); }) &&
           out.failures.empty();
  };
  bool progressed = wait_for(kKillAfterAcknowledged);
  size_t acknowledged_before_kill = 0;
  if (progressed) {
    killing = true;
    kill(p.servers[0].pid, SIGKILL);
    waitpid(p.servers[0].pid, nullptr, 0);
    p.servers[0].pid = -1;
    killed = true;
    {
      std::lock_guard<std::mutex> lock(out.mu);
      acknowledged_before_kill = out.acknowledged.size();
    }
    progressed = wait_for(acknowledged_before_kill + kAcknowledgedAfterKill);
  }
  stop = true;
  for (std::thread& t : clients) t.join();

  // What the experts saw.
  for (size_t i = 0; i < out.failures.size() && i < 5; ++i) ADD_FAILURE() << out.failures[i];
  ASSERT_TRUE(progressed) << out.acknowledged.size() << " submits acknowledged in 240 s (" << acknowledged_before_kill
                          << " before the kill)";
  EXPECT_GT(out.retry_checks, 0) << "no submit was retried on the other server";
  size_t after_kill = 0, by_survivor = 0;
  const std::string survivor = "127.0.0.1:" + std::to_string(p.servers[1].port);
  for (const Acknowledged& a : out.acknowledged) {
    after_kill += a.sent_after_kill;
    by_survivor += a.sent_after_kill && a.answered_by == survivor;
  }
  EXPECT_GT(after_kill, 0u) << "no submit was sent after the kill";
  EXPECT_EQ(by_survivor, after_kill) << "submits sent after the kill answered by another than the survivor";

  // What the database holds: every acknowledged submit once, nothing else (every expert finished
  // the cycle she was in), and no item with more live or submitted assignments than its overlap.
  std::set<std::string> acknowledged;
  for (const Acknowledged& a : out.acknowledged) {
    EXPECT_TRUE(acknowledged.insert(a.submission_id).second) << "one submission acknowledged for two cycles: "
                                                             << a.submission_id;
  }
  std::istringstream rows(test::Psql(url, "SELECT id FROM submissions WHERE project_id = '" + project.id + "'"));
  std::set<std::string> stored;
  size_t unacknowledged = 0;
  for (std::string id; std::getline(rows, id);) {
    EXPECT_TRUE(stored.insert(id).second) << "submission " << id << " twice";
    unacknowledged += !acknowledged.count(id);
  }
  size_t lost = 0;
  for (const std::string& id : acknowledged) lost += !stored.count(id);
  EXPECT_EQ(lost, 0u) << "of " << acknowledged.size() << " acknowledged submits (" << acknowledged_before_kill
                      << " before the kill)";
  EXPECT_EQ(unacknowledged, 0u) << "submissions in the database that no expert saw acknowledged";
  EXPECT_EQ(test::Psql(url, "SELECT count(*) FROM (SELECT item_id FROM assignments WHERE project_id = '" + project.id +
                                "' AND state IN ('leased', 'submitted') GROUP BY item_id HAVING count(*) > " +
                                std::to_string(kOverlap) + ") AS over"),
            "0")
      << "items leased or submitted beyond their overlap of " << kOverlap;
  EXPECT_EQ(test::Psql(url, "SELECT count(*) FROM (SELECT item_id FROM submissions WHERE project_id = '" + project.id +
                                "' GROUP BY item_id HAVING count(*) > " + std::to_string(kOverlap) + ") AS over"),
            "0")
      << "items with more submissions than their overlap of " << kOverlap;
  const std::string at_overlap = test::Psql(url, "SELECT count(*) FROM (SELECT item_id FROM submissions WHERE project_id = '" +
                                                     project.id + "' GROUP BY item_id HAVING count(*) = " +
                                                     std::to_string(kOverlap) + ") AS full_items");
  EXPECT_NE(at_overlap, "0") << "no item reached its overlap: the run never leased at the edge";
  std::printf("scale: %zu submits acknowledged (%zu before the kill), %d retried on the other server, "
              "%d transient answers retried\n",
              out.acknowledged.size(), acknowledged_before_kill, out.retry_checks, out.transient);
}

}  // namespace

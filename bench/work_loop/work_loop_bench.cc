// work_loop_bench: C simulated experts do lease → submit against a real `assay serve` (SQLite,
// synchronous=FULL) over loopback keep-alive connections, and from the same run the two
// references: the raw durable one-row insert+commit rate on the same disk, and /healthz
// requests/s on the same server with the same connection count. See README.md.
//
// By default each expert starts its next cycle as soon as the last one is answered (closed loop).
// With --rate R the experts together are offered R cycles/s on a fixed schedule (open loop, as
// wrk2 does), and a cycle's latency counts from when it was due, so a slow server cannot hide
// its queue by slowing the load down (coordinated omission).
//
//   build/work_loop_bench --experts 16,256,1000 --seconds 20
//   build/work_loop_bench --experts 256 --seconds 10 --rate 3000
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <queue>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/uuid7.h"
#include "storage/migrations.h"
#include "storage/sqlite_db.h"
#include "support/serve_process.h"
#include "accounts/service.h"
#include "people/service.h"
#include "work/service.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::vector<int> experts = {16, 256, 1000};
  double seconds = 20;
  double health_seconds = 5;
  double rate = 0;  // cycles/s offered across all experts; 0 = closed loop
  int client_threads = 1;
  // Each run twice: as is, then with one requirement on the project (a flag qualification every
  // expert holds), to measure what routing by requirements costs the work loop.
  bool compare_requirement = false;
  int pairs = 1;  // with compare_requirement: alternating runs without / with, medians compared
  std::string assay = ASSAY_BINARY;
  std::string dir;
  std::vector<std::string> server_args;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "work_loop_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Check(base::Result<T> r, const char* what) {
  if (!r) Die(std::string(what) + ": " + r.error().ToString());
  return std::move(r).value();
}

void RaiseFdLimit(size_t need) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur >= need) return;
  rl.rlim_cur = std::min<rlim_t>(std::max<rlim_t>(need, rl.rlim_cur), rl.rlim_max);
  setrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < need) Die("the open-file limit (" + std::to_string(rl.rlim_cur) + ") is below " + std::to_string(need));
}

// ---- setup: users, tokens, project, members and items written straight into the database ----

struct Setup {
  std::string project_id;
  std::vector<std::string> tokens;    // one per expert
  std::vector<std::string> user_ids;  // same order
};

Setup Prepare(const std::string& db_path, int experts, int64_t items, bool requirement) {
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, static_cast<uint64_t>(clock.NowMicros()));
  storage::SqliteOptions fast;
  fast.synchronous_full = false;  // setup only; the server opens the file with FULL
  auto db = Check(storage::OpenAndMigrate("sqlite:" + db_path, clock, fast), "open");
  accounts::Service accounts(*db, clock, ids);
  work::Service svc(*db, clock, ids);
  work::User manager = Check(accounts.EnsureUser("manager@bench.local", work::Role::kManager), "manager");
  work::Caller m{manager.id, manager.role};
  work::ProjectFields f;
  f.name = "work loop bench";
  f.overlap = 1;
  f.lease_seconds = 3600;
  f.template_json = R"([{"type":"text","name":"t","source":"t"},{"type":"choice","name":"c","options":["x","y"]}])";
  people::Service people(*db, clock, ids);
  std::string qualification_id;
  if (requirement) {
    qualification_id = Check(people.CreateQualification(m, {"Bench qualified", "flag", {}, {}, {}, "", {}}), "qual").id;
    f.requirements_json = "[{\"qualification\":\"" + qualification_id + "\"}]";
  }
  Setup s;
  s.project_id = Check(svc.CreateProject(m, f), "project").id;
  std::string body;
  body.reserve(static_cast<size_t>(items) * 40);
  for (int64_t i = 0; i < items; ++i) body += "{\"id\":\"i" + std::to_string(i) + "\",\"data\":{\"t\":\"item " + std::to_string(i) + "\"}}\n";
  work::ImportResult imported = Check(svc.ImportItems(m, s.project_id, body), "import");
  if (imported.imported != items) Die("imported " + std::to_string(imported.imported) + " items");
  for (int e = 0; e < experts; ++e) {
    const std::string email = "e" + std::to_string(e) + "@bench.local";
    work::User u = Check(accounts.EnsureUser(email, work::Role::kExpert), "expert");
    s.tokens.push_back(Check(accounts.CreateApiToken(work::Caller{u.id, u.role}), "token").secret);
    s.user_ids.push_back(u.id);
    if (!svc.AddMember(work::Caller::System(), s.project_id, u.id, "expert")) Die("add member");
    if (requirement) Check(people.GrantQualification(m, qualification_id, {u.id, {}, "bench", {}}), "grant");
  }
  return s;
}

// ---- the server -------------------------------------------------------------------------------

test::ServeProcess StartServer(const Flags& flags, const std::string& db_path, const std::string& log_path) {
  std::vector<std::string> args = {"--db", "sqlite:" + db_path};
  args.insert(args.end(), flags.server_args.begin(), flags.server_args.end());
  test::ServeProcess s = test::StartServe(flags.assay, args, log_path);
  if (s.port == 0) Die("assay serve did not start (see " + log_path + ")");
  return s;
}

void StopServer(test::ServeProcess& s) {
  kill(s.pid, SIGTERM);
  waitpid(s.pid, nullptr, 0);
}

// ---- the load generator: non-blocking keep-alive HTTP/1.1 connections on epoll --------------

std::string JsonField(std::string_view body, std::string_view name) {
  std::string key = "\"" + std::string(name) + "\":\"";
  size_t at = body.find(key);
  if (at == std::string_view::npos) return {};
  at += key.size();
  size_t end = body.find('"', at);
  return end == std::string_view::npos ? std::string() : std::string(body.substr(at, end - at));
}

enum class Mode { kWorkLoop, kHealth };

struct Conn {
  int fd = -1;
  int index = 0;  // the expert
  std::string auth;
  std::string out;
  size_t out_done = 0;
  std::string in;
  bool submitting = false;
  int64_t n = 0;  // this expert's cycles started
  Clock::time_point due;   // when this cycle should start: its latency counts from here
  Clock::time_point sent;  // when its first request went out: its service time counts from here
  std::string lease_token;
};

struct ThreadResult {
  std::vector<float> latency_ms;  // completed cycles (or requests), from when each was due
  std::vector<float> service_ms;  // the same, from when each was sent
  std::vector<std::pair<int, int64_t>> acknowledged;  // (expert, cycle number)
  int64_t errors = 0;
  std::map<std::string, int64_t> error_kinds;
};

// Seeds each expert's schedule phase, so a paced run offers the same start times every time.
constexpr uint64_t kPhaseSeed = 0x5eed'0f'9ace;

class LoadThread {
 public:
  // `period` is the time between one expert's scheduled cycle starts; zero runs closed loop.
  LoadThread(Mode mode, uint16_t port, const Setup& setup, std::vector<int> experts, Clock::duration period)
      : mode_(mode), port_(port), setup_(setup), experts_(std::move(experts)), period_(period) {}

  // Connects all, then runs until `until`; a cycle in flight at the end is not counted.
  ThreadResult Run(Clock::time_point start, Clock::time_point until) {
    ep_ = epoll_create1(0);
    // One timer wakes the loop at the next scheduled start or at `until`, whichever is first.
    timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (ep_ < 0 || timer_ < 0) Die("epoll/timerfd: " + std::string(std::strerror(errno)));
    epoll_event tev{};
    tev.events = EPOLLIN;
    tev.data.ptr = nullptr;
    epoll_ctl(ep_, EPOLL_CTL_ADD, timer_, &tev);
    for (int e : experts_) {
      auto c = std::make_unique<Conn>();
      c->index = e;
      c->auth = "Authorization: Bearer " + setup_.tokens[static_cast<size_t>(e)] + "\r\n";
      if (!Connect(*c)) Die("cannot connect");
      conns_.push_back(std::move(c));
    }
    while (Clock::now() < start) std::this_thread::sleep_until(start);
    for (auto& c : conns_) {
      if (period_ == Clock::duration::zero()) {
        c->due = start;
        Begin(*c);
        continue;
      }
      // A random phase per expert spreads the starts over the period instead of sending bursts.
      std::mt19937_64 rng(kPhaseSeed + static_cast<uint64_t>(c->index));
      c->due = start + std::chrono::duration_cast<Clock::duration>(
                           std::uniform_real_distribution<double>(0, 1)(rng) * period_);
      waiting_.emplace(c->due, c.get());
    }
    std::vector<epoll_event> events(256);
    for (auto now = Clock::now(); now < until; now = Clock::now()) {
      while (!waiting_.empty() && waiting_.top().first <= now) {
        Conn& c = *waiting_.top().second;
        waiting_.pop();
        Begin(c);
      }
      ArmTimer(waiting_.empty() ? until : std::min(until, waiting_.top().first));
      int n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), -1);
      for (int i = 0; i < n; ++i) {
        const epoll_event& ev = events[static_cast<size_t>(i)];
        if (ev.data.ptr == nullptr) {
          uint64_t expirations;
          if (read(timer_, &expirations, sizeof expirations) < 0 && errno != EAGAIN) Die("timerfd read failed");
          continue;
        }
        Conn& c = *static_cast<Conn*>(ev.data.ptr);
        if (ev.events & EPOLLOUT) Flush(c);
        if (ev.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) Readable(c, until);
      }
    }
    for (auto& c : conns_) close(c->fd);
    close(timer_);
    close(ep_);
    return std::move(result_);
  }

 private:
  void ArmTimer(Clock::time_point at) {
    if (at == armed_) return;
    armed_ = at;
    // steady_clock is CLOCK_MONOTONIC on Linux, so its time points are the timer's absolute times.
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
    itimerspec spec{};
    spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    if (timerfd_settime(timer_, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) Die("timerfd_settime failed");
  }

  bool Connect(Conn& c) {
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) return false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    return epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev) == 0;
  }

  void Error(Conn& c, const std::string& kind, Clock::time_point now) {
    ++result_.errors;
    ++result_.error_kinds[kind];
    Next(c, now);  // the failed cycle is over; go on with the next one
  }

  // The cycle on `c` is over: closed loop starts the next at once; paced starts it when it is
  // due, or at once if it is already late (one cycle in flight per connection, as one expert).
  void Next(Conn& c, Clock::time_point now) {
    if (period_ == Clock::duration::zero()) {
      c.due = now;
      return Begin(c);
    }
    c.due += period_;
    if (c.due <= now) return Begin(c);
    waiting_.emplace(c.due, &c);
  }

  void Begin(Conn& c) {
    c.submitting = false;
    c.sent = Clock::now();
    if (mode_ == Mode::kHealth) {
      Send(c, "GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n");
      return;
    }
    Send(c, "POST /api/v1/projects/" + setup_.project_id + "/leases HTTP/1.1\r\nHost: bench\r\n" + c.auth +
                "Content-Length: 0\r\n\r\n");
  }

  void Send(Conn& c, std::string request) {
    c.out = std::move(request);
    c.out_done = 0;
    Flush(c);
  }

  void Flush(Conn& c) {
    while (c.out_done < c.out.size()) {
      ssize_t w = send(c.fd, c.out.data() + c.out_done, c.out.size() - c.out_done, MSG_NOSIGNAL);
      if (w < 0 && (errno == EAGAIN || errno == EINTR || errno == ENOTCONN)) break;
      if (w <= 0) Die("send failed: " + std::string(std::strerror(errno)));
      c.out_done += static_cast<size_t>(w);
    }
    epoll_event ev{};
    ev.events = c.out_done < c.out.size() ? EPOLLIN | EPOLLOUT : EPOLLIN;
    ev.data.ptr = &c;
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void Readable(Conn& c, Clock::time_point until) {
    char buf[16384];
    for (;;) {
      ssize_t r = recv(c.fd, buf, sizeof buf, 0);
      if (r > 0) {
        c.in.append(buf, static_cast<size_t>(r));
        continue;
      }
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
      if (Clock::now() < until) Die("the server closed a connection");
      return;
    }
    for (;;) {
      size_t head_end = c.in.find("\r\n\r\n");
      if (head_end == std::string::npos) return;
      int status = std::atoi(c.in.c_str() + 9);
      size_t cl = c.in.find("Content-Length: ");
      if (cl == std::string::npos || cl > head_end) cl = c.in.find("content-length: ");
      size_t length = cl != std::string::npos && cl < head_end ? std::strtoul(c.in.c_str() + cl + 16, nullptr, 10) : 0;
      if (c.in.size() < head_end + 4 + length) return;
      std::string body = c.in.substr(head_end + 4, length);
      c.in.erase(0, head_end + 4 + length);
      Response(c, status, body);
    }
  }

  void Done(Conn& c, Clock::time_point now) {
    result_.latency_ms.push_back(std::chrono::duration<float, std::milli>(now - c.due).count());
    result_.service_ms.push_back(std::chrono::duration<float, std::milli>(now - c.sent).count());
  }

  void Response(Conn& c, int status, const std::string& body) {
    const auto now = Clock::now();
    if (mode_ == Mode::kHealth) {
      if (status != 200) return Error(c, "healthz " + std::to_string(status), now);
      Done(c, now);
      return Next(c, now);
    }
    if (!c.submitting) {
      if (status != 200) return Error(c, "lease " + std::to_string(status) + " " + body.substr(0, 80), now);
      const std::string assignment = JsonField(body, "assignment_id");
      c.lease_token = JsonField(body, "lease_token");
      c.submitting = true;
      const int64_t n = c.n++;
      const std::string payload = "{\"lease_token\":\"" + c.lease_token + "\",\"client_submission_id\":\"k" +
                                  std::to_string(n) + "\",\"answer\":{\"c\":\"x\"},\"active_ms\":10}";
      Send(c, "POST /api/v1/assignments/" + assignment + "/submit HTTP/1.1\r\nHost: bench\r\n" + c.auth +
                  "Content-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) + "\r\n\r\n" +
                  payload);
      return;
    }
    if (status != 201) return Error(c, "submit " + std::to_string(status) + " " + body.substr(0, 80), now);
    Done(c, now);
    result_.acknowledged.emplace_back(c.index, c.n - 1);
    Next(c, now);
  }

  Mode mode_;
  uint16_t port_;
  const Setup& setup_;
  std::vector<int> experts_;
  Clock::duration period_;
  std::vector<std::unique_ptr<Conn>> conns_;
  // Paced connections between cycles, earliest due first.
  using Due = std::pair<Clock::time_point, Conn*>;
  struct LaterFirst {
    bool operator()(const Due& a, const Due& b) const { return a.first > b.first; }
  };
  std::priority_queue<Due, std::vector<Due>, LaterFirst> waiting_;
  int ep_ = -1;
  int timer_ = -1;
  Clock::time_point armed_{};
  ThreadResult result_;
};

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
};

Percentiles Summarize(std::vector<float>& ms) {
  Percentiles p;
  if (ms.empty()) return p;
  std::sort(ms.begin(), ms.end());
  p.p50 = ms[ms.size() / 2];
  p.p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  p.max = ms.back();
  return p;
}

struct LoadResult {
  double per_second = 0;
  Percentiles latency;  // from when each cycle was due
  Percentiles service;  // from when each cycle was sent
  int64_t completed = 0;
  int64_t errors = 0;
  std::map<std::string, int64_t> error_kinds;
  std::set<std::pair<int, int64_t>> acknowledged;
};

// `rate` is the cycles/s offered across all experts; 0 runs closed loop.
LoadResult RunLoad(Mode mode, const Flags& flags, uint16_t port, const Setup& setup, int experts, double seconds,
                   double rate) {
  const int threads = std::max(1, std::min(flags.client_threads, experts));
  std::vector<std::vector<int>> split(static_cast<size_t>(threads));
  for (int e = 0; e < experts; ++e) split[static_cast<size_t>(e % threads)].push_back(e);
  // Everyone connects first, then the clock starts at once for all threads.
  const auto start = Clock::now() + std::chrono::milliseconds(300 + experts);
  const auto until = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const Clock::duration period =
      rate > 0 ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(experts / rate))
               : Clock::duration::zero();
  std::vector<ThreadResult> results(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      LoadThread lt(mode, port, setup, split[static_cast<size_t>(t)], period);
      results[static_cast<size_t>(t)] = lt.Run(start, until);
    });
  }
  for (auto& th : pool) th.join();
  LoadResult out;
  std::vector<float> lat, service;
  for (auto& r : results) {
    lat.insert(lat.end(), r.latency_ms.begin(), r.latency_ms.end());
    service.insert(service.end(), r.service_ms.begin(), r.service_ms.end());
    out.errors += r.errors;
    for (auto& [k, v] : r.error_kinds) out.error_kinds[k] += v;
    for (auto& a : r.acknowledged) {
      if (!out.acknowledged.insert(a).second) Die("a cycle was acknowledged twice");
    }
  }
  out.completed = static_cast<int64_t>(lat.size());
  out.per_second = static_cast<double>(lat.size()) / seconds;
  out.latency = Summarize(lat);
  out.service = Summarize(service);
  return out;
}

// ---- the check: the export holds exactly the acknowledged submissions ------------------------

struct ExportCheck {
  int64_t submissions = 0, lost = 0, duplicated = 0, unacknowledged = 0;
};

ExportCheck CheckExport(const std::string& db_path, const Setup& setup, const std::set<std::pair<int, int64_t>>& acked) {
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, 1);
  auto db = Check(storage::OpenSqlite(db_path, {}), "reopen");
  work::Service svc(*db, clock, ids);
  std::map<std::string, int> expert_of;
  for (size_t i = 0; i < setup.user_ids.size(); ++i) expert_of[setup.user_ids[i]] = static_cast<int>(i);
  std::set<std::pair<int, int64_t>> seen;
  ExportCheck r;
  base::Status st = svc.ExportJsonl(work::Caller::System(), setup.project_id, [&](std::string_view line) -> base::Status {
    auto item = nlohmann::json::parse(line);
    const auto& subs = item["submissions"];
    if (subs.size() > 1) r.duplicated += static_cast<int64_t>(subs.size()) - 1;  // overlap is 1
    for (const auto& s : subs) {
      ++r.submissions;
      const std::string csid = s["client_submission_id"];
      std::pair<int, int64_t> key{expert_of.at(s["expert_id"]), std::stoll(csid.substr(1))};
      if (!seen.insert(key).second) ++r.duplicated;
      if (!acked.count(key)) ++r.unacknowledged;
    }
    return base::Ok();
  });
  if (!st) Die("export: " + st.error().ToString());
  for (const auto& a : acked) r.lost += !seen.count(a);
  return r;
}

// CPU seconds (user + system) a process has used so far.
double ProcessCpuSeconds(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return 0;
  char buf[2048] = {0};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  std::string s(buf, n);
  size_t close_paren = s.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::stringstream ss(s.substr(close_paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && ss >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string LoadAverage() {
  FILE* f = std::fopen("/proc/loadavg", "r");
  char buf[128] = {0};
  if (f) {
    if (!std::fgets(buf, sizeof buf, f)) buf[0] = 0;
    std::fclose(f);
  }
  std::string s(buf);
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--experts") {
      f.experts.clear();
      std::stringstream ss(value());
      for (std::string part; std::getline(ss, part, ',');) f.experts.push_back(std::stoi(part));
    } else if (a == "--seconds") {
      f.seconds = std::stod(value());
    } else if (a == "--health-seconds") {
      f.health_seconds = std::stod(value());
    } else if (a == "--rate") {
      f.rate = std::stod(value());
      if (!(f.rate >= 0)) Die("--rate must be a number of cycles/s >= 0");
    } else if (a == "--compare-requirement") {
      f.compare_requirement = true;
    } else if (a == "--pairs") {
      f.pairs = std::max(1, std::stoi(value()));
    } else if (a == "--client-threads") {
      f.client_threads = std::stoi(value());
    } else if (a == "--assay") {
      f.assay = value();
    } else if (a == "--dir") {
      f.dir = value();
    } else if (a == "--server-arg") {
      f.server_args.push_back(value());
    } else {
      std::printf(
          "usage: work_loop_bench [--experts 16,256,1000] [--seconds 20] [--health-seconds 5]\n"
          "       [--rate CYCLES_PER_S] [--client-threads 1] [--assay PATH] [--dir TMPDIR] [--server-arg ARG]...\n"
          "       [--compare-requirement]\n"
          "  --compare-requirement  run each count twice, the second time with one requirement on the\n"
          "            project (every expert holds it), and print the ratio\n"
          "  --pairs N  with --compare-requirement: N alternating runs without / with (drift on a shared\n"
          "            machine falls on both alike), then the medians of each and their ratio\n"
          "  --rate R  offer R cycles/s in total on a fixed schedule (open loop) and measure latency from\n"
          "            when each cycle was due; 0 (default) runs closed loop\n");
      std::exit(a == "--help" || a == "-h" ? 0 : 2);
    }
  }
  return f;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  signal(SIGPIPE, SIG_IGN);
  const int most = *std::max_element(flags.experts.begin(), flags.experts.end());
  RaiseFdLimit(static_cast<size_t>(2 * most + 256));  // the server (a child) inherits it
  namespace fs = std::filesystem;
  const fs::path dir = flags.dir.empty() ? fs::temp_directory_path() / ("assay_work_loop_" + std::to_string(getpid()))
                                         : fs::path(flags.dir);
  fs::create_directories(dir);
  std::printf("work_loop_bench: %g s per run, server %s, data in %s\n", flags.seconds, flags.assay.c_str(), dir.c_str());
  const double raw = Check(storage::MeasureRawCommitsPerSecond((dir / "raw.db").string(), 2000), "raw commits");
  std::printf("reference: raw durable SQLite insert+commit (one row, synchronous=FULL, same disk): %.0f commits/s\n", raw);
  const bool paced = flags.rate > 0;
  if (paced) {
    std::printf("mode: paced, %.0f cycles/s offered across the experts (open loop); latency from when each cycle\n"
                "      was due (coordinated omission corrected), svc from when it was sent\n",
                flags.rate);
    std::printf("%7s %10s %10s %8s %8s %8s %8s %8s %7s %6s %6s %7s %12s %9s  %s\n", "experts", "offered/s", "cycles/s",
                "p50 ms", "p99 ms", "max ms", "svc p50", "svc p99", "errors", "lost", "dup", "unacked", "healthz/s",
                "x raw", "load (1/5/15 min)");
  } else {
    std::printf("mode: closed loop, each expert starts its next cycle when the last is answered (--rate R to pace)\n");
    std::printf("%7s %10s %8s %8s %8s %7s %6s %6s %7s %12s %9s  %s\n", "experts", "cycles/s", "p50 ms", "p99 ms",
                "max ms", "errors", "lost", "dup", "unacked", "healthz/s", "x raw", "load (1/5/15 min)");
  }
  int failed = 0;
  for (int experts : flags.experts) {
   double plain_rate = 0;
   std::vector<bool> runs{false};
   if (flags.compare_requirement) {
     runs.clear();
     for (int i = 0; i < flags.pairs; ++i) runs.insert(runs.end(), {false, true});
   }
   // Per variant (0: without, 1: with the requirement): cycles/s and server CPU per cycle.
   std::vector<double> rates[2], cpus[2];
   for (bool requirement : runs) {
    const fs::path db_path = dir / ("c" + std::to_string(experts) + (requirement ? "r" : "") + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_path.string() + suffix);
    // Enough items that nobody runs dry: 20k cycles/s is beyond this machine.
    const int64_t items = static_cast<int64_t>(20000 * flags.seconds) + 10 * experts;
    Setup setup = Prepare(db_path.string(), experts, items, requirement);
    test::ServeProcess server = StartServer(flags, db_path.string(), (dir / ("serve_c" + std::to_string(experts) + ".log")).string());
    const double server_cpu0 = ProcessCpuSeconds(server.pid), client_cpu0 = ProcessCpuSeconds(getpid());
    LoadResult loop = RunLoad(Mode::kWorkLoop, flags, server.port, setup, experts, flags.seconds, flags.rate);
    const double server_cpu = ProcessCpuSeconds(server.pid) - server_cpu0;
    const double client_cpu = ProcessCpuSeconds(getpid()) - client_cpu0;
    const std::string load = LoadAverage();
    // The reference stays closed loop: it measures how many requests/s the server can answer.
    LoadResult health = RunLoad(Mode::kHealth, flags, server.port, setup, experts, flags.health_seconds, 0);
    StopServer(server);
    ExportCheck check = CheckExport(db_path.string(), setup, loop.acknowledged);
    std::printf("%6d%s ", experts, requirement ? "r" : " ");
    if (paced) std::printf("%10.0f ", flags.rate);
    std::printf("%10.0f %8.1f %8.1f %8.1f ", loop.per_second, loop.latency.p50, loop.latency.p99, loop.latency.max);
    if (paced) std::printf("%8.1f %8.1f ", loop.service.p50, loop.service.p99);
    std::printf("%7lld %6lld %6lld %7lld %12.0f %9.2f  %s\n", static_cast<long long>(loop.errors),
                static_cast<long long>(check.lost), static_cast<long long>(check.duplicated),
                static_cast<long long>(check.unacknowledged), health.per_second, loop.per_second / raw, load.c_str());
    if (paced && loop.per_second < 0.95 * flags.rate) {
      std::printf("        NOT KEEPING UP: achieved %.0f of %.0f offered cycles/s (%.0f %%); the server (or this machine) is\n"
                  "        saturated at this rate, so its latencies grow with the run length and mean only that\n",
                  loop.per_second, flags.rate, 100 * loop.per_second / flags.rate);
    }
    rates[requirement].push_back(loop.per_second);
    if (loop.completed > 0) cpus[requirement].push_back(1e6 * server_cpu / static_cast<double>(loop.completed));
    if (loop.completed > 0) {
      std::printf("        CPU per cycle: server %.0f us, load generator %.0f us\n", 1e6 * server_cpu / static_cast<double>(loop.completed),
                  1e6 * client_cpu / static_cast<double>(loop.completed));
    }
    for (const auto& [kind, n] : loop.error_kinds) std::printf("        error x%lld: %s\n", static_cast<long long>(n), kind.c_str());
    for (const auto& [kind, n] : health.error_kinds) std::printf("        healthz error x%lld: %s\n", static_cast<long long>(n), kind.c_str());
    // unacked: committed submissions whose answer was still on the way when the clock stopped.
    if (check.lost || check.duplicated || loop.errors || check.unacknowledged > experts) ++failed;
    if (!requirement) plain_rate = loop.per_second;
    if (requirement && plain_rate > 0) {
      std::printf("        with one requirement: %.0f cycles/s = %.1f %% of the same run without (goal: >= 85 %%)\n",
                  loop.per_second, 100 * loop.per_second / plain_rate);
    }
    std::fflush(stdout);
   }
   if (flags.compare_requirement && flags.pairs > 1 && !cpus[0].empty() && !cpus[1].empty()) {
     const double r0 = Median(rates[0]), r1 = Median(rates[1]), c0 = Median(cpus[0]), c1 = Median(cpus[1]);
     std::printf("%6d  medians of %d alternating pairs: %.0f cycles/s without, %.0f with one requirement = %.1f %%"
                 " (goal: >= 85 %%); server CPU per cycle %.0f us without, %.0f us with (+%.1f %%)\n",
                 experts, flags.pairs, r0, r1, 100 * r1 / r0, c0, c1, 100 * (c1 / c0 - 1));
     std::fflush(stdout);
   }
  }
  if (flags.dir.empty()) fs::remove_all(dir);
  return failed ? 1 : 0;
}

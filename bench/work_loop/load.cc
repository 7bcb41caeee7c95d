// The work loop's load generator (load.h): setup straight into the database, C simulated experts
// on non-blocking keep-alive HTTP/1.1 connections on epoll, and the check of the export.
#include "load.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <queue>
#include <random>
#include <sstream>
#include <thread>

#include "accounts/service.h"
#include "base/clock.h"
#include "base/uuid7.h"
#include "people/service.h"
#include "storage/migrations.h"
#include "storage/open.h"
#include "work/service.h"

namespace work_loop {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
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

Setup Prepare(const std::string& db_url, int experts, int64_t items, bool requirement) {
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, static_cast<uint64_t>(clock.NowMicros()));
  storage::SqliteOptions fast;
  fast.synchronous_full = false;  // setup only (SQLite); the server opens the file with FULL
  auto db = Check(storage::OpenAndMigrate(db_url, clock, fast), "open");
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
namespace {

// ---- the load generator: non-blocking keep-alive HTTP/1.1 connections on epoll --------------

std::string JsonField(std::string_view body, std::string_view name) {
  std::string key = "\"" + std::string(name) + "\":\"";
  size_t at = body.find(key);
  if (at == std::string_view::npos) return {};
  at += key.size();
  size_t end = body.find('"', at);
  return end == std::string_view::npos ? std::string() : std::string(body.substr(at, end - at));
}

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

Percentiles Summarize(std::vector<float>& ms) {
  Percentiles p;
  if (ms.empty()) return p;
  std::sort(ms.begin(), ms.end());
  p.p50 = ms[ms.size() / 2];
  p.p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  p.max = ms.back();
  return p;
}

}  // namespace

LoadResult RunLoad(Mode mode, int client_threads, uint16_t port, const Setup& setup, int experts, double seconds,
                   double rate) {
  const int threads = std::max(1, std::min(client_threads, experts));
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

ExportCheck CheckExport(const std::string& db_url, const Setup& setup, const std::set<std::pair<int, int64_t>>& acked) {
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, 1);
  auto db = Check(storage::OpenDb(db_url), "reopen");
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
}  // namespace work_loop

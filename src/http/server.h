// http::Server — the HTTP/1.1 server (Boost.Beast). Keep-alive, header and body limits,
// admission when the headers are in (Handler::Admit: the handler refuses a request — unknown
// route, no credentials, wrong content type — or says how much body it may bring, before any of
// the body is read), caps on connections and on body bytes in flight per client address and in
// all, read and idle timeouts, X-Request-Id, an access log, HEAD, 100-continue, streamed
// (chunked) responses, and graceful shutdown: Stop() closes the listener, lets in-flight
// requests finish, closes idle connections, and returns when all are done.
//
// Handlers run on a worker pool, not on the I/O threads, so a handler may block (e.g. on a
// database commit) without stalling other connections — unless the handler takes a request
// asynchronously (Handler::HandleAsync): then it runs on the I/O thread and answers later, with
// no worker parked on the wait and no hand-off to and from the pool.
//
//   http::Server server(options, handler, logger);
//   ASSAY_ASSIGN_OR_RETURN(uint16_t port, server.Start());   // port 0 → ephemeral
//   server.Wait();                                           // until Stop()
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/log.h"
#include "base/result.h"
#include "http/caps.h"
#include "http/rate_limit.h"
#include "http/message.h"

namespace http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;              // 0: an ephemeral port, see Server::Start()
  int io_threads = 2;
  // Blocking handlers in flight at once. A handler waiting for a group commit holds its worker,
  // so this also caps how many writes one COMMIT can carry: keep it above the connections that
  // submit at once (bench/work_loop: 64 workers halved the cycles/s of 256 experts).
  int worker_threads = 1024;
  size_t header_limit_bytes = 16 * 1024;
  int64_t read_timeout_ms = 30'000;  // to read one request once it has started
  int64_t idle_timeout_ms = 75'000;  // a keep-alive connection with no request
  int64_t shutdown_grace_ms = 10'000;
  // Connections and request body bytes clients may hold at once (http/caps.h). The
  // per-address connection cap is not applied with trust_proxy, where every connection comes
  // from the proxy (which is then the place to cap clients); body bytes count by the
  // forwarded address.
  CapLimits caps;
  // Behind a reverse proxy: believe X-Forwarded-Proto: https (Request::secure) and take the
  // client address from X-Forwarded-For (its right-most entry, the one the proxy in front
  // added). Without it both headers are ignored: Request::remote_address is the socket peer.
  bool trust_proxy = false;
  bool access_log = true;             // one JSON line per request at info level
  // Requests per second per client address and per credential (http/rate_limit.h), counted
  // when the headers are in, before anything else; past it 429 with Retry-After. Off at 0.
  RateLimits rate_limits;
};

// What a handler decides about a request from its headers alone (Handler::Admit).
struct Admission {
  // Set: the answer, sent at once. A body the request announced is not read; the connection
  // closes after the answer.
  std::optional<Response> refusal;
  // Otherwise: the most body bytes the request may bring (more: 413, unread).
  size_t body_limit_bytes = 0;
  // Deciding needs a step that may block (a database read where reads block). When a body is
  // still to arrive the server calls Admit again on a worker, with may_block, before reading
  // it; otherwise it leaves the step to Handle, which runs on a worker anyway (and HandleAsync
  // must decline such a request).
  bool blocking_step_left = false;

  static Admission Refuse(Response answer) {
    Admission a;
    a.refusal = std::move(answer);
    return a;
  }
  static Admission Accept(size_t body_limit_bytes, bool blocking_step_left = false) {
    Admission a;
    a.body_limit_bytes = body_limit_bytes;
    a.blocking_step_left = blocking_step_left;
    return a;
  }
};

// Answers a request that Handler::HandleAsync took: Send() once, from any thread. make runs on
// the connection's I/O thread and builds the response there, so the thread that finished the
// work (e.g. a database writer) only hands it over. Send() passes on the Reply's hold on the
// connection (the Reply is empty afterwards), so nothing but the answer keeps a connection
// alive — in particular not past the server.
class Reply {
 public:
  class Target {
   public:
    virtual ~Target() = default;
    // self is the hold on *this, passed on with the answer.
    virtual void Send(std::function<Response()> make, std::shared_ptr<Target> self) = 0;
  };
  explicit Reply(std::shared_ptr<Target> target) : target_(std::move(target)) {}
  void Send(std::function<Response()> make) {
    Target* target = target_.get();
    target->Send(std::move(make), std::move(target_));
  }

 private:
  std::shared_ptr<Target> target_;
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Decides on a request once its headers are in, before any of its body is read (head.body is
  // empty): refuse it now, or say how much body it may bring. Called on the I/O thread with
  // may_block false, where it must not block; again on a worker with may_block true if it asked
  // (Admission::blocking_step_left). What it found (the route, the caller) it may keep in
  // head.admission, which Handle and HandleAsync then receive, so nothing is looked up twice.
  virtual Admission Admit(Request& head, bool may_block) = 0;
  // Produces the response; never throws. Called on a worker thread.
  virtual Response Handle(Request& request) = 0;
  // Called first, on the I/O thread that read the request: a handler that can answer without
  // blocking takes the request and returns true, answering through reply (moved away to keep;
  // later, from any thread); the request stays valid until then. false (the default): Handle()
  // runs on a worker. It must not block — it holds up every connection of its I/O thread.
  virtual bool HandleAsync(Request& /*request*/, Reply& /*reply*/) { return false; }
  // Renders an error produced by the server itself (bad request line, body too large, …).
  virtual Response ErrorResponse(const base::Error& error, const Request& request) = 0;
};

class Server {
 public:
  Server(ServerOptions options, Handler& handler, base::Logger logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving; returns the bound port.
  base::Result<uint16_t> Start();
  // Asks the server to stop: no new connections, idle keep-alive connections closed, requests
  // in flight finish (answered with Connection: close). Returns at once; safe from any thread,
  // from a handler, and more than once.
  void Stop();
  // Blocks until a stop was asked and every in-flight request has finished (or
  // shutdown_grace_ms passed), then stops the threads. Call from the thread that called Start().
  void Wait();
  // Stops when the process receives SIGTERM or SIGINT (call before Wait()).
  void StopOnSignals();

  class Impl;  // public so the connection type in server.cc can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace http

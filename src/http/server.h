// http::Server — the HTTP/1.1 server (Boost.Beast). Keep-alive, header and body limits (the
// body limit is asked per request from the handler once the headers are in, so an import route
// can take more than the 1 MiB default), read and idle timeouts, X-Request-Id, an access log,
// streamed (chunked) responses, and graceful shutdown: Stop() closes the listener, lets
// in-flight requests finish, closes idle connections, and returns when all are done.
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
#include <string>
#include <string_view>

#include "base/log.h"
#include "base/result.h"
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
  bool trust_forwarded_proto = false;  // honour X-Forwarded-Proto: https (behind a proxy)
  bool access_log = true;             // one JSON line per request at info level
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
  // Largest body accepted for this method and path (decided after the headers are read).
  virtual size_t BodyLimitBytes(std::string_view method, std::string_view path) const = 0;
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

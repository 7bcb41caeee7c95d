#include "http/server.h"

// Asio under C++20 with Boost 1.74 needs <utility> first.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/rng.h"

namespace http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class Session;

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler& handler, base::Logger logger)
      : opt(std::move(options)),
        handler(handler),
        log(std::move(logger)),
        acceptor(ioc),
        signals(ioc),
        workers(static_cast<size_t>(std::max(1, opt.worker_threads))),
        request_id_prefix(base::SecureRandomHex(4)) {}

  base::Result<uint16_t> Start();
  void Accept();
  void Stop();
  void Wait();

  void Register(Session* s, std::weak_ptr<Session> w);
  void Unregister(Session* s);
  void RequestStarted();
  void RequestFinished();
  void ReplyOwed();
  void ReplyGiven();
  std::string NextRequestId() {
    return request_id_prefix + "-" + std::to_string(request_seq.fetch_add(1) + 1);
  }

  ServerOptions opt;
  Handler& handler;
  base::Logger log;
  base::SystemClock clock;
  net::io_context ioc;
  // Keeps ioc.run() going while a handler runs on the worker pool: then no asynchronous
  // operation is pending, and without the guard the I/O threads would return before the
  // response is written.
  net::executor_work_guard<net::io_context::executor_type> keep_running{ioc.get_executor()};
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::thread_pool workers;
  std::vector<std::thread> io_threads;
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> request_seq{0};
  std::string request_id_prefix;

  std::mutex mu;
  std::condition_variable cv;
  // Changed without mu: only Wait() (after a stop) waits for it to reach 0, so a finishing
  // request wakes the waiting thread only then, not on every request (a futex wake-up and a
  // context switch per request). Sequentially consistent with `stopping`: either the finisher
  // sees the stop and notifies, or Wait() sees the count already dropped.
  std::atomic<int> in_flight{0};
  // Requests a handler took with HandleAsync whose answer is not written yet. Like a handler
  // blocked on a worker (joined below), the server waits for them past the grace period: their
  // answer comes from another thread (a database writer) that would otherwise post to a
  // destroyed context, and the I/O threads still run to write it.
  std::atomic<int> replies_owed{0};
  bool started = false;                                          // guarded by mu
  bool joined = false;                                           // guarded by mu
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // guarded by mu
};

namespace {

bool ValidClientRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace

// One connection. All members are touched only on the connection's strand, except while a
// handler runs on a worker thread: then no asynchronous operation is pending on the stream.
class Session : public std::enable_shared_from_this<Session>, public Reply::Target {
 public:
  Session(Server::Impl& server, tcp::socket&& socket)
      : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  ~Session() {
    if (owes_reply_) server_.ReplyGiven();  // a Reply dropped unanswered: nothing to wait for
    server_.Unregister(this);
  }

  void Start() {
    server_.Register(this, weak_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Called on the strand during shutdown: drop the connection if it waits for a new request.
  void CloseIfIdle() {
    if (idle_) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.close();
    }
  }

  net::any_io_executor Executor() { return stream_.get_executor(); }

 private:
  void ReadHeader() {
    if (server_.stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.opt.header_limit_bytes));
    // Beast checks Content-Length against the body limit while parsing the header; the real
    // limit depends on the route, so it is applied once the header is in (OnHeader).
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    idle_ = true;
    stream_.expires_after(std::chrono::milliseconds(server_.opt.idle_timeout_ms));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    idle_ = false;
    if (ec) return OnReadError(ec);
    started_us_ = server_.clock.NowMicros();
    server_.RequestStarted();
    in_request_ = true;
    auto& msg = parser_->get();
    std::string_view target(msg.target().data(), msg.target().size());
    std::string path = PercentDecode(target.substr(0, target.find('?')), false);
    body_limit_bytes_ = server_.handler.BodyLimitBytes(
        std::string_view(msg.method_string().data(), msg.method_string().size()), path);
    if (parser_->content_length() && *parser_->content_length() > body_limit_bytes_) {
      return OnReadError(bhttp::error::body_limit);
    }
    parser_->body_limit(body_limit_bytes_);
    stream_.expires_after(std::chrono::milliseconds(server_.opt.read_timeout_ms));
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return Fail(base::Error(base::ErrorCode::kPayloadTooLarge, "request headers too large")
                      .Detail("limit_bytes", static_cast<int64_t>(server_.opt.header_limit_bytes)),
                  431);
    }
    if (ec == bhttp::error::body_limit) {
      return Fail(base::Error(base::ErrorCode::kPayloadTooLarge, "request body too large")
                      .Detail("limit_bytes", static_cast<int64_t>(body_limit_bytes_)),
                  413);
    }
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::bad_descriptor) {
      return Close();
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
      return Fail(base::Error::Invalid("malformed HTTP request").Detail("reason", ec.message()), 400);
    }
    Close();
  }

  // Answers an error found by the server itself, then closes the connection.
  void Fail(const base::Error& error, int status) {
    Request req;
    req.request_id = server_.NextRequestId();
    if (parser_ && parser_->is_header_done()) {
      auto& msg = parser_->get();
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
    }
    Response res = server_.handler.ErrorResponse(error, req);
    res.status = status;
    if (!in_request_) {
      server_.RequestStarted();
      in_request_ = true;
      started_us_ = server_.clock.NowMicros();
    }
    Write(std::move(res), std::move(req), /*keep_alive=*/false);
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    stream_.expires_never();
    auto msg = parser_->release();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    std::string_view target(req.target);
    size_t q = target.find('?');
    req.path = PercentDecode(target.substr(0, q), false);
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    req.headers.reserve(16);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.push_back({std::move(name), std::string(field.value())});
    }
    req.body = std::move(msg.body());
    req.remote_address = remote_;
    req.received_at_us = started_us_;
    std::string_view client_id = req.GetHeader("x-request-id");
    req.request_id = ValidClientRequestId(client_id) ? std::string(client_id) : server_.NextRequestId();
    req.secure = server_.opt.trust_forwarded_proto && req.GetHeader("x-forwarded-proto") == "https";
    const bool keep_alive = msg.keep_alive();
    async_request_ = std::move(req);
    async_keep_alive_ = keep_alive;
    bool taken = false;
    server_.ReplyOwed();
    try {
      Reply reply(shared_from_this());
      taken = server_.handler.HandleAsync(async_request_, reply);
    } catch (const std::exception& e) {
      server_.ReplyGiven();
      server_.log.Error("http.handler_threw", {{"request_id", async_request_.request_id}, {"error", e.what()}});
      return Write(server_.handler.ErrorResponse(base::Error::Internal("internal error"), async_request_),
                   std::move(async_request_), keep_alive);
    }
    if (taken) {
      owes_reply_ = true;  // until the answer is written (Finished)
      return;
    }
    server_.ReplyGiven();
    net::post(server_.workers, [self = shared_from_this(), req = std::move(async_request_), keep_alive]() mutable {
      self->RunHandler(std::move(req), keep_alive);
    });
  }

  // Reply::Target: the answer to the request HandleAsync took, from any thread.
  void Send(std::function<Response()> make, std::shared_ptr<Reply::Target> target) override {
    // The hold moves into the posted handler: once it has run, only the connection's own
    // operations keep it alive. Nothing here touches *this after the post; the server is kept
    // (its Wait() counts this post as owed) until net::post has returned on this thread.
    Server::Impl& server = server_;
    server.ReplyOwed();
    net::post(stream_.get_executor(), [self = std::static_pointer_cast<Session>(std::move(target)),
                                       make = std::move(make)] {
      Response res;
      try {
        res = make();
      } catch (const std::exception& e) {
        self->server_.log.Error("http.handler_threw",
                                {{"request_id", self->async_request_.request_id}, {"error", e.what()}});
        res = self->server_.handler.ErrorResponse(base::Error::Internal("internal error"), self->async_request_);
      }
      self->Write(std::move(res), std::move(self->async_request_), self->async_keep_alive_);
    });
    server.ReplyGiven();
  }

  // On a worker thread.
  void RunHandler(Request req, bool keep_alive) {
    Response res = server_.handler.Handle(req);
    if (res.stream) {
      bool ok = WriteStreamed(res, req);
      net::post(stream_.get_executor(), [self = shared_from_this(), status = res.status,
                                         req = std::move(req), keep_alive, ok]() mutable {
        self->Finished(req, status, keep_alive && ok);
      });
      return;
    }
    net::post(stream_.get_executor(), [self = shared_from_this(), res = std::move(res),
                                       req = std::move(req), keep_alive]() mutable {
      self->Write(std::move(res), std::move(req), keep_alive);
    });
  }

  template <typename Message>
  void FillHeaders(Message& msg, const Response& res, const Request& req) {
    for (const Header& h : res.headers) msg.set(h.name, h.value);
    if (!req.request_id.empty()) msg.set("X-Request-Id", req.request_id);
  }

  // On a worker thread, with no asynchronous operation pending on the stream. Returns whether
  // the whole body was sent.
  bool WriteStreamed(Response& res, const Request& req) {
    bhttp::response<bhttp::empty_body> msg{static_cast<bhttp::status>(res.status), 11};
    FillHeaders(msg, res, req);
    msg.chunked(true);
    msg.keep_alive(!server_.stopping);
    beast::error_code ec;
    bhttp::response_serializer<bhttp::empty_body> sr{msg};
    bhttp::write_header(stream_.socket(), sr, ec);
    if (ec) return false;
    bool client_ok = true;
    base::Status produced = res.stream([&](std::string_view chunk) {
      if (!client_ok || chunk.empty()) return client_ok;
      net::write(stream_.socket(), bhttp::make_chunk(net::const_buffer(chunk.data(), chunk.size())), ec);
      client_ok = !ec;
      return client_ok;
    });
    if (!produced) {
      server_.log.Error("http.stream_failed", {{"request_id", req.request_id},
                                               {"error", produced.error().ToString()}});
      return false;  // an incomplete chunked body tells the client something went wrong
    }
    if (!client_ok) return false;
    net::write(stream_.socket(), bhttp::make_chunk_last(), ec);
    return !ec;
  }

  void Write(Response res, Request req, bool keep_alive) {
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(res.status), 11);
    FillHeaders(*msg, res, req);
    msg->body() = std::move(res.body);
    msg->keep_alive(keep_alive && !server_.stopping);
    msg->prepare_payload();
    stream_.expires_after(std::chrono::milliseconds(server_.opt.read_timeout_ms));
    const int status = res.status;
    bhttp::async_write(stream_, *msg,
                       [self = shared_from_this(), msg, req = std::move(req), status](
                           beast::error_code ec, size_t) mutable {
                         self->Finished(req, status, !ec && msg->keep_alive());
                       });
  }

  void Finished(const Request& req, int status, bool keep_alive) {
    if (owes_reply_) {
      owes_reply_ = false;
      server_.ReplyGiven();
    }
    if (server_.opt.access_log && server_.log.Enabled(base::LogLevel::kInfo)) {
      const std::string ms = std::to_string(
          static_cast<double>(server_.clock.NowMicros() - started_us_) / 1000.0);
      const std::string st = std::to_string(status);
      server_.log.Info("http.access", {{"request_id", req.request_id},
                                       {"method", req.method},
                                       {"target", req.target},
                                       {"status", st, true},
                                       {"duration_ms", ms, true},
                                       {"remote", remote_}});
    }
    if (in_request_) {
      in_request_ = false;
      server_.RequestFinished();
    }
    if (!keep_alive) return Close();
    ReadHeader();
  }

  void Close() {
    if (in_request_) {
      in_request_ = false;
      server_.RequestFinished();
    }
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  Server::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request async_request_;  // the request HandleAsync holds, until its reply is written
  bool async_keep_alive_ = false;
  bool owes_reply_ = false;  // counted in Impl::replies_owed
  std::string remote_;
  int64_t started_us_ = 0;
  size_t body_limit_bytes_ = 0;
  bool idle_ = false;
  bool in_request_ = false;
};

base::Result<uint16_t> Server::Impl::Start() {
  beast::error_code ec;
  auto address = net::ip::make_address(opt.address, ec);
  if (ec) return base::Error::Invalid("bad listen address").Detail("address", opt.address);
  tcp::endpoint endpoint{address, opt.port};
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return base::Error(base::ErrorCode::kUnavailable, "cannot listen")
        .Detail("address", opt.address)
        .Detail("port", static_cast<int64_t>(opt.port))
        .Detail("reason", ec.message());
  }
  const uint16_t port = acceptor.local_endpoint().port();
  Accept();
  {
    std::lock_guard<std::mutex> lock(mu);
    started = true;
  }
  for (int i = 0; i < std::max(1, opt.io_threads); ++i) {
    io_threads.emplace_back([this] { ioc.run(); });
  }
  return port;
}

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      log.Warn("http.accept_failed", {{"error", ec.message()}});
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(*this, std::move(socket))->Start();
    }
    if (!stopping) Accept();
  });
}

void Server::Impl::Register(Session* s, std::weak_ptr<Session> w) {
  std::lock_guard<std::mutex> lock(mu);
  sessions.emplace(s, std::move(w));
}

void Server::Impl::Unregister(Session* s) {
  std::lock_guard<std::mutex> lock(mu);
  sessions.erase(s);
  cv.notify_all();
}

void Server::Impl::RequestStarted() { in_flight.fetch_add(1); }

void Server::Impl::ReplyOwed() { replies_owed.fetch_add(1); }

void Server::Impl::ReplyGiven() {
  if (replies_owed.fetch_sub(1) == 1 && stopping.load()) {
    std::lock_guard<std::mutex> lock(mu);
    cv.notify_all();
  }
}

void Server::Impl::RequestFinished() {
  if (in_flight.fetch_sub(1) == 1 && stopping.load()) {
    std::lock_guard<std::mutex> lock(mu);  // Wait() is either before its check or asleep
    cv.notify_all();
  }
}

void Server::Impl::Stop() {
  if (stopping.exchange(true)) return;
  net::post(ioc, [this] {
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (auto& [ptr, weak] : sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
      cv.notify_all();
    }
    for (auto& s : live) net::post(s->Executor(), [s] { s->CloseIfIdle(); });
  });
  std::lock_guard<std::mutex> lock(mu);
  cv.notify_all();
}

void Server::Impl::Wait() {
  std::unique_lock<std::mutex> lock(mu);
  if (!started || joined) return;
  cv.wait(lock, [this] { return stopping.load(); });
  // Finish what is in flight, within the grace period.
  cv.wait_for(lock, std::chrono::milliseconds(opt.shutdown_grace_ms),
              [this] { return in_flight.load() == 0; });
  if (const int n = in_flight.load()) {
    log.Warn("http.shutdown_grace_exceeded", {{"in_flight", std::to_string(n), true}});
  }
  joined = true;
  cv.wait(lock, [this] { return replies_owed.load() == 0; });
  lock.unlock();
  workers.join();
  keep_running.reset();
  ioc.stop();
  for (auto& t : io_threads) t.join();
  io_threads.clear();
  // The posted close in Stop() may not have run before ioc.stop(); the threads are gone now,
  // so close the listener here: nothing may connect to a stopped server.
  beast::error_code ec;
  acceptor.close(ec);
}

Server::Server(ServerOptions options, Handler& handler, base::Logger logger)
    : impl_(std::make_unique<Impl>(std::move(options), handler, std::move(logger))) {}

Server::~Server() {
  Stop();
  Wait();
}

base::Result<uint16_t> Server::Start() { return impl_->Start(); }
void Server::Stop() { impl_->Stop(); }
void Server::Wait() { impl_->Wait(); }

void Server::StopOnSignals() {
  impl_->signals.add(SIGINT);
  impl_->signals.add(SIGTERM);
  impl_->signals.async_wait([impl = impl_.get()](beast::error_code ec, int signo) {
    if (ec) return;
    impl->log.Info("http.shutdown", {{"signal", std::to_string(signo), true}});
    impl->Stop();
  });
}

}  // namespace http

#include "http/server.h"

// Asio under C++20 with Boost 1.74 needs <utility> first.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
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
#include "http/address.h"

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
        caps(CapsFor(opt)),
        rate(opt.rate_limits, clock),
        request_id_prefix(base::SecureRandomHex(4)) {}

  static CapLimits CapsFor(const ServerOptions& opt) {
    CapLimits limits = opt.caps;
    if (opt.trust_proxy) limits.max_connections_per_address = 0;  // all from the proxy
    return limits;
  }

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
  Caps caps;
  RateLimiter rate;
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

// Whether a path as sent holds a control byte, raw or percent-encoded ("%00", "%0A"): no
// route or file name has one, and a NUL would cut a file name short where it is used.
bool HasControlByte(std::string_view raw_path) {
  const std::string decoded = PercentDecode(raw_path, false);
  return std::any_of(decoded.begin(), decoded.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

int StatusOfCap(const base::Error& refusal) {
  return refusal.code() == base::ErrorCode::kUnavailable ? 503 : 429;
}

}  // namespace

// One connection. All members are touched only on the connection's strand, except while a
// handler (or a blocking admission) runs on a worker thread: then no asynchronous operation is
// pending on the stream.
class Session : public std::enable_shared_from_this<Session>, public Reply::Target {
 public:
  Session(Server::Impl& server, tcp::socket&& socket)
      : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      const std::string text = ep.address().to_string();
      peer_ = NormalizeAddress(text);
      if (peer_.empty()) peer_ = text;  // a scoped IPv6 address ("fe80::1%eth0") stays as it is
    }
    peer_key_ = AddressKey(peer_);
  }
  ~Session() {
    if (owes_reply_) server_.ReplyGiven();  // a Reply dropped unanswered: nothing to wait for
    ReleaseBody();
    if (connection_counted_) server_.caps.CloseConnection(peer_key_);
    server_.Unregister(this);
  }

  void Start() {
    server_.Register(this, weak_from_this());
    std::optional<base::Error> refused = server_.caps.OpenConnection(peer_key_);
    connection_counted_ = !refused;
    net::dispatch(stream_.get_executor(),
                  [self = shared_from_this(), refused = std::move(refused)] {
                    // Past a connection cap: answer before reading anything, and close at once
                    // (uncounted, it must not linger).
                    if (refused) return self->Fail(*refused, StatusOfCap(*refused), false);
                    self->ReadHeader();
                  });
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
    // limit depends on the route, so it is applied once the handler has admitted the request.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    head_read_ = false;
    idle_ = true;
    stream_.expires_after(std::chrono::milliseconds(server_.opt.idle_timeout_ms));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  // The headers are in: the handler admits the request or refuses it before any body is read.
  void OnHeader(beast::error_code ec, size_t) {
    idle_ = false;
    if (ec) return OnReadError(ec);
    started_us_ = server_.clock.NowMicros();
    server_.RequestStarted();
    in_request_ = true;
    ReadHead();
    if (HasControlByte(request_.path)) {
      return Fail(base::Error::Invalid("the path holds a control character"), 400);
    }
    if (std::optional<Response> limited = RateLimited()) {
      return Admitted(Admission::Refuse(std::move(*limited)));
    }
    std::optional<Admission> admission = CallAdmit(false);
    if (!admission) return Fail(base::Error::Internal("internal error"), 500);
    if (admission->blocking_step_left && BodyStillToArrive()) {
      // The rest of the decision may block: take it on a worker, then read the body (or not).
      net::post(server_.workers, [self = shared_from_this()] {
        std::optional<Admission> decided = self->CallAdmit(true);
        net::dispatch(self->stream_.get_executor(), [self, decided = std::move(decided)]() mutable {
          if (!decided) return self->Fail(base::Error::Internal("internal error"), 500);
          self->Admitted(std::move(*decided));
        });
      });
      return;
    }
    Admitted(std::move(*admission));
  }

  // The 429 for a request past the rate limit of its address or credential (the bearer token,
  // else the browser's cookies), or nullopt.
  std::optional<Response> RateLimited() {
    if (!server_.rate.enabled()) return std::nullopt;
    std::string_view credential = request_.GetHeader("authorization");
    if (credential.empty()) credential = request_.GetHeader("cookie");
    std::optional<base::Error> refused = server_.rate.Admit(AddressKey(request_.remote_address), credential);
    if (!refused) return std::nullopt;
    return ErrorAnswer(*refused, 429, request_);
  }

  // The handler's error body for an error the server found, with this status, and Retry-After
  // when the error says when to come back and the handler did not.
  Response ErrorAnswer(const base::Error& error, int status, const Request& req) {
    Response res = server_.handler.ErrorResponse(error, req);
    res.status = status;
    if (error.retry_after_s() > 0 && res.GetHeader("Retry-After").empty()) {
      res.SetHeader("Retry-After", std::to_string(error.retry_after_s()));
    }
    return res;
  }

  // request_ from the parsed headers (no body yet).
  void ReadHead() {
    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    std::string_view target(req.target);
    size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    req.headers.reserve(16);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.push_back({std::move(name), std::string(field.value())});
    }
    req.remote_address = peer_;
    if (server_.opt.trust_proxy) {
      // The last X-Forwarded-For line holds the entry the proxy in front added.
      for (auto it = req.headers.rbegin(); it != req.headers.rend(); ++it) {
        if (it->name != "x-forwarded-for") continue;
        if (std::string client = ForwardedFor(it->value); !client.empty()) {
          req.remote_address = std::move(client);
        }
        break;
      }
      req.secure = req.GetHeader("x-forwarded-proto") == "https";
    }
    req.received_at_us = started_us_;
    std::string_view client_id = req.GetHeader("x-request-id");
    req.request_id =
        ValidClientRequestId(client_id) ? std::string(client_id) : server_.NextRequestId();
    request_ = std::move(req);
    head_read_ = true;
    body_key_.clear();  // counted by this request's address, which a proxy may change
  }

  // The handler's decision; nullopt if it threw (logged).
  std::optional<Admission> CallAdmit(bool may_block) {
    try {
      return server_.handler.Admit(request_, may_block);
    } catch (const std::exception& e) {
      server_.log.Error("http.admit_threw",
                        {{"request_id", request_.request_id}, {"error", e.what()}});
    } catch (...) {
      server_.log.Error("http.admit_threw",
                        {{"request_id", request_.request_id}, {"error", "unknown"}});
    }
    return std::nullopt;
  }

  // Whether some of the body has not arrived yet (so reading it could cost memory). A body
  // already in the read buffer costs nothing more to read.
  bool BodyStillToArrive() const {
    if (parser_->is_done()) return false;  // no body
    if (parser_->chunked()) return true;
    const auto length = parser_->content_length();
    return !length || *length > buffer_.size();
  }

  void Admitted(Admission admission) {
    if (admission.refusal) {
      // A body it announced stays unread: the connection cannot be reused after it.
      unread_input_ = !parser_->is_done();
      const bool keep_alive = !unread_input_ && parser_->get().keep_alive();
      return Write(std::move(*admission.refusal), std::move(request_), keep_alive);
    }
    const CapLimits& caps = server_.caps.limits();
    body_limit_bytes_ = std::min({admission.body_limit_bytes, caps.max_body_bytes_per_address,
                                  caps.max_body_bytes_in_flight});
    const auto length = parser_->content_length();
    if (length && *length > body_limit_bytes_) return OnReadError(bhttp::error::body_limit);
    if (length && *length > 0 && !ReserveBody(static_cast<size_t>(*length))) return;
    parser_->body_limit(body_limit_bytes_);
    if (!parser_->is_done() && ExpectsContinue()) return SendContinue();
    ReadBody();
  }

  // Counts body bytes against the caps; on a refusal answers it (and closes) and returns false.
  bool ReserveBody(size_t bytes) {
    if (body_key_.empty()) body_key_ = AddressKey(request_.remote_address);
    if (std::optional<base::Error> refused = server_.caps.ReserveBody(body_key_, bytes)) {
      Fail(*refused, StatusOfCap(*refused));
      return false;
    }
    body_reserved_ += bytes;
    return true;
  }

  void ReleaseBody() {
    if (body_reserved_ == 0) return;
    server_.caps.ReleaseBody(body_key_, body_reserved_);
    body_reserved_ = 0;
  }

  bool ExpectsContinue() const {
    auto& msg = parser_->get();
    auto it = msg.find(bhttp::field::expect);
    return it != msg.end() && beast::iequals(it->value(), "100-continue");
  }

  // The client waits for a word before it sends the body (RFC 9110 10.1.1): the request is
  // admitted, so ask for it.
  void SendContinue() {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(std::chrono::milliseconds(server_.opt.read_timeout_ms));
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       self->ReadBody();
                     });
  }

  void ReadBody() {
    stream_.expires_after(std::chrono::milliseconds(server_.opt.read_timeout_ms));
    if (parser_->chunked()) return ReadChunked();
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  // A chunked body announces no size: it is counted against the caps as it arrives.
  void ReadChunked() {
    bhttp::async_read_some(
        stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
          if (ec) return self->OnReadError(ec);
          const size_t held = self->parser_->get().body().size();
          if (held > self->body_reserved_ && !self->ReserveBody(held - self->body_reserved_)) {
            return;
          }
          if (self->parser_->is_done()) return self->OnBody({}, 0);
          self->ReadChunked();
        });
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

  // Answers an error found by the server itself, then closes the connection (draining what the
  // client still sends first, unless drain is false).
  void Fail(const base::Error& error, int status, bool drain = true) {
    Request req;
    if (head_read_) {
      req = std::move(request_);
      head_read_ = false;
    } else if (parser_ && parser_->is_header_done()) {
      auto& msg = parser_->get();
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
    }
    if (req.request_id.empty()) req.request_id = server_.NextRequestId();
    Response res = ErrorAnswer(error, status, req);
    if (!in_request_) {
      server_.RequestStarted();
      in_request_ = true;
      started_us_ = server_.clock.NowMicros();
    }
    unread_input_ = drain;  // whatever the client sent after what was read
    Write(std::move(res), std::move(req), /*keep_alive=*/false);
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    stream_.expires_never();
    const bool keep_alive = parser_->get().keep_alive();
    request_.body = std::move(parser_->get().body());
    head_read_ = false;
    async_keep_alive_ = keep_alive;
    bool taken = false;
    server_.ReplyOwed();
    try {
      Reply reply(shared_from_this());
      taken = server_.handler.HandleAsync(request_, reply);
    } catch (const std::exception& e) {
      server_.ReplyGiven();
      server_.log.Error("http.handler_threw",
                        {{"request_id", request_.request_id}, {"error", e.what()}});
      return Write(server_.handler.ErrorResponse(base::Error::Internal("internal error"), request_),
                   std::move(request_), keep_alive);
    }
    if (taken) {
      owes_reply_ = true;  // until the answer is written (Finished)
      return;
    }
    server_.ReplyGiven();
    net::post(server_.workers,
              [self = shared_from_this(), req = std::move(request_), keep_alive]() mutable {
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
                                {{"request_id", self->request_.request_id}, {"error", e.what()}});
        res = self->server_.handler.ErrorResponse(base::Error::Internal("internal error"),
                                                  self->request_);
      }
      self->Write(std::move(res), std::move(self->request_), self->async_keep_alive_);
    });
    server.ReplyGiven();
  }

  // On a worker thread.
  void RunHandler(Request req, bool keep_alive) {
    Response res;
    try {
      res = server_.handler.Handle(req);
    } catch (const std::exception& e) {  // Handle() promises not to throw; a worker must not die
      server_.log.Error("http.handler_threw", {{"request_id", req.request_id}, {"error", e.what()}});
      res = server_.handler.ErrorResponse(base::Error::Internal("internal error"), req);
    }
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
    for (const Header& h : res.headers) msg.insert(h.name, h.value);  // Set-Cookie may repeat
    if (!req.request_id.empty()) msg.set("X-Request-Id", req.request_id);
    // No response is to be sniffed into another type (JSON rendered as HTML, say).
    msg.set("X-Content-Type-Options", "nosniff");
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
    if (req.method == "HEAD") return true;  // the headers a GET would get, and no body
    bool client_ok = true;
    auto sink = [&](std::string_view chunk) {
      if (!client_ok || chunk.empty()) return client_ok;
      net::write(stream_.socket(), bhttp::make_chunk(net::const_buffer(chunk.data(), chunk.size())), ec);
      client_ok = !ec;
      return client_ok;
    };
    base::Status produced = base::Ok();
    try {
      produced = res.stream(sink);
    } catch (const std::exception& e) {
      produced = base::Error::Internal(std::string("stream threw: ") + e.what());
    }
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
    // The message, and for HEAD the serializer that writes only its headers (with the
    // Content-Length of the body a GET would get), live until the write completes.
    struct Out {
      bhttp::response<bhttp::string_body> msg;
      std::optional<bhttp::response_serializer<bhttp::string_body>> head_only;
    };
    // The answer is made: the request's body is no longer held (nor counted in the caps).
    ReleaseBody();
    std::string().swap(req.body);
    auto out = std::make_shared<Out>();
    out->msg = {static_cast<bhttp::status>(res.status), 11};
    FillHeaders(out->msg, res, req);
    out->msg.body() = std::move(res.body);
    out->msg.keep_alive(keep_alive && !server_.stopping);
    out->msg.prepare_payload();
    stream_.expires_after(std::chrono::milliseconds(server_.opt.read_timeout_ms));
    const int status = res.status;
    const bool head = req.method == "HEAD";
    auto done = [self = shared_from_this(), out, req = std::move(req), status](beast::error_code ec,
                                                                               size_t) mutable {
      self->Finished(req, status, !ec && out->msg.keep_alive());
    };
    if (head) {
      out->head_only.emplace(out->msg);
      return bhttp::async_write_header(stream_, *out->head_only, std::move(done));
    }
    bhttp::async_write(stream_, out->msg, std::move(done));
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
      server_.log.Info("http.access",
                       {{"request_id", req.request_id},
                        {"method", req.method},
                        {"target", req.target},
                        {"status", st, true},
                        {"duration_ms", ms, true},
                        {"remote", req.remote_address.empty() ? peer_ : req.remote_address}});
    }
    EndRequest();
    if (!keep_alive) return Close();
    ReadHeader();
  }

  void EndRequest() {
    ReleaseBody();  // the body is no longer held
    if (in_request_) {
      in_request_ = false;
      server_.RequestFinished();
    }
  }

  void Close() {
    EndRequest();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (unread_input_) return Drain(kDrainBytes);
    stream_.close();
  }

  // After answering a request whose input was left unread: closing now, with bytes unread,
  // would make the kernel send a reset that can overtake the answer on its way. So read and
  // drop what still comes, for a moment and a bounded amount (kDrain…), then close.
  static constexpr size_t kDrainBytes = size_t{1} << 20;
  static constexpr int64_t kDrainMs = 2'000;
  void Drain(size_t budget) {
    if (!drain_buffer_) {
      buffer_.consume(buffer_.size());
      drain_buffer_ = std::make_unique<std::array<char, 16 * 1024>>();
      stream_.expires_after(std::chrono::milliseconds(kDrainMs));
    }
    stream_.async_read_some(net::buffer(*drain_buffer_),
                            [self = shared_from_this(), budget](beast::error_code ec, size_t n) {
                              if (ec || n >= budget) return self->stream_.close();
                              self->Drain(budget - n);
                            });
  }

  Server::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  // The request being read, from its headers on; then the one HandleAsync holds, until its
  // reply is written.
  Request request_;
  bool head_read_ = false;     // request_ holds the current request's headers
  bool unread_input_ = false;  // answered with input left unread: Close() drains it first
  std::unique_ptr<std::array<char, 16 * 1024>> drain_buffer_;
  bool async_keep_alive_ = false;
  bool owes_reply_ = false;  // counted in Impl::replies_owed
  std::string peer_;         // the socket peer (NormalizeAddress's form)
  std::string peer_key_;     // its AddressKey, which the connection counts under
  bool connection_counted_ = false;  // in server_.caps
  std::string body_key_;             // the AddressKey the current body counts under
  size_t body_reserved_ = 0;         // body bytes of the current request counted in server_.caps
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

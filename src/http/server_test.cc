#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "http/client.h"
#include "http/raw_connection_testing.h"

namespace http {
namespace {

using Raw = RawConnection;

class TestHandler : public Handler {
 public:
  Admission Admit(Request& head, bool may_block) override {
    if (!may_block) {
      std::lock_guard lock(mu);
      io_thread = std::this_thread::get_id();
    }
    const bool signed_in = head.GetHeader("authorization") == "Bearer ok";
    if (head.path == "/private" && !signed_in) {
      return Admission::Refuse(Response::Json(401, R"({"error":{"code":"unauthenticated"}})"));
    }
    if (head.path == "/checked") {  // its check "blocks": the server takes it on a worker
      if (!may_block) return Admission::Accept(1024, /*blocking_step_left=*/true);
      {
        std::lock_guard lock(mu);
        blocking_thread = std::this_thread::get_id();
      }
      ++blocking_checks;
      if (!signed_in)
        return Admission::Refuse(Response::Json(401, R"({"error":{"code":"unauthenticated"}})"));
    }
    head.admission = std::make_shared<std::string>("admitted " + head.path);
    ++admitted;
    return Admission::Accept(head.path == "/big" ? size_t{4} << 20 : 1024);
  }
  Response Handle(Request& req) override {
    if (req.path == "/checked") {
      // Without a body to wait for, the blocking step is left to this worker.
      return Response::Text(200, "blocking checks " + std::to_string(blocking_checks.load()));
    }
    if (req.path == "/whoami") {
      return Response::Text(200, req.remote_address + (req.secure ? " https" : " http") + " " +
                                     *static_cast<std::string*>(req.admission.get()));
    }
    if (req.path == "/echo") {
      return Response::Json(200, "{\"method\":\"" + req.method + "\",\"bytes\":" +
                                     std::to_string(req.body.size()) + ",\"q\":\"" +
                                     req.QueryParam("q").value_or("") + "\"}");
    }
    if (req.path == "/big") return Response::Text(200, std::to_string(req.body.size()));
    if (req.path == "/throw") throw std::runtime_error("a handler's bug");
    if (req.path == "/stream") {
      Response r;
      r.headers.push_back({"Content-Type", "application/x-ndjson"});
      r.stream = [](const ChunkSink& sink) -> base::Status {
        for (int i = 0; i < 1000; ++i) sink("{\"n\":" + std::to_string(i) + "}\n");
        return base::Ok();
      };
      return r;
    }
    if (req.path == "/slow") {
      entered.count_down();
      release.get_future().wait();
      return Response::Text(200, "done");
    }
    return Response::Json(404, R"({"error":{"code":"not_found","message":"no route","details":{}}})");
  }
  // /later is taken on the I/O thread; the test answers it from its own thread.
  bool HandleAsync(Request& req, Reply& reply) override {
    if (req.path != "/later") return false;
    later_request = &req;
    later_reply.emplace(std::move(reply));
    later_taken.count_down();
    return true;
  }
  Response ErrorResponse(const base::Error& e, const Request&) override {
    return Response::Json(400, "{\"error\":{\"code\":\"" + std::string(base::ErrorCodeName(e.code())) +
                                   "\",\"message\":\"" + e.message() + "\",\"details\":" +
                                   e.DetailsJson() + "}}");
  }
  std::latch entered{1};
  std::promise<void> release;
  std::latch later_taken{1};
  Request* later_request = nullptr;
  std::optional<Reply> later_reply;
  std::mutex mu;
  std::thread::id io_thread;        // guarded by mu
  std::thread::id blocking_thread;  // guarded by mu
  std::atomic<int> blocking_checks{0};
  std::atomic<int> admitted{0};
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }
  void TearDown() override {
    server_->Stop();
    server_->Wait();
  }
  // (Re)starts the server with these options on an ephemeral port.
  void Start(ServerOptions opt) {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
    opt.port = 0;
    opt.access_log = false;
    server_ = std::make_unique<Server>(opt, handler_, base::Logger::Null());
    auto port = server_->Start();
    ASSERT_TRUE(port) << port.error().ToString();
    port_ = *port;
  }
  TestHandler handler_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerTest, AnswersAndKeepsTheConnectionAlive) {
  Client c("127.0.0.1", port_);
  for (int i = 0; i < 3; ++i) {
    auto r = c.Send("POST", "/echo?q=a%20b", "hello");
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"method":"POST","bytes":5,"q":"a b"})");
    EXPECT_FALSE(r->GetHeader("x-request-id").empty());
  }
}

// A handler that throws answers in the error shape and takes neither its worker nor the
// process down: more throws than there are workers, then the connection still answers.
TEST_F(ServerTest, AHandlerThatThrowsAnswersAnErrorAndTheServerGoesOn) {
  Client c("127.0.0.1", port_);
  for (int i = 0; i < 40; ++i) {
    auto r = c.Send("GET", "/throw");
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_NE(r->body.find(R"("code":"internal")"), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find("a handler's bug"), std::string::npos) << "the exception's text stays in the log";
  }
  auto r = c.Send("POST", "/echo", "still here");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, EchoesAWellFormedClientRequestId) {
  Client c("127.0.0.1", port_);
  auto r = c.Send("GET", "/echo", "", {{"X-Request-Id", "trace-42"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->GetHeader("x-request-id"), "trace-42");
  auto bad = c.Send("GET", "/echo", "", {{"X-Request-Id", "has spaces"}});
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->GetHeader("x-request-id"), "has spaces");
}

TEST_F(ServerTest, RefusesAnOversizeBodyWithTheErrorShape) {
  Client c("127.0.0.1", port_);
  auto r = c.Send("POST", "/echo", std::string(2000, 'x'));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("\"code\":\"payload_too_large\""), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("\"limit_bytes\":1024"), std::string::npos) << r->body;
}

TEST_F(ServerTest, ARouteMayAcceptALargerBody) {
  Client c("127.0.0.1", port_);
  auto r = c.Send("POST", "/big", std::string(3 << 20, 'x'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, std::to_string(3 << 20));
}

TEST_F(ServerTest, RefusesOversizeHeaders) {
  Client c("127.0.0.1", port_);
  auto r = c.Send("GET", "/echo", "", {{"X-Filler", std::string(20000, 'a')}});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 431);
}

TEST_F(ServerTest, StreamsAChunkedBody) {
  Client c("127.0.0.1", port_);
  auto r = c.Send("GET", "/stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(std::count(r->body.begin(), r->body.end(), '\n'), 1000);
  EXPECT_NE(r->body.find("{\"n\":999}\n"), std::string::npos);
  // The connection is still usable afterwards.
  auto again = c.Send("GET", "/echo");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(ServerTest, AnAsynchronousHandlerAnswersLaterFromAnotherThread) {
  auto later = std::async(std::launch::async, [this] {
    Client c("127.0.0.1", port_);
    auto first = c.Send("POST", "/later?q=7", "body");
    auto second = c.Send("GET", "/echo");  // the connection is kept alive after the late answer
    return std::make_pair(std::move(first), std::move(second));
  });
  handler_.later_taken.wait();
  // While it waits, the I/O thread serves others.
  Client other("127.0.0.1", port_);
  auto r = other.Send("GET", "/echo?q=x");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  // The request stays valid until the answer; the response is built on the I/O thread.
  const std::thread::id test_thread = std::this_thread::get_id();
  handler_.later_reply->Send([this, test_thread] {
    const bool on_io_thread = std::this_thread::get_id() != test_thread;
    return Response::Text(201, "late " + handler_.later_request->query + " " + handler_.later_request->body +
                                   (on_io_thread ? " io" : " caller"));
  });
  auto [first, second] = later.get();
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->status, 201);
  EXPECT_EQ(first->body, "late q=7 body io");
  EXPECT_FALSE(first->GetHeader("x-request-id").empty());
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(second->status, 200);
}

// A taken request is answered even when the answer comes after the stop's grace period: the
// server waits for it (its answer would otherwise be posted to a destroyed server).
TEST(ServerStop, WaitsForAnAsynchronousAnswerPastTheGracePeriod) {
  TestHandler handler;
  ServerOptions opt;
  opt.port = 0;
  opt.access_log = false;
  opt.shutdown_grace_ms = 0;
  Server server(opt, handler, base::Logger::Null());
  auto port = server.Start();
  ASSERT_TRUE(port);
  auto later = std::async(std::launch::async, [&] {
    Client c("127.0.0.1", *port);
    return c.Send("POST", "/later", "x");
  });
  handler.later_taken.wait();
  server.Stop();
  auto waiting = std::async(std::launch::async, [&] { server.Wait(); });
  // Still waiting for the owed answer well after its grace period of 0 ms.
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  handler.later_reply->Send([] { return Response::Text(200, "answered"); });
  waiting.get();
  auto r = later.get();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "answered");
}

TEST_F(ServerTest, StopFinishesTheRequestInFlight) {
  auto slow = std::async(std::launch::async, [this] {
    Client c("127.0.0.1", port_);
    return c.Send("GET", "/slow");
  });
  handler_.entered.wait();
  server_->Stop();
  handler_.release.set_value();
  auto r = slow.get();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "done");
  EXPECT_EQ(r->GetHeader("connection"), "close");
  server_->Wait();
  // No longer accepting.
  Client late("127.0.0.1", port_);
  EXPECT_FALSE(late.Send("GET", "/echo"));
}

// A refusal decided from the headers is answered at once, without waiting for (or reading) the
// body the request announced; the connection then closes, as the body is left unread.
TEST_F(ServerTest, RefusesFromTheHeadersWithoutReadingTheBody) {
  for (const std::string framing : {"Content-Length: 1073741824", "Transfer-Encoding: chunked"}) {
    Raw c(port_);
    ASSERT_TRUE(c.Send("POST /private HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n"));
    const std::string head = c.ReadHead();  // no body was sent: only a refusal can come back
    EXPECT_EQ(RawStatus(head), 401) << framing << "\n" << head;
    EXPECT_EQ(RawHeader(head, "Connection"), "close") << head;
  }
  // A refusal with no body to skip keeps the connection.
  Raw c(port_);
  ASSERT_TRUE(c.Send("GET /private HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string refused = c.ReadHead();
  EXPECT_EQ(RawStatus(refused), 401);
  EXPECT_EQ(c.ReadBody(refused), R"({"error":{"code":"unauthenticated"}})");
  ASSERT_TRUE(c.Send("GET /private HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ok\r\n\r\n"));
  EXPECT_EQ(RawStatus(c.ReadHead()), 404);  // admitted; the test handler has no such page
}

// What the handler found at header time reaches Handle with the request.
TEST_F(ServerTest, HandleReceivesTheAdmission) {
  Client c("127.0.0.1", port_);
  auto r = c.Send("POST", "/whoami", "x");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->body, "127.0.0.1 http admitted /whoami");
}

// A check that may block runs on a worker before a body still to arrive is read, and is left
// to Handle (a worker anyway) when there is no body to wait for.
TEST_F(ServerTest, ABlockingAdmissionRunsOnAWorkerBeforeTheBody) {
  Raw c(port_);
  ASSERT_TRUE(c.Send("POST /checked HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"));
  EXPECT_EQ(RawStatus(c.ReadHead()), 401);
  EXPECT_EQ(handler_.blocking_checks.load(), 1);
  {
    std::lock_guard lock(handler_.mu);
    EXPECT_NE(handler_.blocking_thread, handler_.io_thread);
  }
  Raw signed_in(port_);
  ASSERT_TRUE(
      signed_in.Send("POST /checked HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ok\r\n"
                     "Content-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  ASSERT_EQ(RawStatus(signed_in.ReadHead()), 100);  // checked on a worker, then admitted
  ASSERT_TRUE(signed_in.Send("body"));
  EXPECT_EQ(RawStatus(signed_in.ReadHead()), 200);
  Client client("127.0.0.1", port_);
  auto no_body = client.Send("GET", "/checked");
  ASSERT_TRUE(no_body);
  EXPECT_EQ(no_body->body, "blocking checks 2");  // the GET's check was left to Handle
}

// A client that asks before sending its body (Expect: 100-continue) is told to go on once the
// request is admitted, and refused without sending it otherwise.
TEST_F(ServerTest, AnswersExpectContinue) {
  Raw c(port_);
  ASSERT_TRUE(c.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(RawStatus(c.ReadHead()), 100);
  ASSERT_TRUE(c.Send("hello"));
  EXPECT_EQ(RawStatus(c.ReadHead()), 200);
  Raw refused(port_);
  ASSERT_TRUE(refused.Send(
      "POST /private HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(RawStatus(refused.ReadHead()), 401);
}

TEST_F(ServerTest, HeadSendsTheHeadersOfAGetAndNoBody) {
  Raw c(port_);
  ASSERT_TRUE(c.Send("GET /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string get = c.ReadHead();
  ASSERT_EQ(RawStatus(get), 200);
  const std::string length = RawHeader(get, "Content-Length");
  ASSERT_EQ(length, std::to_string(c.ReadToClose().size()));
  Raw h(port_);
  ASSERT_TRUE(h.Send("HEAD /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string all = h.ReadToClose();
  const size_t end = all.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << all;
  EXPECT_EQ(RawStatus(all), 200);
  EXPECT_EQ(RawHeader(all.substr(0, end), "Content-Length"), length);
  EXPECT_EQ(all.size(), end + 4) << "a body came after the head: " << all;
  // A streamed answer too: its headers, not its chunks.
  Raw s(port_);
  ASSERT_TRUE(s.Send("HEAD /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string streamed = s.ReadToClose();
  EXPECT_EQ(RawStatus(streamed), 200);
  EXPECT_EQ(streamed.size(), streamed.find("\r\n\r\n") + 4) << streamed;
}

TEST_F(ServerTest, EveryResponseForbidsSniffing) {
  Client c("127.0.0.1", port_);
  for (const char* path : {"/echo", "/nowhere", "/stream"}) {
    auto r = c.Send("GET", path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->GetHeader("x-content-type-options"), "nosniff") << path;
  }
  auto oversize = c.Send("POST", "/echo", std::string(2000, 'x'));  // the server's own answer
  ASSERT_TRUE(oversize);
  EXPECT_EQ(oversize->GetHeader("x-content-type-options"), "nosniff");
}

// A control byte in a path, raw or encoded, is refused before any handler sees it: "%00"
// would cut a file name short.
TEST_F(ServerTest, RefusesAControlByteInThePath) {
  for (const char* path : {"/echo%00.png", "/echo%0a", "/e%7Fcho", "/echo%1F"}) {
    Raw c(port_);
    ASSERT_TRUE(c.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(RawStatus(c.ReadHead()), 400) << path;
  }
  Client c("127.0.0.1", port_);
  auto fine = c.Send("GET", "/echo?q=%00");  // the query is the handler's to judge
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200);
}

// Without trust_proxy the forwarded headers are ignored; with it, the right-most
// X-Forwarded-For entry (the one the proxy added) is the client.
TEST_F(ServerTest, TheClientAddressIsTheForwardedOneOnlyBehindATrustedProxy) {
  const std::vector<Header> forwarded = {{"X-Forwarded-For", "198.51.100.1, 203.0.113.7"},
                                         {"X-Forwarded-Proto", "https"}};
  {
    Client c("127.0.0.1", port_);
    auto r = c.Send("GET", "/whoami", "", forwarded);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "127.0.0.1 http admitted /whoami");
  }
  ServerOptions opt;
  opt.trust_proxy = true;
  Start(opt);
  Client c("127.0.0.1", port_);
  auto r = c.Send("GET", "/whoami", "", forwarded);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "203.0.113.7 https admitted /whoami");
  auto direct = c.Send("GET", "/whoami");  // no header: the peer
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->body, "127.0.0.1 http admitted /whoami");
  auto garbage = c.Send("GET", "/whoami", "", {{"X-Forwarded-For", "1.2.3.4, not-an-address"}});
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->body, "127.0.0.1 http admitted /whoami");
}

// The connection caps at their bound: the last connection allowed is served, the next one is
// answered 429 (one address) or 503 (the server) with Retry-After before anything is read.
TEST_F(ServerTest, ConnectionCapsAtTheirBound) {
  for (const bool per_address : {true, false}) {
    ServerOptions opt;
    opt.caps.max_connections = per_address ? 100 : 3;
    opt.caps.max_connections_per_address = per_address ? 3 : 100;
    Start(opt);
    std::vector<std::unique_ptr<Raw>> held;
    for (int i = 0; i < 3; ++i) {
      held.push_back(std::make_unique<Raw>(port_));
      ASSERT_TRUE(held.back()->Send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
      ASSERT_EQ(RawStatus(held.back()->ReadHead()), 200) << "connection " << i + 1;
    }
    Raw over(port_);
    const std::string refused = over.ReadToClose();
    EXPECT_EQ(RawStatus(refused), per_address ? 429 : 503) << refused;
    EXPECT_EQ(RawHeader(refused.substr(0, refused.find("\r\n\r\n")), "Retry-After"), "1") << refused;
    // Once one closes, a new connection is served again (the server sees the close shortly).
    held.pop_back();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (status != 200 && std::chrono::steady_clock::now() < deadline) {
      Raw again(port_);
      again.Send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
      status = RawStatus(again.ReadHead());
    }
    EXPECT_EQ(status, 200);
  }
}

// --rate-limit at its bound through the server: the requests a second allows are served, the
// next one is 429 with Retry-After before the handler sees it, on a connection kept open.
TEST_F(ServerTest, RateLimitAtItsBound) {
  ServerOptions opt;
  opt.rate_limits.per_second = 2;  // a request's worth comes back every 500 ms: none will here
  Start(opt);
  Client c("127.0.0.1", port_);
  for (int i = 0; i < 2; ++i) {
    auto r = c.Send("GET", "/echo", "", {{"Authorization", "Bearer t"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << "request " << i + 1;
  }
  auto over = c.Send("GET", "/echo", "", {{"Authorization", "Bearer t"}});
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429) << over->body;
  EXPECT_EQ(over->GetHeader("retry-after"), "1");
  EXPECT_NE(over->body.find("too many requests"), std::string::npos) << over->body;
  EXPECT_EQ(handler_.admitted.load(), 2) << "the refused request never reached the handler";
}

// Body bytes in flight at their bound: a body of exactly the cap is read while it is held, any
// byte more from the same address is answered 429 (the total: 503) before it is read, a body
// larger than the cap on its own is 413, and once the answer is written the bytes are free.
TEST_F(ServerTest, BodyBytesInFlightAtTheirBound) {
  for (const bool per_address : {true, false}) {
    ServerOptions opt;
    opt.caps.max_body_bytes_per_address = per_address ? 1000 : 1 << 20;
    opt.caps.max_body_bytes_in_flight = per_address ? 1 << 20 : 1000;
    Start(opt);
    Raw too_big(port_);
    ASSERT_TRUE(too_big.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n"));
    EXPECT_EQ(RawStatus(too_big.ReadHead()), 413);

    Raw holder(port_);  // announces exactly the cap, is admitted, and holds it
    ASSERT_TRUE(holder.Send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n"));
    ASSERT_EQ(RawStatus(holder.ReadHead()), 100);
    Raw one_more(port_);
    ASSERT_TRUE(one_more.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n"));
    const std::string refused = one_more.ReadHead();
    EXPECT_EQ(RawStatus(refused), per_address ? 429 : 503) << refused;
    EXPECT_EQ(RawHeader(refused, "Retry-After"), "1") << refused;
    Raw chunked(port_);  // counted as it arrives: its first byte is one too many
    ASSERT_TRUE(
        chunked.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "1\r\nx\r\n"));
    EXPECT_EQ(RawStatus(chunked.ReadHead()), per_address ? 429 : 503);
    Raw no_body(port_);  // requests without a body are not held up
    ASSERT_TRUE(no_body.Send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(RawStatus(no_body.ReadHead()), 200);

    ASSERT_TRUE(holder.Send(std::string(1000, 'x')));
    EXPECT_EQ(RawStatus(holder.ReadHead()), 200);
    Raw after(port_);  // the holder's bytes were given back when its answer was written
    ASSERT_TRUE(after.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" +
                           std::string(1000, 'x')));
    EXPECT_EQ(RawStatus(after.ReadHead()), 200);
  }
}

}  // namespace
}  // namespace http

#include "http/server.h"

#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <optional>
#include <thread>

#include "http/client.h"

namespace http {
namespace {

class TestHandler : public Handler {
 public:
  size_t BodyLimitBytes(std::string_view method, std::string_view path) const override {
    return path == "/big" ? 4 << 20 : 1024;
  }
  Response Handle(Request& req) override {
    if (req.path == "/echo") {
      return Response::Json(200, "{\"method\":\"" + req.method + "\",\"bytes\":" +
                                     std::to_string(req.body.size()) + ",\"q\":\"" +
                                     req.QueryParam("q").value_or("") + "\"}");
    }
    if (req.path == "/big") return Response::Text(200, std::to_string(req.body.size()));
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
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions opt;
    opt.port = 0;
    opt.access_log = false;
    server_ = std::make_unique<Server>(opt, handler_, base::Logger::Null());
    auto port = server_->Start();
    ASSERT_TRUE(port) << port.error().ToString();
    port_ = *port;
  }
  void TearDown() override {
    server_->Stop();
    server_->Wait();
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

}  // namespace
}  // namespace http

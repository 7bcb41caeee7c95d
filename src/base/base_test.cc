#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/result.h"
#include "base/rng.h"
#include "base/uuid7.h"

namespace base {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Error::Invalid("odd").Detail("value", x);
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSAY_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(ResultTest, PropagatesErrorsWithDetails) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().DetailsJson(), R"({"value":3})");
  EXPECT_EQ(r.error().ToString(), "invalid_argument: odd");
}

TEST(ResultTest, DetailStringsAreEscaped) {
  Error e = Error::Invalid("x");
  e.Detail("field", "a\"b");
  EXPECT_EQ(e.DetailsJson(), R"({"field":"a\"b"})");
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock c(1'000'000);
  EXPECT_EQ(c.NowMicros(), 1'000'000);
  c.Advance(5);
  EXPECT_EQ(c.NowMicros(), 1'000'005);
  EXPECT_GT(SystemClock().NowMicros(), 1'700'000'000'000'000);
}

TEST(ClockTest, FormatsRfc3339) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1'767'225'600'123'456), "2026-01-01T00:00:00.123Z");
}

TEST(ClockTest, ADayIsMidnightUtcAndAnythingElseNamesTheField) {
  auto day = ParseDay("2026-01-01", "from");
  ASSERT_TRUE(day.has_value());
  EXPECT_EQ(*day, 1'767'225'600'000'000);
  for (const char* bad : {"2026-01-01T00:00:00Z", "2026-1-01", "2026-13-01", "01/01/2026", ""}) {
    auto r = ParseDay(bad, "from");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().message(), "from must be a day, YYYY-MM-DD") << bad;
  }
}

TEST(RngTest, SameSeedSameStream) {
  Rng a(42), b(42), c(43);
  std::vector<uint64_t> va, vb, vc;
  for (int i = 0; i < 100; ++i) {
    va.push_back(a.Next());
    vb.push_back(b.Next());
    vc.push_back(c.Next());
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
}

TEST(RngTest, BelowStaysInRangeAndCoversIt) {
  Rng r(1);
  std::vector<int> counts(7);
  for (int i = 0; i < 70000; ++i) {
    uint64_t x = r.Below(7);
    ASSERT_LT(x, 7u);
    counts[x]++;
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  for (int i = 0; i < 1000; ++i) {
    double u = r.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(RngTest, SecureRandomIsNotRepeated) {
  EXPECT_EQ(SecureRandomHex(32).size(), 64u);
  EXPECT_NE(SecureRandomHex(32), SecureRandomHex(32));
  EXPECT_EQ(SecureRandomBase64Url(32).size(), 43u);
}

TEST(Uuid7Test, WellFormedAndOrderedWithinOneMillisecond) {
  FakeClock clock;
  Uuid7Generator ids(clock, 9);
  std::vector<std::string> v;
  for (int i = 0; i < 5000; ++i) {
    v.push_back(ids.Next());
    if (i % 1000 == 0) clock.Advance(1000);
  }
  for (const auto& id : v) {
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '7');
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
  }
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
  EXPECT_EQ(std::set<std::string>(v.begin(), v.end()).size(), v.size());
}

TEST(Uuid7Test, UniqueAcrossThreads) {
  SystemClock clock;
  Uuid7Generator ids(clock, 3);
  std::vector<std::vector<std::string>> per(8);
  std::vector<std::thread> ts;
  for (auto& out : per) {
    ts.emplace_back([&ids, &out] {
      for (int i = 0; i < 2000; ++i) out.push_back(ids.Next());
    });
  }
  for (auto& t : ts) t.join();
  std::set<std::string> all;
  for (auto& out : per) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), 16000u);
}

// A persisted environment session continues its id generator in another process.
TEST(Uuid7Test, ARestoredGeneratorMakesTheIdsTheOriginalWouldHaveMade) {
  FakeClock clock;
  Uuid7Generator original(clock, 11);
  for (int i = 0; i < 7; ++i) original.Next();
  Uuid7Generator restored(clock, 999);
  restored.Restore(original.Save());
  EXPECT_EQ(restored.Save(), original.Save());
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(restored.Next(), original.Next()) << i;
}

TEST(JsonTest, CanonicalSortsKeysAndDropsWhitespace) {
  auto j = ParseJson(R"({ "b": [1, 2.5, "x"], "a": {"z": null, "y": true} })");
  ASSERT_TRUE(j);
  EXPECT_EQ(CanonicalJson(*j), R"({"a":{"y":true,"z":null},"b":[1,2.5,"x"]})");
}

TEST(JsonTest, MalformedNamesTheByte) {
  auto j = ParseJson(R"({"a": )");
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(j.error().DetailsJson().find("\"byte\""), std::string::npos);
}

TEST(HashTest, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(h.FinalHex(), Sha256Hex("abc"));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace base

#include "base/metrics.h"

namespace base {
namespace {

TEST(MetricsTest, RendersPrometheusHistogramsAndCounters) {
  Metrics m;
  m.GetCounter("assay_requests_total", "Requests", {{"route", "GET /x"}}).Add(3);
  Histogram& h = m.GetHistogram("assay_latency_seconds", "Latency", {{"route", "GET /x"}});
  h.Observe(0.0003);
  h.Observe(0.02);
  h.Observe(99);
  std::string text = m.RenderPrometheus();
  EXPECT_NE(text.find("assay_requests_total{route=\"GET /x\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("assay_latency_seconds_bucket{route=\"GET /x\",le=\"0.0005\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("assay_latency_seconds_bucket{route=\"GET /x\",le=\"0.025\"} 2"),
            std::string::npos) << text;
  EXPECT_NE(text.find("assay_latency_seconds_bucket{route=\"GET /x\",le=\"+Inf\"} 3"),
            std::string::npos) << text;
  EXPECT_NE(text.find("assay_latency_seconds_count{route=\"GET /x\"} 3"), std::string::npos);
  // The same series is returned for the same labels.
  EXPECT_EQ(&m.GetCounter("assay_requests_total", "Requests", {{"route", "GET /x"}}),
            &m.GetCounter("assay_requests_total", "Requests", {{"route", "GET /x"}}));
}

}  // namespace
}  // namespace base

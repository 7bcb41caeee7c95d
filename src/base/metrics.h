// base::Metrics — counters and latency histograms, rendered as Prometheus text.
// Lock-free on the hot path: a series is looked up once (under a mutex) and then updated with
// atomics. Passed in like Clock and Logger, never global.
//
//   base::Metrics metrics;
//   base::Histogram& h = metrics.GetHistogram("assay_http_request_seconds",
//                                             "HTTP request latency", {{"route", "GET /healthz"}});
//   h.Observe(0.0012);
//   std::string text = metrics.RenderPrometheus();
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace base {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Histogram {
 public:
  // Upper bounds in seconds: 100 µs … 10 s.
  static constexpr std::array<double, 14> kBoundsSeconds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 10};
  void Observe(double seconds);
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  // Cumulative counts per bound (Prometheus "le" semantics), then +Inf.
  std::array<uint64_t, kBoundsSeconds.size() + 1> Cumulative() const;
  double SumSeconds() const;

 private:
  std::array<std::atomic<uint64_t>, kBoundsSeconds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

class Metrics {
 public:
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels);
  Histogram& GetHistogram(const std::string& name, const std::string& help, const Labels& labels);
  std::string RenderPrometheus() const;

 private:
  struct Family {
    std::string help;
    bool is_histogram = false;
    std::map<std::string, std::unique_ptr<Counter>> counters;      // by rendered label set
    std::map<std::string, std::unique_ptr<Histogram>> histograms;  // by rendered label set
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;  // guarded by mu_
};

}  // namespace base

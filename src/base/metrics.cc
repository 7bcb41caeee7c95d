#include "base/metrics.h"

#include <fmt/format.h>

namespace base {
namespace {

std::string EscapeLabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// {a="1",b="2"} or "" for no labels; `extra` is appended (used for le=…).
std::string RenderLabels(const Labels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string s = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) s += ',';
    s += labels[i].first + "=\"" + EscapeLabelValue(labels[i].second) + "\"";
  }
  if (!extra.empty()) {
    if (!labels.empty()) s += ',';
    s += extra;
  }
  return s + "}";
}

// Inserts `le` into an already rendered label set.
std::string WithLe(const std::string& rendered, const std::string& le) {
  const std::string le_label = "le=\"" + le + "\"";
  if (rendered.empty()) return "{" + le_label + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + le_label + "}";
}

}  // namespace

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < kBoundsSeconds.size() && seconds > kBoundsSeconds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

std::array<uint64_t, Histogram::kBoundsSeconds.size() + 1> Histogram::Cumulative() const {
  std::array<uint64_t, kBoundsSeconds.size() + 1> out{};
  uint64_t running = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

double Histogram::SumSeconds() const {
  return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
}

Counter& Metrics::GetCounter(const std::string& name, const std::string& help,
                             const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.help = help;
  auto& slot = f.counters[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Metrics::GetHistogram(const std::string& name, const std::string& help,
                                 const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.help = help;
  f.is_histogram = true;
  auto& slot = f.histograms[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name,
                       f.is_histogram ? "histogram" : "counter");
    for (const auto& [labels, c] : f.counters) {
      out += fmt::format("{}{} {}\n", name, labels, c->Value());
    }
    for (const auto& [labels, h] : f.histograms) {
      auto cum = h->Cumulative();
      for (size_t i = 0; i < Histogram::kBoundsSeconds.size(); ++i) {
        out += fmt::format("{}_bucket{} {}\n", name,
                           WithLe(labels, fmt::format("{}", Histogram::kBoundsSeconds[i])), cum[i]);
      }
      out += fmt::format("{}_bucket{} {}\n", name, WithLe(labels, "+Inf"), cum.back());
      out += fmt::format("{}_sum{} {}\n", name, labels, h->SumSeconds());
      out += fmt::format("{}_count{} {}\n", name, labels, h->Count());
    }
  }
  return out;
}

}  // namespace base

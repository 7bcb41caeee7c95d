// `assay quality aggregate|agreement|rank` — the offline quality engine over CSV/JSONL files.
// Wiring only: map the file, parse it with qc's parsers, run a qc algorithm, render CSV/JSON.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <chrono>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "base/csv.h"
#include "base/json.h"
#include "base/result.h"
#include "cli/commands.h"
#include "qc/aggregation.h"
#include "qc/agreement.h"
#include "qc/parse.h"
#include "qc/ranking.h"

// g++ 12 reports a false -Wrestrict inside libstdc++ for `"," + std::string` (GCC PR105329).
#pragma GCC diagnostic ignored "-Wrestrict"

namespace cli {
namespace {

// A read-only view of a whole file: mmap'd, so a 10M-row input is parsed in place without
// copying it into the heap.
class MappedFile {
 public:
  static base::Result<std::unique_ptr<MappedFile>> Open(const std::string& path) {
    const int fd = path == "-" ? ::dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return base::Error::NotFound("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return base::Error::Internal("cannot stat " + path);
    }
    auto file = std::unique_ptr<MappedFile>(new MappedFile());
    if (!S_ISREG(st.st_mode)) {  // a pipe or /dev/stdin: no mapping, read it all once
      const bool ok = ReadAll(fd, &file->buffer_);
      ::close(fd);
      if (!ok) return base::Error::Internal("cannot read " + path + ": " + std::strerror(errno));
      file->data_ = nullptr;
      return file;
    }
    file->size_ = static_cast<size_t>(st.st_size);
    if (file->size_ > 0) {
      // MAP_POPULATE: fault the whole file in with one call instead of one fault per page.
      void* data = ::mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (data == MAP_FAILED) {
        ::close(fd);
        return base::Error::Internal("cannot map " + path);
      }
      ::madvise(data, file->size_, MADV_SEQUENTIAL);
      file->data_ = static_cast<const char*>(data);
    }
    ::close(fd);
    return file;
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  std::string_view text() const {
    return data_ != nullptr ? std::string_view(data_, size_) : std::string_view(buffer_);
  }

 private:
  MappedFile() = default;
  static bool ReadAll(int fd, std::string* out) {
    char chunk[1 << 16];
    while (true) {
      const ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      if (n == 0) return true;
      out->append(chunk, static_cast<size_t>(n));
    }
  }
  std::string buffer_;  // only for non-regular files
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Like ASSAY_ASSIGN_OR_RETURN, for functions returning an exit code.
#define ASSAY_ASSIGN_OR_RETURN_INT(name, expr)            \
  auto name##_result = (expr);                            \
  if (!name##_result) return Fail(name##_result.error()); \
  auto name = std::move(name##_result).value()

using Clock = std::chrono::steady_clock;
double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Progress on stderr, only when it is a terminal and the input is big enough to wait for.
qc::ProgressFn TerminalProgress(size_t bytes) {
  if (!::isatty(STDERR_FILENO) || bytes < (size_t{64} << 20)) return {};
  return [](size_t done, size_t total) {
    std::fprintf(stderr, "\rparsing %5.1f%% (%zu / %zu MB)", 100.0 * double(done) / double(total),
                 done >> 20, total >> 20);
    if (done == total) std::fputc('\n', stderr);
  };
}

void Stage(const char* what) {
  if (::isatty(STDERR_FILENO)) std::fprintf(stderr, "%s\n", what);
}

int Fail(const base::Error& e) {
  std::fprintf(stderr, "assay quality: %s\n", e.ToString().c_str());
  return 1;
}

base::Status WriteOutput(const std::string& path, const std::string& text) {
  FILE* f = path.empty() || path == "-" ? stdout : std::fopen(path.c_str(), "wb");
  if (f == nullptr) return base::Error::Invalid("cannot write " + path + ": " + std::strerror(errno));
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (f != stdout) std::fclose(f);
  if (!ok) return base::Error::Internal("short write to " + (path.empty() ? "stdout" : path));
  return base::Ok();
}

// Numbers for JSON/CSV: shortest round-trip form (std::to_chars), null for NaN/inf.
std::string Num(double v) {
  if (std::isnan(v) || std::isinf(v)) return "null";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

struct CommonOptions {
  std::string input, out, format = "csv", input_format;
  bool timing = false;
  qc::InputFormat InputFormatFor(const std::string& path) const {
    if (input_format == "jsonl") return qc::InputFormat::kJsonl;
    if (input_format == "csv") return qc::InputFormat::kCsv;
    return qc::FormatFromPath(path);
  }
};

void AddCommonOptions(CLI::App* cmd, CommonOptions* o) {
  cmd->add_option("--input", o->input, "input file (CSV with header, or JSONL; - for stdin)")->required();
  cmd->add_option("--out", o->out, "output file (default stdout)");
  cmd->add_option("--format", o->format, "output format")->check(CLI::IsMember({"csv", "json"}));
  cmd->add_option("--input-format", o->input_format, "csv or jsonl (default: from the extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  cmd->add_flag("--timing", o->timing, "print parse and algorithm times to stderr");
}

// ---------------------------------------------------------------------------------------------
// aggregate

struct AggregateOptions {
  CommonOptions common;
  std::string method = "ds", gold, workers_out;
  int max_iterations = 100;
  double tolerance = 1e-5;
};

qc::AggregationResult RunMethod(const AggregateOptions& o, const qc::LabelTable& t,
                                const qc::GoldLabels* gold) {
  const qc::EmOptions em{.max_iterations = o.max_iterations, .tolerance = o.tolerance,
                         .threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
  if (o.method == "mv") return qc::MajorityVote(t, gold);
  if (o.method == "wawa") return qc::Wawa(t, gold);
  if (o.method == "ods") return qc::OneCoinDawidSkene(t, em, gold);
  if (o.method == "glad") return qc::Glad(t, {.max_iterations = o.max_iterations}, gold);
  if (o.method == "mace") return qc::Mace(t, {.max_iterations = o.max_iterations}, gold);
  return qc::DawidSkene(t, em, gold);
}

std::string RenderTasksCsv(const qc::LabelTable& t, const qc::AggregationResult& r) {
  std::string out = "task,label,confidence\n";
  out.reserve(static_cast<size_t>(t.num_tasks()) * 32);
  for (int32_t task = 0; task < t.num_tasks(); ++task) {
    out += base::CsvQuote(t.task_names[task]);
    out += ',';
    out += base::CsvQuote(t.label_names[r.label[task]]);
    out += ',';
    out += Num(r.confidence[task]);
    out += '\n';
  }
  return out;
}

std::string RenderWorkersCsv(const qc::LabelTable& t, const qc::AggregationResult& r,
                             const qc::GoldAccuracy* gold) {
  std::string out = gold ? "worker,skill,gold_correct,gold_scored,gold_low,gold_high\n"
                         : "worker,skill\n";
  for (int32_t w = 0; w < t.num_workers(); ++w) {
    out += base::CsvQuote(t.worker_names[w]) + "," + Num(r.worker_skill[w]);
    if (gold) {
      out += "," + std::to_string(gold->correct[w]) + "," + std::to_string(gold->scored[w]) + "," +
             Num(gold->interval[w].low) + "," + Num(gold->interval[w].high);
    }
    out += '\n';
  }
  return out;
}

std::string RenderAggregateJson(const AggregateOptions& o, const qc::LabelTable& t,
                                const qc::AggregationResult& r, const qc::GoldAccuracy* gold) {
  std::string out = "{\"method\":" + base::JsonQuote(o.method) +
                    ",\"iterations\":" + std::to_string(r.iterations) +
                    ",\"converged\":" + (r.converged ? "true" : "false") +
                    ",\"ties_broken\":" + std::to_string(r.ties_broken) + ",\"labels\":[";
  for (int32_t l = 0; l < t.num_labels(); ++l) out += (l ? "," : "") + base::JsonQuote(t.label_names[l]);
  out += "]";
  if (!r.prior.empty()) {
    out += ",\"prior\":[";
    for (size_t c = 0; c < r.prior.size(); ++c) out += (c ? "," : "") + Num(r.prior[c]);
    out += "]";
  }
  out += ",\"tasks\":[";
  const size_t k = static_cast<size_t>(t.num_labels());
  for (int32_t task = 0; task < t.num_tasks(); ++task) {
    out += task ? ",{" : "{";
    out += "\"task\":" + base::JsonQuote(t.task_names[task]) +
           ",\"label\":" + base::JsonQuote(t.label_names[r.label[task]]) +
           ",\"confidence\":" + Num(r.confidence[task]) + ",\"posterior\":[";
    for (size_t c = 0; c < k; ++c) out += (c ? "," : "") + Num(r.posterior[task * k + c]);
    out += "]}";
  }
  out += "],\"workers\":[";
  for (int32_t w = 0; w < t.num_workers(); ++w) {
    out += w ? ",{" : "{";
    out += "\"worker\":" + base::JsonQuote(t.worker_names[w]) + ",\"skill\":" + Num(r.worker_skill[w]);
    if (!r.confusion.empty()) {  // Dawid–Skene: rows = true label, columns = answered label
      out += ",\"confusion\":[";
      for (size_t truth = 0; truth < k; ++truth) {
        out += truth ? ",[" : "[";
        for (size_t obs = 0; obs < k; ++obs) {
          out += (obs ? "," : "") + Num(r.confusion[(static_cast<size_t>(w) * k + truth) * k + obs]);
        }
        out += "]";
      }
      out += "]";
    }
    if (gold) {
      out += ",\"gold\":{\"correct\":" + std::to_string(gold->correct[w]) +
             ",\"scored\":" + std::to_string(gold->scored[w]) +
             ",\"wilson_95\":[" + Num(gold->interval[w].low) + "," + Num(gold->interval[w].high) + "]}";
    }
    out += "}";
  }
  return out + "]}\n";
}

// Memory limits: posteriors are tasks × labels doubles, DS confusion matrices workers × labels².
constexpr double kMaxPosteriorCells = 2e8;   // 1.6 GB
constexpr double kMaxConfusionCells = 5e7;   // 400 MB

base::Status CheckSizeLimits(const std::string& method, const qc::LabelTable& t) {
  const double k = t.num_labels();
  if (static_cast<double>(t.num_tasks()) * k > kMaxPosteriorCells) {
    return base::Error::Invalid("too many tasks x labels (" + std::to_string(t.num_tasks()) + " x " +
                                std::to_string(t.num_labels()) + ") for one run");
  }
  if ((method == "ds" || method == "ods") && t.num_workers() * k * k > kMaxConfusionCells) {
    return base::Error::Invalid("too many labels (" + std::to_string(t.num_labels()) +
                                ") for per-worker confusion matrices; use --method mv, wawa or mace");
  }
  return base::Ok();
}

int RunAggregate(const AggregateOptions& o) {
  const auto start = Clock::now();
  ASSAY_ASSIGN_OR_RETURN_INT(input, MappedFile::Open(o.common.input));
  std::unique_ptr<MappedFile> gold_file;
  if (!o.gold.empty()) {
    auto g = MappedFile::Open(o.gold);
    if (!g) return Fail(g.error());
    gold_file = std::move(g).value();
  }
  auto parsed = qc::ParseLabelsWithGold(
      input->text(), gold_file ? gold_file->text() : std::string_view(),
      o.common.InputFormatFor(o.common.input), o.common.InputFormatFor(o.gold),
      TerminalProgress(input->text().size()));
  if (!parsed) return Fail(parsed.error());
  const qc::LabelTable& table = parsed->table;
  const qc::GoldLabels* gold = gold_file ? &parsed->gold : nullptr;
  if (auto s = CheckSizeLimits(o.method, table); !s) return Fail(s.error());
  const double parse_ms = MillisSince(start);
  Stage(("aggregating with " + o.method).c_str());
  const auto algo_start = Clock::now();
  const qc::AggregationResult r = RunMethod(o, table, gold);
  const double algo_ms = MillisSince(algo_start);
  std::unique_ptr<qc::GoldAccuracy> gold_accuracy;
  if (gold) gold_accuracy = std::make_unique<qc::GoldAccuracy>(qc::WorkerGoldAccuracy(table, *gold));
  const std::string text = o.common.format == "json"
                               ? RenderAggregateJson(o, table, r, gold_accuracy.get())
                               : RenderTasksCsv(table, r);
  if (auto s = WriteOutput(o.common.out, text); !s) return Fail(s.error());
  if (!o.workers_out.empty()) {
    if (auto s = WriteOutput(o.workers_out, RenderWorkersCsv(table, r, gold_accuracy.get())); !s) {
      return Fail(s.error());
    }
  }
  if (o.common.timing) {
    std::fprintf(stderr, "rows=%lld tasks=%d workers=%d parse_ms=%.2f algorithm_ms=%.2f total_ms=%.2f iterations=%d\n",
                 static_cast<long long>(table.num_rows()), table.num_tasks(), table.num_workers(),
                 parse_ms, algo_ms, MillisSince(start), r.iterations);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// agreement

struct AgreementOptions {
  CommonOptions common;
  std::string level = "nominal";
  int bootstrap = 0;
  uint64_t seed = 0;
  int min_shared = 10;
};

struct AgreementReport {
  double alpha = 0;
  qc::FleissResult fleiss;
  qc::LightsKappaResult light;
  qc::Interval ci{NAN, NAN};
};

base::Status CheckLevel(const qc::LabelTable& t, qc::Level level, const std::string& name) {
  if (level != qc::Level::kInterval && level != qc::Level::kRatio) return base::Ok();
  for (std::string_view label : t.label_names) {
    double v;
    if (!qc::ParseNumber(label, &v)) {
      return base::Error::Invalid("level " + name + " needs numeric labels, got '" +
                                  std::string(label) + "'");
    }
  }
  return base::Ok();
}

AgreementReport ComputeAgreement(const AgreementOptions& o, const qc::LabelTable& t, qc::Level level) {
  AgreementReport report;
  const qc::AlphaInput alpha_in = qc::AlphaInputFromTable(t);
  report.alpha = qc::KrippendorffAlpha(alpha_in, level);
  std::vector<int32_t> counts(static_cast<size_t>(t.num_tasks()) * t.num_labels(), 0);
  for (size_t r = 0; r < t.task.size(); ++r) {
    ++counts[static_cast<size_t>(t.task[r]) * t.num_labels() + t.label[r]];
  }
  report.fleiss = qc::FleissKappa(counts, t.num_labels());
  report.light = qc::LightsKappa(t, o.min_shared, qc::KappaWeights::kNone);
  if (o.bootstrap > 0) {
    Stage("bootstrapping alpha");
    report.ci = qc::BootstrapAlpha(alpha_in, level, o.bootstrap, o.seed, 0.95,
                                   static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  }
  return report;
}

std::string RenderAgreement(const AgreementOptions& o, const qc::LabelTable& t,
                            const AgreementReport& a) {
  const bool has_ci = o.bootstrap > 0;
  if (o.common.format == "json") {
    std::string text =
        "{\"rows\":" + std::to_string(t.num_rows()) + ",\"tasks\":" + std::to_string(t.num_tasks()) +
        ",\"workers\":" + std::to_string(t.num_workers()) +
        ",\"percent_agreement\":" + Num(a.fleiss.p_bar) + ",\"fleiss_kappa\":" + Num(a.fleiss.kappa) +
        ",\"lights_kappa\":" + Num(a.light.kappa) +
        ",\"lights_kappa_pairs\":" + std::to_string(a.light.pairs) +
        ",\"krippendorff_alpha\":{\"level\":" + base::JsonQuote(o.level) + ",\"alpha\":" + Num(a.alpha);
    if (has_ci) text += ",\"ci95\":[" + Num(a.ci.low) + "," + Num(a.ci.high) + "]";
    return text + "}}\n";
  }
  std::string text = "metric,value,low,high\n";
  text += "percent_agreement," + Num(a.fleiss.p_bar) + ",,\n";
  text += "fleiss_kappa," + Num(a.fleiss.kappa) + ",,\n";
  text += "lights_kappa," + Num(a.light.kappa) + ",,\n";
  text += "krippendorff_alpha_" + o.level + "," + Num(a.alpha) + "," +
          (has_ci ? Num(a.ci.low) + "," + Num(a.ci.high) : std::string(",")) + "\n";
  return text;
}

int RunAgreement(const AgreementOptions& o) {
  static const std::map<std::string, qc::Level> kLevels = {{"nominal", qc::Level::kNominal},
                                                           {"ordinal", qc::Level::kOrdinal},
                                                           {"interval", qc::Level::kInterval},
                                                           {"ratio", qc::Level::kRatio}};
  const qc::Level level = kLevels.at(o.level);
  const auto start = Clock::now();
  ASSAY_ASSIGN_OR_RETURN_INT(input, MappedFile::Open(o.common.input));
  auto parsed = qc::ParseLabels(input->text(), o.common.InputFormatFor(o.common.input),
                                TerminalProgress(input->text().size()));
  if (!parsed) return Fail(parsed.error());
  const qc::LabelTable& t = *parsed;
  if (auto s = CheckLevel(t, level, o.level); !s) return Fail(s.error());
  const double parse_ms = MillisSince(start);
  const auto algo_start = Clock::now();
  const AgreementReport report = ComputeAgreement(o, t, level);
  const double algo_ms = MillisSince(algo_start);
  if (auto s = WriteOutput(o.common.out, RenderAgreement(o, t, report)); !s) return Fail(s.error());
  if (o.common.timing) {
    std::fprintf(stderr, "rows=%lld parse_ms=%.2f algorithm_ms=%.2f total_ms=%.2f\n",
                 static_cast<long long>(t.num_rows()), parse_ms, algo_ms, MillisSince(start));
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// rank

struct RankOptions {
  CommonOptions common;
  std::string method = "bt", anchor;
  int bootstrap = 0;
  uint64_t seed = 0;
  int threads = 0;
  bool davidson = false, winrates = false;
  double k = 4, scale = 400, base = 10, initial = 1000, anchor_rating = 1000;
};

struct Ranking {
  std::vector<double> rating;
  double tie_parameter = 0;
  qc::BootstrapResult ci;  // empty without --bootstrap
};

Ranking ComputeRanking(const RankOptions& o, const qc::BattleTable& b, const qc::RatingScale& scale) {
  Ranking ranking;
  const qc::BtOptions bt_options{.davidson = o.davidson, .scale = scale};
  const qc::EloOptions elo_options{.k = o.k, .scale = scale};
  if (o.method == "elo") {
    ranking.rating = qc::OnlineElo(b, elo_options);
  } else {
    const qc::BtResult bt = qc::BradleyTerry(b, bt_options);
    ranking.rating = bt.rating;
    ranking.tie_parameter = bt.tie_parameter;
    if (!bt.converged) {
      std::fprintf(stderr, "warning: Bradley-Terry did not converge (a model may never lose or win)\n");
    }
  }
  if (o.bootstrap > 0) {
    Stage("bootstrapping");
    const int threads = o.threads > 0 ? o.threads
                                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const qc::BootstrapOptions boot{.rounds = o.bootstrap, .seed = o.seed, .threads = threads};
    ranking.ci = o.method == "elo" ? qc::BootstrapOnlineElo(b, elo_options, boot)
                                   : qc::BootstrapBradleyTerry(b, bt_options, boot);
  }
  return ranking;
}

std::string RenderRankJson(const RankOptions& o, const qc::BattleTable& b, const Ranking& r,
                           const std::vector<size_t>& order, const qc::RatingScale& scale) {
  std::string text = "{\"method\":" + base::JsonQuote(o.method) + ",\"battles\":" + std::to_string(b.num_battles());
  if (o.davidson) text += ",\"tie_parameter\":" + Num(r.tie_parameter);
  text += ",\"models\":[";
  for (size_t i = 0; i < order.size(); ++i) {
    const size_t m = order[i];
    text += (i ? ",{" : "{");
    text += "\"rank\":" + std::to_string(i + 1) + ",\"model\":" + base::JsonQuote(b.model_names[m]) +
            ",\"rating\":" + Num(r.rating[m]);
    if (!r.ci.low.empty()) text += ",\"ci95\":[" + Num(r.ci.low[m]) + "," + Num(r.ci.high[m]) + "]";
    text += "}";
  }
  text += "]";
  if (o.winrates) {  // rows and columns in rank order
    const std::vector<double> p = qc::PredictedWinRates(r.rating, scale);
    text += ",\"predicted_win_rate\":[";
    for (size_t i = 0; i < order.size(); ++i) {
      text += i ? ",[" : "[";
      for (size_t j = 0; j < order.size(); ++j) {
        text += (j ? "," : "") + Num(p[order[i] * r.rating.size() + order[j]]);
      }
      text += "]";
    }
    text += "]";
  }
  return text + "}\n";
}

std::string RenderRankCsv(const qc::BattleTable& b, const Ranking& r, const std::vector<size_t>& order) {
  const bool has_ci = !r.ci.low.empty();
  std::string text = has_ci ? "rank,model,rating,low,high\n" : "rank,model,rating\n";
  for (size_t i = 0; i < order.size(); ++i) {
    const size_t m = order[i];
    text += std::to_string(i + 1) + "," + base::CsvQuote(b.model_names[m]) + "," + Num(r.rating[m]);
    if (has_ci) text += "," + Num(r.ci.low[m]) + "," + Num(r.ci.high[m]);
    text += "\n";
  }
  return text;
}

int RunRank(const RankOptions& o) {
  const auto start = Clock::now();
  ASSAY_ASSIGN_OR_RETURN_INT(input, MappedFile::Open(o.common.input));
  auto parsed = qc::ParseBattles(input->text(), o.common.InputFormatFor(o.common.input),
                                 TerminalProgress(input->text().size()));
  if (!parsed) return Fail(parsed.error());
  const qc::BattleTable& b = *parsed;
  const double parse_ms = MillisSince(start);
  qc::RatingScale scale{.base = o.base, .scale = o.scale, .initial = o.initial,
                        .anchor_rating = o.anchor_rating};
  if (!o.anchor.empty()) {
    const auto it = std::find(b.model_names.begin(), b.model_names.end(), o.anchor);
    if (it == b.model_names.end()) {
      return Fail(base::Error::Invalid("anchor model '" + o.anchor + "' is not in the battles"));
    }
    scale.anchor_model = static_cast<int32_t>(it - b.model_names.begin());
  }
  const auto algo_start = Clock::now();
  const Ranking ranking = ComputeRanking(o, b, scale);
  const double algo_ms = MillisSince(algo_start);
  std::vector<size_t> order(ranking.rating.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return ranking.rating[x] > ranking.rating[y]; });
  const std::string text = o.common.format == "json" ? RenderRankJson(o, b, ranking, order, scale)
                                                     : RenderRankCsv(b, ranking, order);
  if (auto s = WriteOutput(o.common.out, text); !s) return Fail(s.error());
  if (o.common.timing) {
    std::fprintf(stderr, "battles=%lld models=%d parse_ms=%.2f algorithm_ms=%.2f total_ms=%.2f\n",
                 static_cast<long long>(b.num_battles()), b.num_models(), parse_ms, algo_ms,
                 MillisSince(start));
  }
  return 0;
}

}  // namespace

void AddQualityCommand(CLI::App& app) {
  auto* quality = app.add_subcommand("quality", "Offline quality engine: aggregation, agreement, rankings");
  quality->require_subcommand(1);

  auto aggregate_options = std::make_shared<AggregateOptions>();
  auto* aggregate = quality->add_subcommand("aggregate", "Aggregate categorical labels (task,worker,label)");
  AddCommonOptions(aggregate, &aggregate_options->common);
  aggregate->add_option("--method", aggregate_options->method, "aggregation method")
      ->check(CLI::IsMember({"mv", "wawa", "ds", "ods", "glad", "mace"}));
  aggregate->add_option("--gold", aggregate_options->gold, "gold labels file (task,label)");
  aggregate->add_option("--workers-out", aggregate_options->workers_out, "write per-worker skills (CSV) here");
  aggregate->add_option("--max-iter", aggregate_options->max_iterations, "EM iteration limit");
  aggregate->add_option("--tol", aggregate_options->tolerance, "EM tolerance (ds/ods: ELBO per row)");
  aggregate->callback([aggregate_options] { SetExitCode(RunAggregate(*aggregate_options)); });

  auto agreement_options = std::make_shared<AgreementOptions>();
  auto* agreement = quality->add_subcommand("agreement", "Inter-annotator agreement (task,worker,label)");
  AddCommonOptions(agreement, &agreement_options->common);
  agreement->add_option("--level", agreement_options->level, "Krippendorff's alpha level")
      ->check(CLI::IsMember({"nominal", "ordinal", "interval", "ratio"}));
  agreement->add_option("--bootstrap", agreement_options->bootstrap, "bootstrap rounds for alpha's 95% interval");
  agreement->add_option("--seed", agreement_options->seed, "bootstrap seed");
  agreement->add_option("--min-shared", agreement_options->min_shared, "Light's kappa: minimum shared tasks per worker pair");
  agreement->callback([agreement_options] { SetExitCode(RunAgreement(*agreement_options)); });

  auto rank_options = std::make_shared<RankOptions>();
  auto* rank = quality->add_subcommand("rank", "Rank models from battles (model_a,model_b,winner)");
  AddCommonOptions(rank, &rank_options->common);
  rank->add_option("--method", rank_options->method, "bt (Bradley-Terry MLE) or elo (online)")
      ->check(CLI::IsMember({"bt", "elo"}));
  rank->add_option("--bootstrap", rank_options->bootstrap, "bootstrap rounds for 95% intervals");
  rank->add_option("--seed", rank_options->seed, "bootstrap seed");
  rank->add_option("--threads", rank_options->threads, "bootstrap threads (default: all cores)");
  rank->add_flag("--davidson", rank_options->davidson, "Davidson tie model instead of ties as half wins");
  rank->add_flag("--winrates", rank_options->winrates, "include the predicted win-rate matrix (json)");
  rank->add_option("--k", rank_options->k, "Elo K factor");
  rank->add_option("--scale", rank_options->scale, "Elo scale");
  rank->add_option("--base", rank_options->base, "Elo base");
  rank->add_option("--initial", rank_options->initial, "mean rating");
  rank->add_option("--anchor", rank_options->anchor, "model whose rating is fixed");
  rank->add_option("--anchor-rating", rank_options->anchor_rating, "rating of the anchor model");
  rank->callback([rank_options] { SetExitCode(RunRank(*rank_options)); });
}

}  // namespace cli

#include "qc/agreement.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>

#include "base/rng.h"
#include "qc/index_sampler.h"

namespace qc {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
size_t Idx(int64_t v) { return static_cast<size_t>(v); }

// Agreement weights w[i][j] in [0, 1] over the categories either rater used, by rank.
std::vector<double> AgreementWeights(const std::vector<int32_t>& used, KappaWeights weights) {
  const size_t n = used.size();
  std::vector<double> w(n * n, 0.0);
  const double span = n > 1 ? static_cast<double>(n - 1) : 1.0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      const double d = std::abs(static_cast<double>(i) - static_cast<double>(j)) / span;
      switch (weights) {
        case KappaWeights::kNone: w[i * n + j] = i == j ? 1.0 : 0.0; break;
        case KappaWeights::kLinear: w[i * n + j] = 1 - d; break;
        case KappaWeights::kQuadratic: w[i * n + j] = 1 - d * d; break;
      }
    }
  }
  return w;
}

}  // namespace

CohenResult CohenKappaWithError(std::span<const int32_t> rater_a,
                                std::span<const int32_t> rater_b, int32_t num_categories,
                                KappaWeights weights) {
  // Compress to the categories either rater used, keeping their order (rank weighting).
  std::vector<int32_t> rank(Idx(num_categories), -1);
  for (size_t i = 0; i < rater_a.size(); ++i) rank[Idx(rater_a[i])] = rank[Idx(rater_b[i])] = 0;
  std::vector<int32_t> used;
  for (int32_t c = 0; c < num_categories; ++c) {
    if (rank[Idx(c)] < 0) continue;
    rank[Idx(c)] = static_cast<int32_t>(used.size());
    used.push_back(c);
  }
  const size_t n = used.size();
  const double items = static_cast<double>(rater_a.size());
  std::vector<double> p(n * n, 0.0), row(n, 0.0), col(n, 0.0);
  for (size_t i = 0; i < rater_a.size(); ++i) {
    const size_t a = Idx(rank[Idx(rater_a[i])]), b = Idx(rank[Idx(rater_b[i])]);
    p[a * n + b] += 1 / items;
    row[a] += 1 / items;
    col[b] += 1 / items;
  }
  const std::vector<double> w = AgreementWeights(used, weights);
  double observed = 0, expected = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      observed += w[i * n + j] * p[i * n + j];
      expected += w[i * n + j] * row[i] * col[j];
    }
  }
  CohenResult result;
  if (expected >= 1) return {kNaN, kNaN};
  result.kappa = (observed - expected) / (1 - expected);
  // Fleiss, Cohen & Everitt (1969): var = [sum p_ij (w_ij - (wbar_i + wbar_j)(1-k))^2
  //                                         - (k - pe(1-k))^2] / (n (1-pe)^2).
  std::vector<double> wbar_row(n, 0.0), wbar_col(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      wbar_row[i] += col[j] * w[i * n + j];
      wbar_col[j] += row[i] * w[i * n + j];
    }
  }
  const double k = result.kappa;
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      const double d = w[i * n + j] - (wbar_row[i] + wbar_col[j]) * (1 - k);
      sum += p[i * n + j] * d * d;
    }
  }
  const double var = (sum - std::pow(k - expected * (1 - k), 2)) /
                     (items * (1 - expected) * (1 - expected));
  result.standard_error = std::sqrt(std::max(var, 0.0));
  return result;
}

double CohenKappa(std::span<const int32_t> rater_a, std::span<const int32_t> rater_b,
                  int32_t num_categories, KappaWeights weights) {
  return CohenKappaWithError(rater_a, rater_b, num_categories, weights).kappa;
}

FleissResult FleissKappa(std::span<const int32_t> counts, int32_t num_categories) {
  const size_t k = Idx(num_categories);
  const size_t items = k == 0 ? 0 : counts.size() / k;
  FleissResult result;
  result.p_category.assign(k, 0.0);
  result.p_item.assign(items, kNaN);
  double total_ratings = 0, p_sum = 0;
  size_t scored = 0;
  for (size_t i = 0; i < items; ++i) {
    double n = 0, squares = 0;
    for (size_t c = 0; c < k; ++c) {
      const double x = counts[i * k + c];
      n += x;
      squares += x * x;
    }
    if (n < 2) continue;
    result.p_item[i] = (squares - n) / (n * (n - 1));
    p_sum += result.p_item[i];
    ++scored;
    for (size_t c = 0; c < k; ++c) result.p_category[c] += counts[i * k + c];
    total_ratings += n;
  }
  for (double& p : result.p_category) p /= std::max(total_ratings, 1.0);
  result.p_bar = scored > 0 ? p_sum / static_cast<double>(scored) : kNaN;
  for (double p : result.p_category) result.pe_bar += p * p;
  result.kappa = (result.p_bar - result.pe_bar) / (1 - result.pe_bar);
  std::vector<double> disagreement(k, 0.0);
  for (size_t i = 0; i < items; ++i) {
    if (std::isnan(result.p_item[i])) continue;
    double m = 0;
    for (size_t c = 0; c < k; ++c) m += counts[i * k + c];
    for (size_t c = 0; c < k; ++c) {
      const double x = counts[i * k + c];
      disagreement[c] += x * (m - x) / (m * (m - 1));
    }
  }
  for (size_t c = 0; c < k; ++c) {
    const double pq = result.p_category[c] * (1 - result.p_category[c]);
    result.category_kappa.push_back(pq > 0 ? 1 - disagreement[c] / (static_cast<double>(scored) * pq) : kNaN);
  }
  return result;
}

double PercentAgreement(const LabelTable& table) {
  const size_t k = Idx(table.num_labels());
  std::vector<int32_t> counts(Idx(table.num_tasks()) * k, 0);
  for (size_t r = 0; r < table.task.size(); ++r) {
    ++counts[Idx(table.task[r]) * k + Idx(table.label[r])];
  }
  const FleissResult f = FleissKappa(counts, table.num_labels());
  return f.p_bar;
}

AlphaInput AlphaInputFromTable(const LabelTable& table) {
  AlphaInput in;
  in.value_of.resize(Idx(table.num_labels()));
  bool numeric = true;
  for (size_t v = 0; v < in.value_of.size() && numeric; ++v) {
    numeric = ParseNumber(table.label_names[v], &in.value_of[v]);
  }
  if (!numeric) std::iota(in.value_of.begin(), in.value_of.end(), 0.0);
  in.begin.assign(Idx(table.num_tasks()) + 1, 0);
  for (int32_t t : table.task) ++in.begin[Idx(t) + 1];
  for (size_t u = 1; u < in.begin.size(); ++u) in.begin[u] += in.begin[u - 1];
  std::vector<int64_t> cursor(in.begin.begin(), in.begin.end() - 1);
  in.value.resize(table.task.size());
  for (size_t r = 0; r < table.task.size(); ++r) {
    in.value[Idx(cursor[Idx(table.task[r])]++)] = table.label[r];
  }
  return in;
}

namespace {

// One unit's contribution to the coincidence matrix: (c, k, n_uc·n_uk/(m_u-1)) entries, c≠k or
// c==k with n_uc·(n_uc-1)/(m_u-1).
struct Coincidence {
  int32_t c, k;
  double weight;
};

// Sparse contributions of every pairable unit; unit_begin indexes into the returned entries.
std::vector<Coincidence> UnitCoincidences(const AlphaInput& in, std::vector<int64_t>* unit_begin) {
  std::vector<Coincidence> entries;
  std::vector<std::pair<int32_t, int32_t>> distinct;  // (value, count) within a unit
  unit_begin->assign(1, 0);
  for (size_t u = 0; u + 1 < in.begin.size(); ++u) {
    const int64_t m = in.begin[u + 1] - in.begin[u];
    if (m >= 2) {
      distinct.clear();
      for (int64_t i = in.begin[u]; i < in.begin[u + 1]; ++i) {
        const int32_t v = in.value[Idx(i)];
        auto it = std::find_if(distinct.begin(), distinct.end(),
                               [v](const auto& d) { return d.first == v; });
        if (it == distinct.end()) distinct.push_back({v, 1}); else ++it->second;
      }
      const double inv = 1.0 / static_cast<double>(m - 1);
      for (const auto& [c, nc] : distinct) {
        for (const auto& [k, nk] : distinct) {
          const double pairs = c == k ? double(nc) * (nc - 1) : double(nc) * nk;
          if (pairs > 0) entries.push_back({c, k, pairs * inv});
        }
      }
    }
    unit_begin->push_back(static_cast<int64_t>(entries.size()));
  }
  return entries;
}

// delta^2(c, k) for every value pair; ordinal needs the coincidence marginals n_g.
std::vector<double> Distances(const AlphaInput& in, Level level, const std::vector<double>& n_g) {
  const size_t v = in.value_of.size();
  std::vector<double> d(v * v, 0.0);
  std::vector<double> cumulative(v + 1, 0.0);  // sum of n_g over ids < g
  for (size_t g = 0; g < v; ++g) cumulative[g + 1] = cumulative[g] + n_g[g];
  for (size_t c = 0; c < v; ++c) {
    for (size_t k = 0; k < v; ++k) {
      if (c == k) continue;
      const double a = in.value_of[c], b = in.value_of[k];
      double x = 0;
      switch (level) {
        case Level::kNominal: x = 1; break;
        case Level::kOrdinal: {
          const size_t lo = std::min(c, k), hi = std::max(c, k);
          x = cumulative[hi + 1] - cumulative[lo] - (n_g[c] + n_g[k]) / 2;
          x *= x;
          break;
        }
        case Level::kInterval: x = (a - b) * (a - b); break;
        case Level::kRatio: x = a + b == 0 ? 0 : ((a - b) / (a + b)) * ((a - b) / (a + b)); break;
      }
      d[c * v + k] = x;
    }
  }
  return d;
}

// alpha = 1 - (n - 1) · sum o_ck d_ck / sum n_c n_k d_ck.
double AlphaFromCoincidence(const AlphaInput& in, Level level, const std::vector<double>& o) {
  const size_t v = in.value_of.size();
  std::vector<double> n_c(v, 0.0);
  for (size_t c = 0; c < v; ++c) {
    for (size_t k = 0; k < v; ++k) n_c[c] += o[c * v + k];
  }
  const double n = std::accumulate(n_c.begin(), n_c.end(), 0.0);
  const std::vector<double> d = Distances(in, level, n_c);
  double observed = 0, expected = 0;
  for (size_t c = 0; c < v; ++c) {
    for (size_t k = 0; k < v; ++k) {
      observed += o[c * v + k] * d[c * v + k];
      expected += n_c[c] * n_c[k] * d[c * v + k];
    }
  }
  if (expected == 0) return kNaN;
  return 1 - (n - 1) * observed / expected;
}

}  // namespace

double KrippendorffAlpha(const AlphaInput& input, Level level) {
  std::vector<int64_t> unit_begin;
  const std::vector<Coincidence> entries = UnitCoincidences(input, &unit_begin);
  const size_t v = input.value_of.size();
  std::vector<double> o(v * v, 0.0);
  for (const Coincidence& e : entries) o[Idx(e.c) * v + Idx(e.k)] += e.weight;
  return AlphaFromCoincidence(input, level, o);
}

Interval BootstrapAlpha(const AlphaInput& input, Level level, int rounds, uint64_t seed,
                        double confidence, int threads) {
  std::vector<int64_t> unit_begin;
  const std::vector<Coincidence> entries = UnitCoincidences(input, &unit_begin);
  const size_t units = unit_begin.size() - 1;
  const size_t v = input.value_of.size();
  std::vector<double> alphas(Idx(rounds), kNaN);
  auto run = [&](int first) {
    std::vector<double> o(v * v);
    for (int round = first; round < rounds; round += threads) {
      // A generator per round, so results do not depend on the thread count.
      base::Rng rng(seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(round));
      IndexSampler sampler(&rng, units);
      std::fill(o.begin(), o.end(), 0.0);
      for (size_t i = 0; i < units; ++i) {
        const size_t u = sampler.Next();
        for (int64_t e = unit_begin[u]; e < unit_begin[u + 1]; ++e) {
          o[Idx(entries[Idx(e)].c) * v + Idx(entries[Idx(e)].k)] += entries[Idx(e)].weight;
        }
      }
      alphas[Idx(round)] = AlphaFromCoincidence(input, level, o);
    }
  };
  threads = std::max(1, threads);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  for (std::thread& t : pool) t.join();
  std::erase_if(alphas, [](double a) { return std::isnan(a); });
  if (alphas.empty() || units == 0) return {kNaN, kNaN};
  std::sort(alphas.begin(), alphas.end());
  const double tail = (1 - confidence) / 2;
  auto quantile = [&](double q) {  // linear interpolation, as numpy's default
    const double pos = q * static_cast<double>(alphas.size() - 1);
    const size_t lo = static_cast<size_t>(pos);
    const size_t hi = std::min(lo + 1, alphas.size() - 1);
    return alphas[lo] + (alphas[hi] - alphas[lo]) * (pos - static_cast<double>(lo));
  };
  return {quantile(tail), quantile(1 - tail)};
}

Interval WilsonInterval(int64_t successes, int64_t trials, double z) {
  if (trials <= 0) return {0.0, 1.0};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  // At p = 0 or 1 the bound is exactly 0 or 1; say so instead of leaving rounding noise.
  const double low = successes == 0 ? 0.0 : std::max(0.0, center - half);
  const double high = successes == trials ? 1.0 : std::min(1.0, center + half);
  return {low, high};
}

GoldAccuracy WorkerGoldAccuracy(const LabelTable& table, const GoldLabels& gold) {
  GoldAccuracy g;
  const size_t workers = Idx(table.num_workers());
  g.correct.assign(workers, 0);
  g.scored.assign(workers, 0);
  for (size_t r = 0; r < table.task.size(); ++r) {
    const int32_t truth = gold[Idx(table.task[r])];
    if (truth < 0) continue;
    ++g.scored[Idx(table.worker[r])];
    g.correct[Idx(table.worker[r])] += table.label[r] == truth ? 1 : 0;
  }
  for (size_t w = 0; w < workers; ++w) {
    g.accuracy.push_back(g.scored[w] > 0 ? double(g.correct[w]) / double(g.scored[w]) : kNaN);
    g.interval.push_back(WilsonInterval(g.correct[w], g.scored[w]));
  }
  return g;
}

}  // namespace qc

namespace qc {

namespace {

// Calls fn(worker_a, worker_b, label_a, label_b) for every pair of distinct workers on every
// task (worker_a < worker_b), using each worker's first answer on the task.
template <typename Fn>
void ForEachWorkerPair(const LabelTable& table, const std::vector<int64_t>& begin,
                       const std::vector<int32_t>& rows, const Fn& fn) {
  for (size_t t = 0; t + 1 < begin.size(); ++t) {
    for (int64_t i = begin[t]; i < begin[t + 1]; ++i) {
      const int32_t wi = table.worker[Idx(rows[Idx(i)])];
      bool repeat_i = false;
      for (int64_t k = begin[t]; k < i && !repeat_i; ++k) repeat_i = table.worker[Idx(rows[Idx(k)])] == wi;
      if (repeat_i) continue;
      for (int64_t j = begin[t]; j < begin[t + 1]; ++j) {
        const int32_t wj = table.worker[Idx(rows[Idx(j)])];
        if (wi >= wj) continue;
        bool repeat_j = false;
        for (int64_t k = begin[t]; k < j && !repeat_j; ++k) repeat_j = table.worker[Idx(rows[Idx(k)])] == wj;
        if (!repeat_j) fn(wi, wj, table.label[Idx(rows[Idx(i)])], table.label[Idx(rows[Idx(j)])]);
      }
    }
  }
}

// Mean kappa over the groups of `a`/`b` delimited by `start` with at least `min_size` items.
LightsKappaResult MeanGroupKappa(const std::vector<int64_t>& start, const std::vector<int32_t>& a,
                                 const std::vector<int32_t>& b, int64_t min_size,
                                 int32_t num_labels, KappaWeights weights) {
  LightsKappaResult result;
  double sum = 0;
  for (size_t g = 0; g + 1 < start.size(); ++g) {
    const int64_t n = start[g + 1] - start[g];
    if (n < min_size || n == 0) continue;
    const std::span<const int32_t> ga(a.data() + start[g], Idx(n)), gb(b.data() + start[g], Idx(n));
    const double k = CohenKappa(ga, gb, num_labels, weights);
    if (std::isnan(k)) continue;
    sum += k;
    ++result.pairs;
  }
  result.kappa = result.pairs > 0 ? sum / static_cast<double>(result.pairs) : kNaN;
  return result;
}

}  // namespace

LightsKappaResult LightsKappa(const LabelTable& table, int32_t min_shared_tasks,
                              KappaWeights weights) {
  // Rows grouped by task (counting sort).
  const size_t tasks = Idx(table.num_tasks());
  std::vector<int64_t> begin(tasks + 1, 0);
  for (int32_t t : table.task) ++begin[Idx(t) + 1];
  for (size_t t = 1; t <= tasks; ++t) begin[t] += begin[t - 1];
  std::vector<int64_t> cursor(begin.begin(), begin.end() - 1);
  std::vector<int32_t> rows(table.task.size());
  for (size_t r = 0; r < table.task.size(); ++r) rows[Idx(cursor[Idx(table.task[r])]++)] = static_cast<int32_t>(r);
  const int64_t workers = table.num_workers();
  const int64_t min_size = std::max<int64_t>(min_shared_tasks, 1);
  if (workers * workers <= (int64_t{1} << 22)) {  // up to 2048 workers: 32 MB of offsets
    // Two passes over the pairs: count per worker pair, then place only the labels of pairs
    // that qualify, already grouped — no pair records, no sort.
    std::vector<int64_t> start(Idx(workers * workers) + 1, 0);
    ForEachWorkerPair(table, begin, rows, [&](int32_t wa, int32_t wb, int32_t, int32_t) {
      ++start[Idx(wa * workers + wb) + 1];
    });
    for (size_t k = 1; k < start.size(); ++k) {
      const int64_t n = start[k];  // still a count here
      start[k] = start[k - 1] + (n >= min_size ? n : 0);
    }
    std::vector<int32_t> a(Idx(start.back())), b(a.size());
    std::vector<int64_t> fill(start.begin(), start.end() - 1);
    ForEachWorkerPair(table, begin, rows, [&](int32_t wa, int32_t wb, int32_t la, int32_t lb) {
      const size_t key = Idx(wa * workers + wb);
      if (start[key + 1] == start[key]) return;  // pair does not qualify
      a[Idx(fill[key])] = la;
      b[Idx(fill[key]++)] = lb;
    });
    return MeanGroupKappa(start, a, b, min_size, table.num_labels(), weights);
  }
  // Many workers: sort (key, labels) records instead of a dense pair table.
  struct PairLabel {
    int64_t key;
    int32_t a, b;
  };
  std::vector<PairLabel> records;
  ForEachWorkerPair(table, begin, rows, [&](int32_t wa, int32_t wb, int32_t la, int32_t lb) {
    records.push_back({wa * workers + wb, la, lb});
  });
  std::sort(records.begin(), records.end(),
            [](const PairLabel& x, const PairLabel& y) { return x.key < y.key; });
  std::vector<int64_t> start = {0};
  std::vector<int32_t> a, b;
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0 && records[i].key != records[i - 1].key) start.push_back(static_cast<int64_t>(i));
    a.push_back(records[i].a);
    b.push_back(records[i].b);
  }
  start.push_back(static_cast<int64_t>(records.size()));
  return MeanGroupKappa(start, a, b, min_size, table.num_labels(), weights);
}

}  // namespace qc

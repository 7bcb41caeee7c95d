#include "qc/ranking.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>
#include <unordered_map>

#include "base/rng.h"
#include "qc/index_sampler.h"

namespace qc {
namespace {

size_t Idx(int64_t v) { return static_cast<size_t>(v); }

// Battles aggregated per unordered model pair (i < j): counts[3*cell + o], o = 0 i won,
// 1 j won, 2 tie. Fitting cost depends on the number of pairs, not battles.
struct Cells {
  int32_t num_models = 0;
  std::vector<int32_t> i, j;
  std::vector<double> counts;
  std::vector<int32_t> cell_of_battle;  // -1 for self-battles (ignored)
  std::vector<uint8_t> code_of_battle;
};

uint8_t CodeFor(Outcome outcome, bool swapped) {
  if (outcome == Outcome::kTie || outcome == Outcome::kTieBothBad) return 2;
  const bool a_won = outcome == Outcome::kModelA;
  return (a_won != swapped) ? 0 : 1;
}

Cells BuildCells(const BattleTable& battles) {
  Cells cells;
  const size_t n = Idx(battles.num_models());
  cells.num_models = battles.num_models();
  // A dense pair table for up to 2048 models (16 MB), a hash map beyond.
  const bool dense = n <= 2048;
  std::vector<int32_t> dense_cell(dense ? n * n : 0, -1);
  std::unordered_map<int64_t, int32_t> sparse_cell;
  cells.cell_of_battle.resize(Idx(battles.num_battles()));
  cells.code_of_battle.resize(Idx(battles.num_battles()));
  for (size_t r = 0; r < cells.cell_of_battle.size(); ++r) {
    int32_t a = battles.model_a[r], b = battles.model_b[r];
    if (a == b) {
      cells.cell_of_battle[r] = -1;
      continue;
    }
    const bool swapped = a > b;
    if (swapped) std::swap(a, b);
    const int64_t key = static_cast<int64_t>(a) * static_cast<int64_t>(n) + b;
    int32_t& slot = dense ? dense_cell[Idx(key)] : sparse_cell.try_emplace(key, -1).first->second;
    if (slot < 0) {
      slot = static_cast<int32_t>(cells.i.size());
      cells.i.push_back(a);
      cells.j.push_back(b);
      cells.counts.insert(cells.counts.end(), 3, 0.0);
    }
    cells.cell_of_battle[r] = slot;
    cells.code_of_battle[r] = CodeFor(battles.outcome[r], swapped);
    cells.counts[Idx(slot) * 3 + cells.code_of_battle[r]] += 1;
  }
  return cells;
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Parameters: theta[0..n) natural-log strengths, then log nu when Davidson.
// Adds the log-likelihood gradient to grad and, if neg_hess is set, minus its Hessian.
// With want_ll = false only derivatives are computed (no logs: the bootstrap's inner loop).
double LogLikelihood(const Cells& cells, const std::vector<double>& counts, bool davidson,
                     const std::vector<double>& x, std::vector<double>* grad,
                     std::vector<double>* neg_hess, bool want_ll = true) {
  const size_t dim = x.size();
  std::fill(grad->begin(), grad->end(), 0.0);
  if (neg_hess != nullptr) std::fill(neg_hess->begin(), neg_hess->end(), 0.0);
  double ll = 0;
  auto H = [&](size_t r, size_t c, double v) { (*neg_hess)[r * dim + c] += v; };
  for (size_t cell = 0; cell < cells.i.size(); ++cell) {
    const size_t i = Idx(cells.i[cell]), j = Idx(cells.j[cell]);
    const double wi = counts[3 * cell], wj = counts[3 * cell + 1], tie = counts[3 * cell + 2];
    const double total = wi + wj + tie;
    if (total == 0) continue;
    if (!davidson) {
      const double si = wi + tie / 2, sj = wj + tie / 2;
      const double d = x[i] - x[j];
      const double p = Sigmoid(d);
      if (want_ll) ll += si * std::log(p) + sj * std::log1p(-p);
      (*grad)[i] += si - total * p;
      (*grad)[j] -= si - total * p;
      if (neg_hess != nullptr) {
        const double h = total * p * (1 - p);
        H(i, i, h), H(j, j, h), H(i, j, -h), H(j, i, -h);
      }
      continue;
    }
    // Davidson: softmax over (theta_i, theta_j, log nu + (theta_i + theta_j) / 2).
    const size_t l = dim - 1;
    const double z[3] = {x[i], x[j], x[l] + (x[i] + x[j]) / 2};
    const double m = std::max({z[0], z[1], z[2]});
    const double e[3] = {std::exp(z[0] - m), std::exp(z[1] - m), std::exp(z[2] - m)};
    const double sum = e[0] + e[1] + e[2];
    const double p1 = e[0] / sum, p2 = e[1] / sum, p3 = e[2] / sum;
    if (want_ll) ll += wi * z[0] + wj * z[1] + tie * z[2] - total * (m + std::log(sum));
    const double mu[3] = {p1 + p3 / 2, p2 + p3 / 2, p3};
    (*grad)[i] += wi + tie / 2 - total * mu[0];
    (*grad)[j] += wj + tie / 2 - total * mu[1];
    (*grad)[l] += tie - total * mu[2];
    if (neg_hess != nullptr) {
      const double s[3][3] = {{p1 + p3 / 4, p3 / 4, p3 / 2},
                              {p3 / 4, p2 + p3 / 4, p3 / 2},
                              {p3 / 2, p3 / 2, p3}};
      const size_t idx[3] = {i, j, l};
      for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) H(idx[r], idx[c], total * (s[r][c] - mu[r] * mu[c]));
      }
    }
  }
  return ll;
}

// In-place Cholesky of a dim×dim SPD matrix (lower triangle); false if not positive definite.
bool Cholesky(std::vector<double>* a, size_t dim) {
  std::vector<double>& m = *a;
  for (size_t c = 0; c < dim; ++c) {
    double d = m[c * dim + c];
    for (size_t k = 0; k < c; ++k) d -= m[c * dim + k] * m[c * dim + k];
    if (!(d > 0)) return false;
    d = std::sqrt(d);
    m[c * dim + c] = d;
    for (size_t r = c + 1; r < dim; ++r) {
      double v = m[r * dim + c];
      for (size_t k = 0; k < c; ++k) v -= m[r * dim + k] * m[c * dim + k];
      m[r * dim + c] = v / d;
    }
  }
  return true;
}

void CholeskySolve(const std::vector<double>& l, size_t dim, std::vector<double>* b) {
  std::vector<double>& x = *b;
  for (size_t r = 0; r < dim; ++r) {
    for (size_t k = 0; k < r; ++k) x[r] -= l[r * dim + k] * x[k];
    x[r] /= l[r * dim + r];
  }
  for (size_t r = dim; r-- > 0;) {
    for (size_t k = r + 1; k < dim; ++k) x[r] -= l[k * dim + r] * x[k];
    x[r] /= l[r * dim + r];
  }
}

// Factor of minus the Hessian on the free coordinates (all but theta_0, the gauge), with a
// tiny ridge added when models are disconnected or unseen.
std::vector<double> FactorFree(const std::vector<double>& neg_hess, size_t dim) {
  const size_t free = dim - 1;
  for (double ridge = 0; ; ridge = ridge == 0 ? 1e-9 : ridge * 100) {
    std::vector<double> a(free * free);
    for (size_t r = 0; r < free; ++r) {
      for (size_t c = 0; c < free; ++c) a[r * free + c] = neg_hess[(r + 1) * dim + (c + 1)];
      a[r * free + r] += ridge;
    }
    if (Cholesky(&a, free)) return a;
  }
}

// Newton step on the free coordinates: solves (-H) step = grad.
std::vector<double> FreeStep(const std::vector<double>& factor, const std::vector<double>& grad) {
  const size_t free = grad.size() - 1;
  std::vector<double> step(grad.begin() + 1, grad.end());
  CholeskySolve(factor, free, &step);
  step.insert(step.begin(), 0.0);
  return step;
}

double MaxAbs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

struct NewtonFit {
  std::vector<double> x;
  int iterations = 0;
  bool converged = false;
};

// Damped Newton with backtracking from x0.
NewtonFit FitNewton(const Cells& cells, const std::vector<double>& counts, bool davidson,
                    std::vector<double> x0, const BtOptions& options) {
  const size_t dim = x0.size();
  NewtonFit fit{std::move(x0)};
  std::vector<double> grad(dim), neg_hess(dim * dim), scratch(dim);
  double ll = LogLikelihood(cells, counts, davidson, fit.x, &grad, &neg_hess);
  if (dim < 2) return {fit.x, 0, true};
  while (fit.iterations < options.max_iterations && !fit.converged) {
    ++fit.iterations;
    std::vector<double> step = FreeStep(FactorFree(neg_hess, dim), grad);
    for (int halvings = 0; halvings < 40; ++halvings) {
      std::vector<double> next(dim);
      for (size_t d = 0; d < dim; ++d) next[d] = fit.x[d] + step[d];
      const double next_ll = LogLikelihood(cells, counts, davidson, next, &scratch, nullptr);
      if (next_ll >= ll - 1e-12 * std::abs(ll)) {
        fit.x = std::move(next);
        break;
      }
      for (double& s : step) s /= 2;
    }
    fit.converged = MaxAbs(step) < options.tolerance;
    ll = LogLikelihood(cells, counts, davidson, fit.x, &grad, &neg_hess);
  }
  return fit;
}

std::vector<double> ToEloScale(const std::vector<double>& x, int32_t num_models,
                               const RatingScale& scale) {
  const size_t n = Idx(num_models);
  const double mean = n > 0 ? std::accumulate(x.begin(), x.begin() + static_cast<ptrdiff_t>(n), 0.0) / n : 0;
  std::vector<double> rating(n);
  for (size_t m = 0; m < n; ++m) {
    rating[m] = (x[m] - mean) / std::log(scale.base) * scale.scale + scale.initial;
  }
  if (scale.anchor_model >= 0 && Idx(scale.anchor_model) < n) {
    const double shift = scale.anchor_rating - rating[Idx(scale.anchor_model)];
    for (double& r : rating) r += shift;
  }
  return rating;
}

std::vector<double> InitialParams(const BattleTable& battles, bool davidson) {
  std::vector<double> x(Idx(battles.num_models()) + (davidson ? 1 : 0), 0.0);
  return x;
}

}  // namespace

bool ParseOutcome(std::string_view winner, Outcome* outcome) {
  if (winner == "model_a") *outcome = Outcome::kModelA;
  else if (winner == "model_b") *outcome = Outcome::kModelB;
  else if (winner == "tie") *outcome = Outcome::kTie;
  else if (winner == "tie (bothbad)") *outcome = Outcome::kTieBothBad;
  else return false;
  return true;
}

void BattleTableBuilder::Reserve(size_t rows) {
  a_.reserve(rows);
  b_.reserve(rows);
  outcome_.reserve(rows);
}

void BattleTableBuilder::Add(std::string_view model_a, std::string_view model_b,
                             Outcome outcome) {
  a_.push_back(models_.Intern(model_a));
  b_.push_back(models_.Intern(model_b));
  outcome_.push_back(outcome);
}

BattleTable BattleTableBuilder::Build() && {
  BattleTable table;
  table.model_names = models_.names();
  table.model_a = std::move(a_);
  table.model_b = std::move(b_);
  table.outcome = std::move(outcome_);
  table.owner = std::make_shared<const StringInterner>(std::move(models_));
  return table;
}

BtResult BradleyTerry(const BattleTable& battles, const BtOptions& options) {
  const Cells cells = BuildCells(battles);
  NewtonFit fit = FitNewton(cells, cells.counts, options.davidson,
                            InitialParams(battles, options.davidson), options);
  BtResult result;
  result.rating = ToEloScale(fit.x, battles.num_models(), options.scale);
  result.tie_parameter = options.davidson ? std::exp(fit.x.back()) : 0.0;
  result.iterations = fit.iterations;
  result.converged = fit.converged;
  return result;
}

std::vector<double> OnlineElo(const BattleTable& battles, const EloOptions& options) {
  const double alpha = std::log(options.scale.base) / options.scale.scale;
  std::vector<double> rating(Idx(battles.num_models()), options.scale.initial);
  for (size_t r = 0; r < battles.outcome.size(); ++r) {
    double& ra = rating[Idx(battles.model_a[r])];
    double& rb = rating[Idx(battles.model_b[r])];
    const Outcome o = battles.outcome[r];
    const double score = o == Outcome::kModelA ? 1.0 : (o == Outcome::kModelB ? 0.0 : 0.5);
    const double expected = 1.0 / (1.0 + std::exp(alpha * (rb - ra)));
    const double update = options.k * (score - expected);
    ra += update;
    rb -= update;
  }
  const RatingScale& s = options.scale;
  if (s.anchor_model >= 0 && Idx(s.anchor_model) < rating.size()) {
    const double shift = s.anchor_rating - rating[Idx(s.anchor_model)];
    for (double& r : rating) r += shift;
  }
  return rating;
}

namespace {

double Quantile(std::vector<double>* values, double q) {
  std::sort(values->begin(), values->end());
  const double pos = q * static_cast<double>(values->size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, values->size() - 1);
  return (*values)[lo] + ((*values)[hi] - (*values)[lo]) * (pos - static_cast<double>(lo));
}

// Refits one resample. Chord method: reuses the factor of the full-data Hessian, which is close
// to the resample's, so each round costs O(pairs + models²) per iteration instead of a new
// O(models³) factorisation; falls back to full Newton if that does not converge.
std::vector<double> RefitResample(const Cells& cells, const std::vector<double>& counts,
                                  const std::vector<double>& full_x,
                                  const std::vector<double>& factor, const BtOptions& options) {
  std::vector<double> x = full_x, grad(x.size());
  for (int it = 0; it < 50; ++it) {
    LogLikelihood(cells, counts, options.davidson, x, &grad, nullptr, /*want_ll=*/false);
    const std::vector<double> step = FreeStep(factor, grad);
    for (size_t d = 0; d < x.size(); ++d) x[d] += step[d];
    if (MaxAbs(step) < 1e-9) return x;
  }
  return FitNewton(cells, counts, options.davidson, full_x, options).x;
}

}  // namespace

namespace {

// Runs round_fn(round, ratings_out) for every round on `threads` threads and summarises the
// per-model percentiles. Each round seeds its own generator, so results do not depend on the
// thread count.
template <typename RoundFn>
BootstrapResult RunRounds(size_t models, const BootstrapOptions& bootstrap, const RoundFn& round_fn) {
  const size_t rounds = Idx(std::max(bootstrap.rounds, 0));
  std::vector<double> ratings(rounds * models);  // round-major
  auto run = [&](size_t first, size_t stride) {
    for (size_t round = first; round < rounds; round += stride) {
      base::Rng rng(bootstrap.seed * 0x9E3779B97F4A7C15ULL + round);
      round_fn(&rng, &ratings[round * models]);
    }
  };
  const size_t threads = Idx(std::max(1, bootstrap.threads));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(run, t, threads);
  run(0, threads);
  for (std::thread& t : pool) t.join();
  BootstrapResult result;
  if (rounds == 0) return result;
  const double tail = (1 - bootstrap.confidence) / 2;
  std::vector<double> column(rounds);
  for (size_t m = 0; m < models; ++m) {
    for (size_t round = 0; round < rounds; ++round) column[round] = ratings[round * models + m];
    result.low.push_back(Quantile(&column, tail));
    result.median.push_back(Quantile(&column, 0.5));
    result.high.push_back(Quantile(&column, 1 - tail));
  }
  return result;
}

}  // namespace

BootstrapResult BootstrapBradleyTerry(const BattleTable& battles, const BtOptions& options,
                                      const BootstrapOptions& bootstrap) {
  const Cells cells = BuildCells(battles);
  const NewtonFit full = FitNewton(cells, cells.counts, options.davidson,
                                   InitialParams(battles, options.davidson), options);
  const size_t dim = full.x.size();
  std::vector<double> grad(dim), neg_hess(dim * dim);
  LogLikelihood(cells, cells.counts, options.davidson, full.x, &grad, &neg_hess);
  const std::vector<double> factor = dim > 1 ? FactorFree(neg_hess, dim) : std::vector<double>{};
  const uint64_t n = static_cast<uint64_t>(battles.num_battles());
  return RunRounds(Idx(battles.num_models()), bootstrap, [&](base::Rng* rng, double* out) {
    std::vector<double> counts(cells.counts.size(), 0.0);
    IndexSampler sampler(rng, n);
    for (uint64_t draw = 0; draw < n; ++draw) {
      const size_t r = sampler.Next();
      const int32_t cell = cells.cell_of_battle[r];
      if (cell >= 0) counts[Idx(cell) * 3 + cells.code_of_battle[r]] += 1;
    }
    const std::vector<double> x =
        dim > 1 ? RefitResample(cells, counts, full.x, factor, options) : full.x;
    const std::vector<double> r = ToEloScale(x, battles.num_models(), options.scale);
    std::copy(r.begin(), r.end(), out);
  });
}

BootstrapResult BootstrapOnlineElo(const BattleTable& battles, const EloOptions& options,
                                   const BootstrapOptions& bootstrap) {
  const uint64_t n = static_cast<uint64_t>(battles.num_battles());
  return RunRounds(Idx(battles.num_models()), bootstrap, [&](base::Rng* rng, double* out) {
    BattleTable sample;
    sample.model_names = battles.model_names;
    sample.model_a.resize(n);
    sample.model_b.resize(n);
    sample.outcome.resize(n);
    IndexSampler sampler(rng, n);
    for (uint64_t i = 0; i < n; ++i) {
      const size_t r = sampler.Next();
      sample.model_a[i] = battles.model_a[r];
      sample.model_b[i] = battles.model_b[r];
      sample.outcome[i] = battles.outcome[r];
    }
    const std::vector<double> r = OnlineElo(sample, options);
    std::copy(r.begin(), r.end(), out);
  });
}

std::vector<double> PredictedWinRates(const std::vector<double>& rating,
                                      const RatingScale& scale) {
  const size_t n = rating.size();
  std::vector<double> p(n * n, 0.5);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      p[i * n + j] = 1.0 / (1.0 + std::pow(scale.base, (rating[j] - rating[i]) / scale.scale));
    }
  }
  return p;
}

}  // namespace qc

// GLAD (Whitehill et al. 2009) and MACE (Hovy et al. 2013).
//
// GLAD: P(worker w answers the truth of task t) = sigmoid(alpha_w * exp(beta_t)); wrong answers
// are uniform over the other K-1 labels; N(1, 1) priors on alpha and beta, uniform label prior —
// the model crowd-kit fits. The M-step here is diagonal Newton (Fisher scoring) per parameter
// instead of scipy's conjugate gradient, so values match crowd-kit only approximately.
//
// MACE: each answer is the truth with probability theta_w, else drawn from the worker's spam
// distribution xi_w. EM with additive smoothing (MACE's EM mode) from a deterministic start
// (theta = initial_competence, xi uniform) instead of random restarts.
#include <algorithm>
#include <cmath>

#include "qc/aggregation.h"
#include "qc/aggregation_internal.h"

namespace qc {
namespace {

using internal::Idx;

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
// log(1 + exp(x)) without overflow.
double Softplus(double x) { return x > 30 ? x : (x < -30 ? std::exp(x) : std::log1p(std::exp(x))); }

struct GladParams {
  std::vector<double> alpha;  // per worker
  std::vector<double> beta;   // per task
};

// E-step; returns the marginal log-likelihood.
double GladEStep(const LabelTable& table, const GladParams& p, std::vector<double>* posterior) {
  const size_t k = Idx(table.num_labels());
  const double log_wrong_share = k > 1 ? std::log(static_cast<double>(k - 1)) : 0.0;
  const double log_prior = -std::log(static_cast<double>(k));
  std::fill(posterior->begin(), posterior->end(), log_prior);
  for (size_t r = 0; r < table.task.size(); ++r) {
    const double x = p.alpha[Idx(table.worker[r])] * std::exp(p.beta[Idx(table.task[r])]);
    const double log_right = -Softplus(-x);
    const double log_wrong = -Softplus(x) - log_wrong_share;
    double* s = &(*posterior)[Idx(table.task[r]) * k];
    for (size_t c = 0; c < k; ++c) s[c] += log_wrong;
    s[Idx(table.label[r])] += log_right - log_wrong;
  }
  return internal::SoftmaxRows(table.num_labels(), posterior);
}

// Expected complete log-likelihood Q plus the log priors (up to constants).
double GladQ(const LabelTable& table, const GladParams& p, const std::vector<double>& posterior) {
  const size_t k = Idx(table.num_labels());
  const double log_wrong_share = k > 1 ? std::log(static_cast<double>(k - 1)) : 0.0;
  double q = 0;
  for (size_t r = 0; r < table.task.size(); ++r) {
    const double x = p.alpha[Idx(table.worker[r])] * std::exp(p.beta[Idx(table.task[r])]);
    const double right = posterior[Idx(table.task[r]) * k + Idx(table.label[r])];
    q += right * -Softplus(-x) + (1 - right) * (-Softplus(x) - log_wrong_share);
  }
  for (double a : p.alpha) q -= 0.5 * (a - 1) * (a - 1);
  for (double b : p.beta) q -= 0.5 * (b - 1) * (b - 1);
  return q;
}

// One Fisher-scoring step for every alpha, then for every beta.
void GladNewtonStep(const LabelTable& table, const std::vector<double>& posterior,
                    GladParams* p) {
  const size_t k = Idx(table.num_labels());
  std::vector<double> grad(p->alpha.size()), hess(p->alpha.size());
  for (size_t w = 0; w < grad.size(); ++w) {
    grad[w] = -(p->alpha[w] - 1);
    hess[w] = 1;
  }
  for (size_t r = 0; r < table.task.size(); ++r) {
    const size_t w = Idx(table.worker[r]);
    const double scale = std::exp(p->beta[Idx(table.task[r])]);
    const double s = Sigmoid(p->alpha[w] * scale);
    grad[w] += (posterior[Idx(table.task[r]) * k + Idx(table.label[r])] - s) * scale;
    hess[w] += s * (1 - s) * scale * scale;
  }
  for (size_t w = 0; w < grad.size(); ++w) p->alpha[w] += std::clamp(grad[w] / hess[w], -2.0, 2.0);
  grad.assign(p->beta.size(), 0.0);
  hess.assign(p->beta.size(), 1.0);
  for (size_t t = 0; t < grad.size(); ++t) grad[t] = -(p->beta[t] - 1);
  for (size_t r = 0; r < table.task.size(); ++r) {
    const size_t t = Idx(table.task[r]);
    const double x = p->alpha[Idx(table.worker[r])] * std::exp(p->beta[t]);
    const double s = Sigmoid(x);
    grad[t] += (posterior[t * k + Idx(table.label[r])] - s) * x;
    hess[t] += s * (1 - s) * x * x;
  }
  for (size_t t = 0; t < grad.size(); ++t) p->beta[t] += std::clamp(grad[t] / hess[t], -2.0, 2.0);
}

}  // namespace

AggregationResult Glad(const LabelTable& table, const GladOptions& options,
                       const GoldLabels* gold) {
  GladParams params{std::vector<double>(Idx(table.num_workers()), 1.0),
                    std::vector<double>(Idx(table.num_tasks()), 1.0)};
  AggregationResult result;
  result.num_labels = table.num_labels();
  result.posterior.assign(Idx(table.num_tasks()) * Idx(table.num_labels()), 0.0);
  result.log_likelihood = GladEStep(table, params, &result.posterior);
  internal::ApplyGold(gold, table.num_labels(), &result.posterior);
  double q = GladQ(table, params, result.posterior);
  result.converged = false;
  for (int it = 1; it <= options.max_iterations && !result.converged; ++it) {
    for (int step = 0; step < options.newton_steps; ++step) {
      GladNewtonStep(table, result.posterior, &params);
    }
    result.log_likelihood = GladEStep(table, params, &result.posterior);
    internal::ApplyGold(gold, table.num_labels(), &result.posterior);
    const double next_q = GladQ(table, params, result.posterior);
    result.iterations = it;
    result.converged = std::abs(next_q - q) < options.tolerance * std::max(1.0, std::abs(q));
    q = next_q;
  }
  internal::ChooseLabels(table.num_labels(), &result);
  result.prior.assign(Idx(table.num_labels()), 1.0 / table.num_labels());
  result.worker_skill = std::move(params.alpha);
  result.task_difficulty = std::move(params.beta);
  return result;
}

namespace {

struct MaceParams {
  std::vector<double> theta;  // per worker: P(answer is not spam)
  std::vector<double> xi;     // worker × K: spam distribution
};

// E-step with P(label l | truth c) = theta·[l == c] + (1 - theta)·xi[l].
double MaceEStep(const LabelTable& table, const MaceParams& p, std::vector<double>* posterior) {
  const size_t k = Idx(table.num_labels());
  std::fill(posterior->begin(), posterior->end(), 0.0);
  for (size_t r = 0; r < table.task.size(); ++r) {
    const size_t w = Idx(table.worker[r]);
    const size_t l = Idx(table.label[r]);
    const double spam = (1 - p.theta[w]) * p.xi[w * k + l];
    double* s = &(*posterior)[Idx(table.task[r]) * k];
    const double log_spam = std::log(spam);
    for (size_t c = 0; c < k; ++c) s[c] += log_spam;
    s[l] += std::log(p.theta[w] + spam) - log_spam;
  }
  return internal::SoftmaxRows(table.num_labels(), posterior);
}

void MaceMStep(const LabelTable& table, const std::vector<double>& posterior, double smoothing,
               MaceParams* p) {
  const size_t k = Idx(table.num_labels());
  std::vector<double> honest(p->theta.size(), smoothing), total(p->theta.size(), 2 * smoothing);
  std::vector<double> spam_counts(p->xi.size(), smoothing);
  for (size_t r = 0; r < table.task.size(); ++r) {
    const size_t w = Idx(table.worker[r]);
    const size_t l = Idx(table.label[r]);
    const double spam = (1 - p->theta[w]) * p->xi[w * k + l];
    // P(not spam | answer l) = P(truth = l) · theta / (theta + spam).
    const double h = posterior[Idx(table.task[r]) * k + l] * p->theta[w] / (p->theta[w] + spam);
    honest[w] += h;
    total[w] += 1;
    spam_counts[w * k + l] += 1 - h;
  }
  for (size_t w = 0; w < p->theta.size(); ++w) {
    p->theta[w] = honest[w] / total[w];
    double sum = 0;
    for (size_t c = 0; c < k; ++c) sum += spam_counts[w * k + c];
    for (size_t c = 0; c < k; ++c) p->xi[w * k + c] = spam_counts[w * k + c] / sum;
  }
}

}  // namespace

AggregationResult Mace(const LabelTable& table, const MaceOptions& options,
                       const GoldLabels* gold) {
  const size_t k = Idx(table.num_labels());
  MaceParams params{std::vector<double>(Idx(table.num_workers()), options.initial_competence),
                    std::vector<double>(Idx(table.num_workers()) * k, 1.0 / static_cast<double>(k))};
  AggregationResult result;
  result.num_labels = table.num_labels();
  result.posterior.assign(Idx(table.num_tasks()) * k, 0.0);
  double log_likelihood = MaceEStep(table, params, &result.posterior);
  internal::ApplyGold(gold, table.num_labels(), &result.posterior);
  result.converged = false;
  for (int it = 1; it <= options.max_iterations && !result.converged; ++it) {
    MaceMStep(table, result.posterior, options.smoothing, &params);
    const double next = MaceEStep(table, params, &result.posterior);
    internal::ApplyGold(gold, table.num_labels(), &result.posterior);
    result.iterations = it;
    result.converged =
        std::abs(next - log_likelihood) < options.tolerance * std::max(1.0, std::abs(log_likelihood));
    log_likelihood = next;
  }
  result.log_likelihood = log_likelihood;
  internal::ChooseLabels(table.num_labels(), &result);
  result.prior.assign(k, 1.0 / static_cast<double>(k));
  result.worker_skill = std::move(params.theta);
  return result;
}

}  // namespace qc

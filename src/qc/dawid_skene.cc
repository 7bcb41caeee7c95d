// Dawid–Skene EM with full confusion matrices, and its one-coin (homogeneous) variant.
//
// Layout: error[(w * K + observed) * K + true] = P(worker w answers `observed` | truth `true`),
// so the E-step reads K contiguous values per row. Pairs (w, observed) that never occur in the
// data are not part of the model (as in crowd-kit, where they have no row in errors_).
#include <algorithm>
#include <cmath>
#include <limits>

#include "qc/aggregation.h"
#include "qc/aggregation_internal.h"

namespace qc {
namespace {

using internal::Idx;

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

struct Model {
  int32_t k = 0;
  int32_t workers = 0;
  std::vector<uint8_t> present;  // per (w, observed)
  std::vector<int64_t> rows_of_worker;
  std::vector<double> prior;
  std::vector<double> error;
  std::vector<double> counts;  // expected counts, same layout as error
};

Model NewModel(const LabelTable& table) {
  Model m;
  m.k = table.num_labels();
  m.workers = table.num_workers();
  m.present.assign(Idx(m.workers) * Idx(m.k), 0);
  m.rows_of_worker.assign(Idx(m.workers), 0);
  for (size_t r = 0; r < table.task.size(); ++r) {
    m.present[Idx(table.worker[r]) * Idx(m.k) + Idx(table.label[r])] = 1;
    ++m.rows_of_worker[Idx(table.worker[r])];
  }
  m.error.assign(m.present.size() * Idx(m.k), 0.0);
  m.counts.assign(m.error.size(), 0.0);
  return m;
}

// counts[w][obs][true] = sum over w's rows answering obs of posterior[task][true].
void ExpectedCounts(const LabelTable& table, const std::vector<double>& posterior, Model* m) {
  const size_t k = Idx(m->k);
  std::fill(m->counts.begin(), m->counts.end(), 0.0);
  for (size_t r = 0; r < table.task.size(); ++r) {
    double* n = &m->counts[(Idx(table.worker[r]) * k + Idx(table.label[r])) * k];
    const double* p = &posterior[Idx(table.task[r]) * k];
    for (size_t c = 0; c < k; ++c) n[c] += p[c];
  }
}

// Full confusion M-step: clip present counts at the floor, normalise over observed labels.
void FullMStep(double floor, Model* m) {
  const size_t k = Idx(m->k);
  for (size_t w = 0; w < Idx(m->workers); ++w) {
    for (size_t truth = 0; truth < k; ++truth) {
      double sum = 0;
      size_t num_present = 0;
      for (size_t obs = 0; obs < k; ++obs) {
        const size_t pair = w * k + obs;
        const double e = m->present[pair] ? std::max(m->counts[pair * k + truth], floor) : 0.0;
        m->error[pair * k + truth] = e;
        sum += e;
        num_present += m->present[pair];
      }
      for (size_t obs = 0; obs < k; ++obs) {
        const size_t pair = w * k + obs;
        double& e = m->error[pair * k + truth];
        // No evidence about this truth for this worker (possible only without a floor).
        e = sum > 0 ? e / sum : (m->present[pair] ? 1.0 / static_cast<double>(num_present) : 0);
      }
    }
  }
}

// One-coin M-step: skill = mean posterior of the worker's own answers; errors spread the rest
// uniformly over the other labels, clipped to [floor, 1 - floor] as crowd-kit does.
std::vector<double> OneCoinMStep(double floor, Model* m) {
  const size_t k = Idx(m->k);
  std::vector<double> skill(Idx(m->workers), 0.0);
  for (size_t w = 0; w < skill.size(); ++w) {
    double agree = 0;
    for (size_t obs = 0; obs < k; ++obs) agree += m->counts[(w * k + obs) * k + obs];
    skill[w] = m->rows_of_worker[w] > 0 ? agree / static_cast<double>(m->rows_of_worker[w]) : 0;
    const double wrong = k > 1 ? (1 - skill[w]) / static_cast<double>(k - 1) : 0.0;
    for (size_t obs = 0; obs < k; ++obs) {
      const size_t pair = w * k + obs;
      for (size_t truth = 0; truth < k; ++truth) {
        const double e = obs == truth ? skill[w] : wrong;
        m->error[pair * k + truth] = m->present[pair] ? std::clamp(e, floor, 1 - floor) : 0.0;
      }
    }
  }
  return skill;
}

// Rows reordered by task once, so each EM iteration is one sequential pass.
struct RowsByTask {
  std::vector<int64_t> begin;  // per task + 1
  std::vector<int32_t> pair;   // per row: worker * K + label, in task order
};

RowsByTask GroupRows(const LabelTable& table) {
  const internal::TaskIndex index = internal::BuildTaskIndex(table);
  RowsByTask g{index.begin, std::vector<int32_t>(index.rows.size())};
  for (size_t i = 0; i < index.rows.size(); ++i) {
    const size_t r = Idx(index.rows[i]);
    g.pair[i] = table.worker[r] * table.num_labels() + table.label[r];
  }
  return g;
}

struct PassTotals {
  double log_likelihood = 0;
  double entropy = 0;  // of the posteriors clipped at the floor, as crowd-kit's ELBO takes it
};

// -q log q summed over one task's posterior clipped at `floor`, from the softmax terms
// (shifted[c] = score[c] - max, e[c] = exp(shifted[c]), sum = Σ e): log p = shifted - log sum,
// so no log per entry is needed.
double ClippedEntropy(const double* shifted, const double* e, double sum, double log_sum, size_t k,
                      double floor) {
  double entropy = 0;
  for (size_t c = 0; c < k; ++c) {
    const double p = e[c] / sum;
    const double log_p = shifted[c] - log_sum;
    if (p >= floor) {
      if (p > 0) entropy -= p * log_p;
    } else if (floor > 0) {
      entropy -= floor * std::log(floor);  // crowd-kit clips probas before the entropy
    }
  }
  return entropy;
}

// E-step fused with the expected counts of the next M-step: for each task, sum log error rates
// of its rows, softmax, apply gold, then add the posterior to the rows' counts.
PassTotals EStepAndCounts(const RowsByTask& rows, const GoldLabels* gold, double floor, Model* m,
                          std::vector<double>* posterior, std::vector<double>* posterior_sum) {
  const size_t k = Idx(m->k);
  std::vector<double> log_error(m->error.size());
  for (size_t i = 0; i < log_error.size(); ++i) {
    log_error[i] = m->error[i] > 0 ? std::log(m->error[i]) : kNegInf;
  }
  std::vector<double> log_prior(k), shifted(k), e(k);
  for (size_t c = 0; c < k; ++c) {
    const double p = std::max(m->prior[c], floor);
    log_prior[c] = p > 0 ? std::log(p) : kNegInf;
  }
  std::fill(m->counts.begin(), m->counts.end(), 0.0);
  posterior_sum->assign(k, 0.0);
  PassTotals totals;
  const double clipped_zero = floor > 0 ? -floor * std::log(floor) : 0.0;
  for (size_t t = 0; t + 1 < rows.begin.size(); ++t) {
    double* p = &(*posterior)[t * k];
    std::copy(log_prior.begin(), log_prior.end(), p);
    for (int64_t i = rows.begin[t]; i < rows.begin[t + 1]; ++i) {
      const double* le = &log_error[Idx(rows.pair[Idx(i)]) * k];
      for (size_t c = 0; c < k; ++c) p[c] += le[c];
    }
    const double max = *std::max_element(p, p + k);
    if (gold != nullptr && (*gold)[t] >= 0) {
      std::fill(p, p + k, 0.0);
      p[Idx((*gold)[t])] = 1.0;
      totals.entropy += static_cast<double>(k - 1) * clipped_zero;
    } else if (!std::isfinite(max)) {  // no model state explains this task: stay uniform
      std::fill(p, p + k, 1.0 / static_cast<double>(k));
      totals.entropy += std::log(static_cast<double>(k));
    } else {
      double sum = 0;
      for (size_t c = 0; c < k; ++c) {
        shifted[c] = p[c] - max;
        e[c] = std::exp(shifted[c]);
        sum += e[c];
      }
      for (size_t c = 0; c < k; ++c) p[c] = e[c] / sum;
      const double log_sum = std::log(sum);
      totals.log_likelihood += max + log_sum;
      totals.entropy += ClippedEntropy(shifted.data(), e.data(), sum, log_sum, k, floor);
    }
    for (size_t c = 0; c < k; ++c) (*posterior_sum)[c] += p[c];
    for (int64_t i = rows.begin[t]; i < rows.begin[t + 1]; ++i) {
      double* n = &m->counts[Idx(rows.pair[Idx(i)]) * k];
      for (size_t c = 0; c < k; ++c) n[c] += p[c];
    }
  }
  return totals;
}

// crowd-kit's evidence lower bound per row: E_q[log p(labels, truth)] + H(q), with the priors
// clipped at the floor like crowd-kit's in-place clips. Uses the counts of the M-step.
double ElboPerRow(const Model& m, double entropy, double floor, int64_t rows) {
  const size_t k = Idx(m.k);
  double joint = 0;
  std::vector<double> mass_of_truth(k, 0.0);
  for (size_t i = 0; i < m.counts.size(); ++i) {
    if (m.counts[i] == 0) continue;
    joint += m.counts[i] * std::log(m.error[i]);
    mass_of_truth[i % k] += m.counts[i];
  }
  for (size_t c = 0; c < k; ++c) {
    if (mass_of_truth[c] > 0) joint += mass_of_truth[c] * std::log(std::max(m.prior[c], floor));
  }
  return (joint + entropy) / static_cast<double>(std::max<int64_t>(rows, 1));
}

double MaxAbsDelta(const std::vector<double>& a, const std::vector<double>& b) {
  double delta = 0;
  for (size_t i = 0; i < a.size(); ++i) delta = std::max(delta, std::abs(a[i] - b[i]));
  return delta;
}

enum class Variant { kFull, kOneCoin };

AggregationResult RunEm(const LabelTable& table, const EmOptions& options,
                        const GoldLabels* gold, Variant variant) {
  Model m = NewModel(table);
  std::vector<double> skill;
  // M-step from m.counts (already accumulated) and the summed posteriors.
  auto m_step = [&](const std::vector<double>& posterior_sum) {
    m.prior = posterior_sum;
    for (double& p : m.prior) p /= std::max(1.0, static_cast<double>(table.num_tasks()));
    if (variant == Variant::kFull) {
      FullMStep(options.probability_floor, &m);
    } else {
      skill = OneCoinMStep(options.probability_floor, &m);
    }
  };
  AggregationResult result;
  result.num_labels = m.k;
  result.posterior = internal::VoteCounts(table, {});
  internal::NormalizeRows(m.k, &result.posterior);
  internal::ApplyGold(gold, m.k, &result.posterior);
  ExpectedCounts(table, result.posterior, &m);
  std::vector<double> posterior_sum = internal::MeanRows(m.k, result.posterior);
  for (double& p : posterior_sum) p *= static_cast<double>(table.num_tasks());
  m_step(posterior_sum);
  const RowsByTask rows = GroupRows(table);
  double elbo = kNegInf;
  result.converged = false;
  for (int it = 1; it <= options.max_iterations && !result.converged; ++it) {
    const std::vector<double> last_prior = m.prior, last_error = m.error;
    const PassTotals pass = EStepAndCounts(rows, gold, options.probability_floor, &m,
                                           &result.posterior, &posterior_sum);
    result.log_likelihood = pass.log_likelihood;
    m_step(posterior_sum);
    result.iterations = it;
    if (options.stop_rule == StopRule::kElboDelta) {
      const double next = ElboPerRow(m, pass.entropy, options.probability_floor, table.num_rows());
      result.converged = next - elbo < options.tolerance;
      elbo = next;
    } else {
      result.converged = std::max(MaxAbsDelta(m.prior, last_prior),
                                  MaxAbsDelta(m.error, last_error)) < options.tolerance;
    }
  }
  internal::ChooseLabels(m.k, &result);
  result.prior = m.prior;
  const size_t k = Idx(m.k);
  result.confusion.assign(m.error.size(), 0.0);
  for (size_t w = 0; w < Idx(m.workers); ++w) {
    for (size_t obs = 0; obs < k; ++obs) {
      for (size_t truth = 0; truth < k; ++truth) {
        result.confusion[(w * k + truth) * k + obs] = m.error[(w * k + obs) * k + truth];
      }
    }
  }
  if (variant == Variant::kOneCoin) {
    result.worker_skill = skill;
    result.confusion.clear();
    return result;
  }
  result.worker_skill.assign(Idx(m.workers), 0.0);
  for (size_t w = 0; w < Idx(m.workers); ++w) {
    for (size_t c = 0; c < k; ++c) {
      result.worker_skill[w] += m.prior[c] * result.confusion[(w * k + c) * k + c];
    }
  }
  return result;
}

}  // namespace

AggregationResult DawidSkene(const LabelTable& table, const EmOptions& options,
                             const GoldLabels* gold) {
  return RunEm(table, options, gold, Variant::kFull);
}

AggregationResult OneCoinDawidSkene(const LabelTable& table, const EmOptions& options,
                                    const GoldLabels* gold) {
  return RunEm(table, options, gold, Variant::kOneCoin);
}

}  // namespace qc

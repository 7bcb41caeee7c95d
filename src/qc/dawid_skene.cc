// Dawid–Skene EM with full confusion matrices, and its one-coin (homogeneous) variant.
//
// Layout: error[(w * K + observed) * K + true] = P(worker w answers `observed` | truth `true`),
// so the E-step reads K contiguous values per row. Pairs (w, observed) that never occur in the
// data are not part of the model (as in crowd-kit, where they have no row in errors_).
#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

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

// The per-iteration inputs of the E-step, in log space.
struct LogModel {
  size_t k = 0;
  std::vector<double> log_error, log_prior;
  double clipped_zero = 0;  // -floor·log(floor): a clipped zero's entropy term
  double floor = 0;
};

LogModel ToLog(const Model& m, double floor) {
  LogModel lm;
  lm.k = Idx(m.k);
  lm.floor = floor;
  lm.log_error.resize(m.error.size());
  for (size_t i = 0; i < lm.log_error.size(); ++i) {
    lm.log_error[i] = m.error[i] > 0 ? std::log(m.error[i]) : kNegInf;
  }
  for (size_t c = 0; c < lm.k; ++c) {
    const double p = std::max(m.prior[c], floor);
    lm.log_prior.push_back(p > 0 ? std::log(p) : kNegInf);
  }
  lm.clipped_zero = floor > 0 ? -floor * std::log(floor) : 0.0;
  return lm;
}

// One slice of tasks: its share of the counts, posterior sums and totals.
struct PassPart {
  PassTotals totals;
  std::vector<double> counts, posterior_sum;
};

// E-step fused with the expected counts of the next M-step, for tasks [first, last): sum log
// error rates of each task's rows, softmax, apply gold, then add the posterior to the counts.
void EStepRange(const RowsByTask& rows, const GoldLabels* gold, const LogModel& lm, size_t first,
                size_t last, std::vector<double>* posterior, PassPart* part) {
  const size_t k = lm.k;
  std::vector<double> shifted(k), e(k);
  for (size_t t = first; t < last; ++t) {
    double* p = &(*posterior)[t * k];
    std::copy(lm.log_prior.begin(), lm.log_prior.end(), p);
    for (int64_t i = rows.begin[t]; i < rows.begin[t + 1]; ++i) {
      const double* le = &lm.log_error[Idx(rows.pair[Idx(i)]) * k];
      for (size_t c = 0; c < k; ++c) p[c] += le[c];
    }
    const double max = *std::max_element(p, p + k);
    if (gold != nullptr && (*gold)[t] >= 0) {
      std::fill(p, p + k, 0.0);
      p[Idx((*gold)[t])] = 1.0;
      part->totals.entropy += static_cast<double>(k - 1) * lm.clipped_zero;
    } else if (!std::isfinite(max)) {  // no model state explains this task: stay uniform
      std::fill(p, p + k, 1.0 / static_cast<double>(k));
      part->totals.entropy += std::log(static_cast<double>(k));
    } else {
      double sum = 0;
      for (size_t c = 0; c < k; ++c) {
        shifted[c] = p[c] - max;
        e[c] = std::exp(shifted[c]);
        sum += e[c];
      }
      for (size_t c = 0; c < k; ++c) p[c] = e[c] / sum;
      const double log_sum = std::log(sum);
      part->totals.log_likelihood += max + log_sum;
      part->totals.entropy += ClippedEntropy(shifted.data(), e.data(), sum, log_sum, k, lm.floor);
    }
    for (size_t c = 0; c < k; ++c) part->posterior_sum[c] += p[c];
    for (int64_t i = rows.begin[t]; i < rows.begin[t + 1]; ++i) {
      double* n = &part->counts[Idx(rows.pair[Idx(i)]) * k];
      for (size_t c = 0; c < k; ++c) n[c] += p[c];
    }
  }
}

// Big inputs are cut into kParts task slices whose partial counts are added in slice order.
// The cut depends only on the data, never on the thread count, so every thread count gives
// bit-identical results.
constexpr size_t kParts = 4;
constexpr size_t kMinTasksToSplit = 20000;
constexpr size_t kMaxCountsToSplit = size_t{1} << 20;  // per-part counts stay <= 8 MB

PassTotals EStepAndCounts(const RowsByTask& rows, const GoldLabels* gold, double floor,
                          int threads, Model* m, std::vector<double>* posterior,
                          std::vector<double>* posterior_sum) {
  const LogModel lm = ToLog(*m, floor);
  const size_t tasks = rows.begin.size() - 1;
  const size_t parts =
      tasks >= kMinTasksToSplit && m->counts.size() <= kMaxCountsToSplit ? kParts : 1;
  std::vector<PassPart> part(parts);
  auto run = [&](size_t first_part, size_t stride) {
    for (size_t i = first_part; i < parts; i += stride) {
      part[i].counts.assign(m->counts.size(), 0.0);
      part[i].posterior_sum.assign(lm.k, 0.0);
      EStepRange(rows, gold, lm, tasks * i / parts, tasks * (i + 1) / parts, posterior, &part[i]);
    }
  };
  const size_t workers = std::min(parts, Idx(std::max(threads, 1)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(run, t, workers);
  run(0, workers);
  for (std::thread& t : pool) t.join();
  PassTotals totals;
  m->counts = std::move(part[0].counts);
  *posterior_sum = std::move(part[0].posterior_sum);
  totals = part[0].totals;
  for (size_t i = 1; i < parts; ++i) {
    for (size_t j = 0; j < m->counts.size(); ++j) m->counts[j] += part[i].counts[j];
    for (size_t c = 0; c < lm.k; ++c) (*posterior_sum)[c] += part[i].posterior_sum[c];
    totals.log_likelihood += part[i].totals.log_likelihood;
    totals.entropy += part[i].totals.entropy;
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
    const PassTotals pass = EStepAndCounts(rows, gold, options.probability_floor, options.threads,
                                           &m, &result.posterior, &posterior_sum);
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

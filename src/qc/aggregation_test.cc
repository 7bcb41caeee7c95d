#include "qc/aggregation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <string>

#include "qc/agreement.h"
#include "qc/synthetic.h"
#include "qc/test_util.h"

namespace qc {
namespace {

using qc::testing::IdOf;
using qc::testing::ShuffledRenamed;

double AccuracyVsTruth(const AggregationResult& r, const std::vector<int32_t>& truth) {
  int64_t right = 0;
  for (size_t t = 0; t < truth.size(); ++t) right += r.label[t] == truth[t];
  return static_cast<double>(right) / static_cast<double>(truth.size());
}

LabelTable Table(const std::vector<std::array<std::string, 3>>& rows) {
  LabelTableBuilder b;
  for (const auto& row : rows) b.Add(row[0], row[1], row[2]);
  return std::move(b).Build();
}

TEST(MajorityVote, TieGoesToSmallestLabelAndIsCounted) {
  const LabelTable t = Table({{"t1", "a", "dog"}, {"t1", "b", "cat"}, {"t2", "a", "dog"}});
  const AggregationResult r = MajorityVote(t);
  EXPECT_EQ(t.label_names[r.label[IdOf(t.task_names, "t1")]], "cat");
  EXPECT_EQ(t.label_names[r.label[IdOf(t.task_names, "t2")]], "dog");
  EXPECT_EQ(r.ties_broken, 1);
  EXPECT_DOUBLE_EQ(r.confidence[IdOf(t.task_names, "t1")], 0.5);
}

TEST(MajorityVote, NumericLabelsSortNumerically) {
  const LabelTable t = Table({{"t1", "a", "10"}, {"t1", "b", "9"}});
  EXPECT_EQ(t.label_names[0], "9");
  EXPECT_EQ(t.label_names[MajorityVote(t).label[0]], "9");
}

TEST(MajorityVote, GoldOverridesVotes) {
  const LabelTable t = Table({{"t1", "a", "x"}, {"t1", "b", "x"}, {"t1", "c", "y"}});
  GoldLabels gold = {IdOf(t.label_names, "y")};
  EXPECT_EQ(t.label_names[MajorityVote(t, &gold).label[0]], "y");
  EXPECT_EQ(t.label_names[DawidSkene(t, {}, &gold).label[0]], "y");
}

// All methods, on a crowd of spammers and honest workers, must give the same per-name answers
// whatever the row order and ids.
TEST(Aggregation, RowOrderAndIdNamesDoNotMatter) {
  const SyntheticCrowd crowd = GenerateCrowd({.num_tasks = 300, .num_workers = 20,
                                              .spammer_fraction = 0.2, .seed = 3});
  const LabelTable& a = crowd.table;
  const LabelTable b = ShuffledRenamed(a, 99, "x-");
  using Method = std::function<AggregationResult(const LabelTable&)>;
  const std::vector<std::pair<std::string, Method>> methods = {
      {"mv", [](const LabelTable& t) { return MajorityVote(t); }},
      {"wawa", [](const LabelTable& t) { return Wawa(t); }},
      {"ds", [](const LabelTable& t) { return DawidSkene(t, {}); }},
      {"ods", [](const LabelTable& t) { return OneCoinDawidSkene(t, {}); }},
      {"glad", [](const LabelTable& t) { return Glad(t, {}); }},
      {"mace", [](const LabelTable& t) { return Mace(t, {}); }},
  };
  for (const auto& [name, run] : methods) {
    const AggregationResult ra = run(a), rb = run(b);
    EXPECT_EQ(ra.iterations, rb.iterations) << name;
    for (int32_t task = 0; task < a.num_tasks(); ++task) {
      const int32_t other = IdOf(b.task_names, "x-" + std::string(a.task_names[task]));
      ASSERT_EQ(a.label_names[ra.label[task]], b.label_names[rb.label[other]]) << name;
      ASSERT_NEAR(ra.confidence[task], rb.confidence[other], 1e-9) << name;
    }
    for (int32_t w = 0; w < a.num_workers(); ++w) {
      const int32_t other = IdOf(b.worker_names, "x-" + std::string(a.worker_names[w]));
      ASSERT_NEAR(ra.worker_skill[w], rb.worker_skill[other], 1e-9) << name;
    }
  }
}

TEST(Aggregation, DawidSkeneBeatsMajorityVoteWithSpammersAndAdversaries) {
  const SyntheticCrowd crowd = GenerateCrowd({.num_tasks = 2000, .num_workers = 50,
                                              .overlap = 5, .min_accuracy = 0.65,
                                              .max_accuracy = 0.9, .spammer_fraction = 0.3,
                                              .adversary_fraction = 0.1, .seed = 11});
  const double mv = AccuracyVsTruth(MajorityVote(crowd.table), crowd.truth);
  const double ds = AccuracyVsTruth(DawidSkene(crowd.table, {}), crowd.truth);
  EXPECT_GT(ds, mv + 0.05) << "mv " << mv << " ds " << ds;
  EXPECT_GT(AccuracyVsTruth(OneCoinDawidSkene(crowd.table, {}), crowd.truth), mv);
}

TEST(Aggregation, ModelBasedMethodsFindHonestWorkersInASpammerCrowd) {
  const SyntheticCrowd crowd = GenerateCrowd({.num_tasks = 2000, .num_workers = 40,
                                              .spammer_fraction = 0.4, .seed = 5});
  const double mv = AccuracyVsTruth(MajorityVote(crowd.table), crowd.truth);
  EXPECT_GT(AccuracyVsTruth(Glad(crowd.table, {}), crowd.truth), mv);
  EXPECT_GT(AccuracyVsTruth(Mace(crowd.table, {}), crowd.truth), mv);
  // MACE's competence separates spammers from honest workers: every spammer below every
  // honest worker.
  const AggregationResult mace = Mace(crowd.table, {});
  double max_spammer = 0, min_honest = 1;
  for (size_t w = 0; w < crowd.kind.size(); ++w) {
    if (crowd.kind[w] == WorkerKind::kSpammer) max_spammer = std::max(max_spammer, mace.worker_skill[w]);
    if (crowd.kind[w] == WorkerKind::kHonest) min_honest = std::min(min_honest, mace.worker_skill[w]);
  }
  EXPECT_LT(max_spammer, min_honest);
}

TEST(Aggregation, DawidSkeneRecoversWorkerAccuracy) {
  const SyntheticCrowd crowd = GenerateCrowd({.num_tasks = 5000, .num_workers = 20, .seed = 8});
  const AggregationResult r = DawidSkene(crowd.table, {});
  EXPECT_TRUE(r.converged);
  for (size_t w = 0; w < crowd.accuracy.size(); ++w) {
    EXPECT_NEAR(r.worker_skill[w], crowd.accuracy[w], 0.05) << w;
  }
}

TEST(Aggregation, DawidSkeneThreadsDoNotChangeResults) {
  const SyntheticCrowd crowd = GenerateCrowd({.num_tasks = 30000, .num_workers = 200,
                                              .spammer_fraction = 0.2, .seed = 21});
  const AggregationResult one = DawidSkene(crowd.table, {.threads = 1});
  const AggregationResult two = DawidSkene(crowd.table, {.threads = 2});
  const AggregationResult ods1 = OneCoinDawidSkene(crowd.table, {.threads = 1});
  const AggregationResult ods3 = OneCoinDawidSkene(crowd.table, {.threads = 3});
  EXPECT_EQ(one.iterations, two.iterations);
  EXPECT_EQ(one.posterior, two.posterior);  // bitwise
  EXPECT_EQ(one.confusion, two.confusion);
  EXPECT_EQ(ods1.posterior, ods3.posterior);
  EXPECT_EQ(ods1.worker_skill, ods3.worker_skill);
}

TEST(Aggregation, PerfectWorkerGetsAccuracyOne) {
  SyntheticCrowd crowd = GenerateCrowd({.num_tasks = 500, .num_workers = 10, .overlap = 3,
                                        .min_accuracy = 1.0, .max_accuracy = 1.0, .seed = 2});
  const GoldAccuracy gold = WorkerGoldAccuracy(crowd.table, crowd.truth);
  for (size_t w = 0; w < gold.accuracy.size(); ++w) {
    EXPECT_EQ(gold.accuracy[w], 1.0);
    EXPECT_EQ(gold.interval[w].high, 1.0);
    EXPECT_LT(gold.interval[w].low, 1.0);
  }
  for (double s : MajorityVote(crowd.table).worker_skill) EXPECT_EQ(s, 1.0);
  for (double s : DawidSkene(crowd.table, {}).worker_skill) EXPECT_NEAR(s, 1.0, 1e-6);
}

TEST(Aggregation, WorkerAccuracyCountsDuplicateAnswersOnce) {
  const LabelTable t = Table({{"t1", "a", "x"}, {"t1", "a", "x"}, {"t1", "a", "y"}});
  const std::vector<int32_t> truth = {IdOf(t.label_names, "x")};
  EXPECT_DOUBLE_EQ(WorkerAccuracy(t, truth)[0], 0.5);
}

}  // namespace
}  // namespace qc

#include "qc/agreement.h"

#include <gtest/gtest.h>

#include <cmath>

#include "qc/synthetic.h"

namespace qc {
namespace {

AlphaInput Units(const std::vector<std::vector<int32_t>>& units, std::vector<double> values) {
  AlphaInput in;
  in.value_of = std::move(values);
  in.begin.push_back(0);
  for (const auto& u : units) {
    in.value.insert(in.value.end(), u.begin(), u.end());
    in.begin.push_back(static_cast<int64_t>(in.value.size()));
  }
  return in;
}

TEST(Krippendorff, IdenticalCodersGiveAlphaOne) {
  const AlphaInput in = Units({{0, 0, 0}, {1, 1}, {2, 2, 2}, {3, 3}, {0, 0}}, {1, 2, 4, 8});
  for (Level level : {Level::kNominal, Level::kOrdinal, Level::kInterval, Level::kRatio}) {
    EXPECT_DOUBLE_EQ(KrippendorffAlpha(in, level), 1.0);
  }
}

TEST(Krippendorff, SingleValuedUnitsAreIgnored) {
  const AlphaInput a = Units({{0, 1}, {1, 1}, {0, 0}}, {0, 1});
  const AlphaInput b = Units({{0, 1}, {1, 1}, {0, 0}, {1}, {0}}, {0, 1});
  EXPECT_DOUBLE_EQ(KrippendorffAlpha(a, Level::kNominal), KrippendorffAlpha(b, Level::kNominal));
}

TEST(Krippendorff, BootstrapIsSeededAndIndependentOfThreads) {
  const SyntheticCrowd crowd = GenerateCrowd({.num_tasks = 400, .num_workers = 15, .seed = 4});
  const AlphaInput in = AlphaInputFromTable(crowd.table);
  const double alpha = KrippendorffAlpha(in, Level::kNominal);
  const Interval one = BootstrapAlpha(in, Level::kNominal, 200, 7, 0.95, 1);
  const Interval two = BootstrapAlpha(in, Level::kNominal, 200, 7, 0.95, 2);
  const Interval other = BootstrapAlpha(in, Level::kNominal, 200, 8, 0.95, 2);
  EXPECT_EQ(one.low, two.low);
  EXPECT_EQ(one.high, two.high);
  EXPECT_NE(one.low, other.low);
  EXPECT_LT(one.low, alpha);
  EXPECT_GT(one.high, alpha);
  EXPECT_LT(one.high - one.low, 0.2);
}

TEST(Cohen, PerfectAgreementIsOneAndChanceIsNearZero) {
  const std::vector<int32_t> a = {0, 1, 2, 0, 1, 2};
  EXPECT_DOUBLE_EQ(CohenKappa(a, a, 3, KappaWeights::kNone), 1.0);
  EXPECT_DOUBLE_EQ(CohenKappa(a, a, 3, KappaWeights::kQuadratic), 1.0);
  const std::vector<int32_t> b = {0, 0, 1, 1, 0, 1}, c = {0, 1, 0, 1, 1, 0};
  EXPECT_LT(std::abs(CohenKappa(b, c, 2, KappaWeights::kNone)), 0.35);
}

TEST(Fleiss, UnanimousItemsGiveKappaOne) {
  const std::vector<int32_t> counts = {3, 0, 0, 3, 3, 0};
  EXPECT_DOUBLE_EQ(FleissKappa(counts, 2).kappa, 1.0);
}

TEST(PercentAgreement, MeanShareOfAgreeingPairs) {
  LabelTableBuilder b;
  b.Add("t1", "a", "x"); b.Add("t1", "b", "x"); b.Add("t1", "c", "y");  // 1 of 3 pairs agree
  b.Add("t2", "a", "x"); b.Add("t2", "b", "x");                         // 1 of 1
  EXPECT_DOUBLE_EQ(PercentAgreement(std::move(b).Build()), (1.0 / 3 + 1) / 2);
}

TEST(Wilson, KnownValues) {
  // 8 of 10 at 95%: [0.4902, 0.9433] (Wilson 1927; e.g. statsmodels proportion_confint).
  const Interval i = WilsonInterval(8, 10);
  EXPECT_NEAR(i.low, 0.490162, 1e-5);
  EXPECT_NEAR(i.high, 0.943318, 1e-5);
  const Interval none = WilsonInterval(0, 0);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_EQ(none.high, 1.0);
}

}  // namespace
}  // namespace qc

namespace qc {
namespace {

TEST(LightsKappa, MeanOverQualifyingPairs) {
  LabelTableBuilder b;
  // a and b agree on every task; c agrees with neither on t3/t4.
  const char* rows[][3] = {{"t1", "a", "x"}, {"t1", "b", "x"}, {"t1", "c", "x"},
                           {"t2", "a", "y"}, {"t2", "b", "y"}, {"t2", "c", "y"},
                           {"t3", "a", "x"}, {"t3", "b", "x"}, {"t3", "c", "y"},
                           {"t4", "a", "y"}, {"t4", "b", "y"}, {"t4", "c", "x"}};
  for (auto& r : rows) b.Add(r[0], r[1], r[2]);
  const LabelTable t = std::move(b).Build();
  const LightsKappaResult all = LightsKappa(t, 1, KappaWeights::kNone);
  EXPECT_EQ(all.pairs, 3);
  EXPECT_NEAR(all.kappa, (1.0 + 0.0 + 0.0) / 3, 1e-12);
  EXPECT_EQ(LightsKappa(t, 5, KappaWeights::kNone).pairs, 0);
}

}  // namespace
}  // namespace qc

namespace qc {
namespace {

// More than 2048 workers takes the sorted-records path instead of the dense pair table.
TEST(LightsKappa, ManyWorkersUseTheSortedPathWithTheSameAnswer) {
  LabelTableBuilder b;
  const int pairs = 1100;  // 2200 workers
  for (int p = 0; p < pairs; ++p) {
    for (int t = 0; t < 4; ++t) {
      const std::string id = std::to_string(p);
      const std::string task = id + "/" + std::to_string(t);
      const std::string label = t % 2 ? "x" : "y";
      b.Add(task, id + "a", label);
      // Worker b agrees on 3 of 4 tasks: kappa = 0.5 for every pair.
      b.Add(task, id + "b", t == 3 ? "y" : label);
    }
  }
  const LabelTable t = std::move(b).Build();
  ASSERT_GT(t.num_workers(), 2048);
  const LightsKappaResult r = LightsKappa(t, 4, KappaWeights::kNone);
  EXPECT_EQ(r.pairs, pairs);
  EXPECT_NEAR(r.kappa, 0.5, 1e-12);
  EXPECT_EQ(LightsKappa(t, 5, KappaWeights::kNone).pairs, 0);
}

}  // namespace
}  // namespace qc

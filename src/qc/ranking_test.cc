#include "qc/ranking.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "qc/parse.h"
#include "qc/synthetic.h"
#include "qc/test_util.h"

namespace qc {
namespace {

using qc::testing::IdOf;
using qc::testing::ReadFile;
using qc::testing::TestDataPath;

class FastChatReference : public ::testing::Test {
 protected:
  void SetUp() override {
    csv_ = ReadFile(TestDataPath("arena_small.csv"));
    auto parsed = ParseBattles(csv_, InputFormat::kCsv, {});
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    battles_ = std::move(parsed).value();
    ref_ = nlohmann::json::parse(ReadFile(TestDataPath("arena_small_fastchat.json")));
  }
  std::string csv_;
  BattleTable battles_;
  nlohmann::json ref_;
};

// Same MLE as FastChat compute_bt; scipy's L-BFGS stops at gtol 1e-6 on the summed loss, so
// its ratings differ from the exact optimum we reach with Newton by up to ~7e-6 Elo points
// (measured); 1e-4 leaves room for BLAS rounding on other machines.
TEST_F(FastChatReference, BradleyTerryMatchesComputeBt) {
  const BtResult bt = BradleyTerry(battles_, {});
  EXPECT_TRUE(bt.converged);
  for (const auto& [model, rating] : ref_["compute_bt"].items()) {
    EXPECT_NEAR(bt.rating[IdOf(battles_.model_names, model)], rating.get<double>(), 1e-4) << model;
  }
}

TEST_F(FastChatReference, OnlineEloMatchesComputeElo) {
  const std::vector<double> elo = OnlineElo(battles_, {});
  for (const auto& [model, rating] : ref_["compute_elo"].items()) {
    EXPECT_NEAR(elo[IdOf(battles_.model_names, model)], rating.get<double>(), 1e-4) << model;
  }
}

TEST_F(FastChatReference, AnchorOnlyShiftsScores) {
  const BtResult plain = BradleyTerry(battles_, {});
  BtOptions anchored;
  anchored.scale.anchor_model = IdOf(battles_.model_names, "m3");
  anchored.scale.anchor_rating = 1234;
  const BtResult a = BradleyTerry(battles_, anchored);
  EXPECT_NEAR(a.rating[anchored.scale.anchor_model], 1234, 1e-9);
  const double shift = a.rating[0] - plain.rating[0];
  for (size_t m = 0; m < a.rating.size(); ++m) EXPECT_NEAR(a.rating[m] - plain.rating[m], shift, 1e-9);
}

TEST(BradleyTerry, RecoversTrueRatingsAndIgnoresRowOrder) {
  const SyntheticArena arena = GenerateArena({.num_models = 12, .num_battles = 60000, .seed = 3});
  const BtResult bt = BradleyTerry(arena.battles, {});
  const double true_mean = [&] {
    double s = 0;
    for (double r : arena.true_rating) s += r;
    return s / arena.true_rating.size();
  }();
  for (size_t m = 0; m < bt.rating.size(); ++m) {
    EXPECT_NEAR(bt.rating[m] - 1000, arena.true_rating[m] - true_mean, 25) << m;
  }
  // Reverse the rows: same ratings.
  BattleTableBuilder b;
  const BattleTable& t = arena.battles;
  for (size_t r = t.outcome.size(); r-- > 0;) b.Add(t.model_names[t.model_a[r]], t.model_names[t.model_b[r]], t.outcome[r]);
  const BattleTable reversed = std::move(b).Build();
  const BtResult again = BradleyTerry(reversed, {});
  for (size_t m = 0; m < bt.rating.size(); ++m) {
    EXPECT_NEAR(again.rating[IdOf(reversed.model_names, std::string(t.model_names[m]))], bt.rating[m], 1e-8);
  }
}

TEST(BradleyTerry, DavidsonFitsTiesAndKeepsTheOrder) {
  const SyntheticArena arena = GenerateArena({.num_models = 8, .num_battles = 20000, .tie_rate = 0.3, .seed = 9});
  const BtResult bt = BradleyTerry(arena.battles, {});
  BtOptions d;
  d.davidson = true;
  const BtResult dav = BradleyTerry(arena.battles, d);
  EXPECT_TRUE(dav.converged);
  EXPECT_GT(dav.tie_parameter, 0.3);
  std::vector<int> order_bt(bt.rating.size()), order_dav(bt.rating.size());
  for (size_t i = 0; i < order_bt.size(); ++i) order_bt[i] = order_dav[i] = static_cast<int>(i);
  std::sort(order_bt.begin(), order_bt.end(), [&](int a, int b) { return bt.rating[a] > bt.rating[b]; });
  std::sort(order_dav.begin(), order_dav.end(), [&](int a, int b) { return dav.rating[a] > dav.rating[b]; });
  EXPECT_EQ(order_bt, order_dav);
}

TEST(Bootstrap, SeededThreadIndependentAndCoversTheEstimate) {
  const SyntheticArena arena = GenerateArena({.num_models = 10, .num_battles = 5000, .seed = 2});
  const BtResult bt = BradleyTerry(arena.battles, {});
  const BootstrapResult one = BootstrapBradleyTerry(arena.battles, {}, {.rounds = 50, .seed = 5, .threads = 1});
  const BootstrapResult two = BootstrapBradleyTerry(arena.battles, {}, {.rounds = 50, .seed = 5, .threads = 2});
  const BootstrapResult other = BootstrapBradleyTerry(arena.battles, {}, {.rounds = 50, .seed = 6, .threads = 2});
  EXPECT_EQ(one.low, two.low);
  EXPECT_EQ(one.high, two.high);
  EXPECT_NE(one.low, other.low);
  for (size_t m = 0; m < bt.rating.size(); ++m) {
    EXPECT_LT(one.low[m], bt.rating[m]);
    EXPECT_GT(one.high[m], bt.rating[m]);
    EXPECT_LT(one.high[m] - one.low[m], 120);
  }
}

TEST(Bootstrap, OnlineEloIntervalsAreSeededAndContainTheMedian) {
  const SyntheticArena arena = GenerateArena({.num_models = 6, .num_battles = 4000, .seed = 4});
  const BootstrapResult a = BootstrapOnlineElo(arena.battles, {}, {.rounds = 40, .seed = 3, .threads = 1});
  const BootstrapResult b = BootstrapOnlineElo(arena.battles, {}, {.rounds = 40, .seed = 3, .threads = 2});
  EXPECT_EQ(a.median, b.median);
  for (size_t m = 0; m < a.median.size(); ++m) {
    EXPECT_LT(a.low[m], a.median[m]);
    EXPECT_GT(a.high[m], a.median[m]);
  }
}

TEST(WinRates, ComplementaryAndCalibratedToTheScale) {
  const std::vector<double> rating = {1000, 1400, 900};
  const std::vector<double> p = PredictedWinRates(rating, {});
  EXPECT_DOUBLE_EQ(p[0], 0.5);
  EXPECT_NEAR(p[1 * 3 + 0], 10.0 / 11.0, 1e-12);  // 400 points = 10:1 odds
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(p[i * 3 + j] + p[j * 3 + i], 1.0, 1e-12);
}

}  // namespace
}  // namespace qc

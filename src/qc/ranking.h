// Pairwise-comparison rankings: Bradley–Terry MLE (ties as half wins, as Chatbot Arena /
// FastChat compute_bt; or Davidson's tie model), online Elo, seeded multithreaded bootstrap
// intervals and the predicted win-rate matrix. Ratings are on the Elo scale: rating =
// initial + scale · log_base(strength), mean rating = initial unless a named anchor model is
// pinned to a value.
//
//   qc::BattleTableBuilder b;
//   b.Add("gpt", "llama", "model_a");
//   qc::BattleTable battles = std::move(b).Build();
//   qc::BtResult bt = qc::BradleyTerry(battles, {});
//   qc::BootstrapResult ci = qc::BootstrapBradleyTerry(battles, {}, {.rounds = 100, .seed = 1});
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "qc/interner.h"

namespace qc {

enum class Outcome : uint8_t { kModelA = 0, kModelB = 1, kTie = 2, kTieBothBad = 3 };

// Parses "model_a" | "model_b" | "tie" | "tie (bothbad)"; false otherwise.
bool ParseOutcome(std::string_view winner, Outcome* outcome);

struct BattleTable {
  std::vector<int32_t> model_a, model_b;
  std::vector<Outcome> outcome;
  std::vector<std::string_view> model_names;
  std::shared_ptr<const StringInterner> owner;

  int64_t num_battles() const { return static_cast<int64_t>(outcome.size()); }
  int32_t num_models() const { return static_cast<int32_t>(model_names.size()); }
};

class BattleTableBuilder {
 public:
  void Reserve(size_t rows);
  void Add(std::string_view model_a, std::string_view model_b, Outcome outcome);
  BattleTable Build() &&;

 private:
  StringInterner models_;
  std::vector<int32_t> a_, b_;
  std::vector<Outcome> outcome_;
};

struct RatingScale {
  double base = 10;
  double scale = 400;
  double initial = 1000;
  int32_t anchor_model = -1;  // if >= 0, this model's rating is pinned to anchor_rating
  double anchor_rating = 1000;
};

struct BtOptions {
  bool davidson = false;  // false: a tie is half a win for each side
  int max_iterations = 100;
  double tolerance = 1e-10;  // max Newton step, in natural-log strength units
  RatingScale scale;
};

struct BtResult {
  std::vector<double> rating;  // per model, Elo scale
  double tie_parameter = 0;    // Davidson's nu (0 for plain BT)
  int iterations = 0;
  bool converged = false;
};

BtResult BradleyTerry(const BattleTable& battles, const BtOptions& options);

struct EloOptions {
  double k = 4;  // FastChat's default
  RatingScale scale;
};
// Sequential Elo in row order (ties count 0.5), as FastChat compute_elo.
std::vector<double> OnlineElo(const BattleTable& battles, const EloOptions& options);

struct BootstrapOptions {
  int rounds = 100;
  uint64_t seed = 0;
  int threads = 2;
  double confidence = 0.95;
};
struct BootstrapResult {
  std::vector<double> low, median, high;  // per model
};
// Resamples battles with replacement; each round refits BT. Same seed, same result, for any
// thread count.
BootstrapResult BootstrapBradleyTerry(const BattleTable& battles, const BtOptions& options,
                                      const BootstrapOptions& bootstrap);

// Online Elo on resampled battles (with replacement, in the sampled order), as FastChat's
// compute_bootstrap_elo; intervals are percentiles of the per-round ratings.
BootstrapResult BootstrapOnlineElo(const BattleTable& battles, const EloOptions& options,
                                   const BootstrapOptions& bootstrap);

// P(row model beats column model) from Elo-scale ratings, row-major num_models².
std::vector<double> PredictedWinRates(const std::vector<double>& rating, const RatingScale& scale);

}  // namespace qc

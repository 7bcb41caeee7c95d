// datasets::Leaderboard — models ranked from a pairwise project's approved answers: every
// approved pairwise answer on an item whose two responses carry different `model`s is a battle
// (a → the first model wins, b → the second, tie). Bradley–Terry ratings (Elo scale, mean 1000)
// with bootstrap intervals (one virtual tie per pair of models that met keeps a rating finite
// when a model never lost), online Elo, wins / losses / ties and the predicted win-rate matrix,
// from src/qc/ranking.h.
//
//   ASSAY_ASSIGN_OR_RETURN(datasets::LeaderboardResult lb,
//                          datasets::ComputeLeaderboard(db, caller, project_id, {.rounds = 200}));
//   std::string json = datasets::RenderLeaderboard(lb);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/types.h"
#include "base/result.h"
#include "storage/db.h"

namespace datasets {

struct LeaderboardOptions {
  int rounds = 200;  // bootstrap rounds (0: no intervals)
  uint64_t seed = 1;
  double confidence = 0.95;
};

struct ModelStanding {
  std::string model;
  double score = 0, ci_low = 0, ci_high = 0, elo = 0;
  int64_t battles = 0, wins = 0, losses = 0, ties = 0;
};

struct LeaderboardResult {
  std::string project_id, field;  // field: the pairwise input the battles come from
  std::vector<ModelStanding> models;  // best first
  std::vector<double> win_rates;      // row model beats column model, models.size()² in that order
  int64_t battles = 0, skipped = 0;   // skipped: approved answers without two distinct models
  LeaderboardOptions options;
};

// The project's managers and reviewers; InvalidArgument when the template has no pairwise field.
base::Result<LeaderboardResult> ComputeLeaderboard(storage::Db& db, const accounts::Caller& caller,
                                                   std::string_view project_id, const LeaderboardOptions& options);

// {models: [{model, score, ci_low, ci_high, elo, battles, wins, losses, ties}], method,
//  bootstrap: {rounds, confidence, seed}, field, battles, skipped, win_rates: {models, matrix}}
std::string RenderLeaderboard(const LeaderboardResult& result);

}  // namespace datasets

#include "datasets/leaderboard.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include <nlohmann/json.hpp>

#include "base/json.h"
#include "qc/ranking.h"
#include "work/access.h"
#include "work/template.h"

namespace datasets {
namespace {

using json = nlohmann::json;

std::string ModelOf(const json& responses, size_t i) {
  if (!responses.is_array() || responses.size() <= i || !responses[i].is_object()) return "";
  const json& r = responses[i];
  return r.contains("model") && r["model"].is_string() ? r["model"].get<std::string>() : "";
}

// The pairwise field and the responses' path, from the template.
base::Status FindPairwise(const std::string& template_json, std::string* field, std::string* responses) {
  auto components = base::ParseJson(template_json);
  *responses = "responses";
  if (components && components->is_array()) {
    for (const json& c : *components) {
      if (c.value("type", "") == "responses") *responses = c.value("source", *responses);
      if (c.value("type", "") == "pairwise" && field->empty()) *field = c.value("name", "");
    }
  }
  if (field->empty()) return base::Error::Invalid("a leaderboard needs a pairwise field in the template").Detail("field", "template");
  return base::Ok();
}

struct Tally {
  int64_t wins = 0, losses = 0, ties = 0;
};

}  // namespace

base::Result<LeaderboardResult> ComputeLeaderboard(storage::Db& db, const accounts::Caller& caller,
                                                   std::string_view project_id, const LeaderboardOptions& options) {
  LeaderboardResult out;
  out.project_id = std::string(project_id);
  out.options = options;
  qc::BattleTableBuilder builder;
  std::map<std::string, Tally> tally;
  std::set<std::pair<std::string, std::string>> pairs;
  ASSAY_TRY(db.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(work::RequireProjectRole(c, caller, project_id, {"manager", "reviewer"}));
    ASSAY_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT template FROM projects WHERE id = ?", {project_id}));
    std::string responses_path;
    ASSAY_TRY(FindPairwise(rows.at(0).Text(0), &out.field, &responses_path));
    return c.QueryEach(
        "SELECT i.data, s.answer FROM submissions s JOIN items i ON i.id = s.item_id "
        "WHERE s.project_id = ? AND s.state = 'approved' ORDER BY s.submitted_at_us, s.id",
        {project_id}, [&](const storage::Row& r) -> base::Status {
          auto data = base::ParseJson(r.Text(0));
          auto answer = base::ParseJson(r.Text(1));
          const json* responses = data ? work::LookupPath(*data, responses_path) : nullptr;
          const std::string a = responses ? ModelOf(*responses, 0) : "", b = responses ? ModelOf(*responses, 1) : "";
          std::string choice;
          if (answer && answer->contains(out.field) && (*answer)[out.field].is_object()) {
            choice = (*answer)[out.field].value("choice", "");
          }
          if (a.empty() || b.empty() || a == b || (choice != "a" && choice != "b" && choice != "tie")) {
            ++out.skipped;
            return base::Ok();
          }
          const qc::Outcome o = choice == "a" ? qc::Outcome::kModelA : choice == "b" ? qc::Outcome::kModelB : qc::Outcome::kTie;
          builder.Add(a, b, o);
          pairs.insert(a < b ? std::pair{a, b} : std::pair{b, a});
          Tally &ta = tally[a], &tb = tally[b];
          if (o == qc::Outcome::kTie) ++ta.ties, ++tb.ties;
          else if (o == qc::Outcome::kModelA) ++ta.wins, ++tb.losses;
          else ++tb.wins, ++ta.losses;
          ++out.battles;
          return base::Ok();
        });
  }));
  // One virtual tie for every pair of models that met keeps the ratings finite when a model has
  // never lost (the maximum-likelihood rating is then infinite); with many battles it weighs nothing.
  for (const auto& [a, b] : pairs) builder.Add(a, b, qc::Outcome::kTie);
  const qc::BattleTable battles = std::move(builder).Build();
  const int32_t n = battles.num_models();
  if (n == 0) return out;
  const qc::BtResult bt = qc::BradleyTerry(battles, {});
  const std::vector<double> elo = qc::OnlineElo(battles, {});
  qc::BootstrapResult ci;
  if (options.rounds > 0) {
    ci = qc::BootstrapBradleyTerry(battles, {}, {.rounds = options.rounds, .seed = options.seed, .threads = 2,
                                                 .confidence = options.confidence});
  }
  std::vector<int32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t x, int32_t y) { return bt.rating[x] > bt.rating[y]; });
  const std::vector<double> rates = qc::PredictedWinRates(bt.rating, qc::RatingScale{});
  for (int32_t m : order) {
    ModelStanding s;
    s.model = std::string(battles.model_names[m]);
    s.score = bt.rating[m];
    s.ci_low = options.rounds > 0 ? std::min(ci.low[m], s.score) : s.score;
    s.ci_high = options.rounds > 0 ? std::max(ci.high[m], s.score) : s.score;
    s.elo = elo[m];
    const Tally& t = tally[s.model];
    s.wins = t.wins, s.losses = t.losses, s.ties = t.ties;
    s.battles = t.wins + t.losses + t.ties;
    out.models.push_back(std::move(s));
    for (int32_t col : order) out.win_rates.push_back(rates[static_cast<size_t>(m) * n + col]);
  }
  return out;
}

std::string RenderLeaderboard(const LeaderboardResult& r) {
  json models = json::array(), names = json::array(), matrix = json::array();
  const size_t n = r.models.size();
  for (size_t i = 0; i < n; ++i) {
    const ModelStanding& m = r.models[i];
    models.push_back({{"model", m.model}, {"score", m.score}, {"ci_low", m.ci_low}, {"ci_high", m.ci_high},
                      {"elo", m.elo}, {"battles", m.battles}, {"wins", m.wins}, {"losses", m.losses}, {"ties", m.ties}});
    names.push_back(m.model);
    json row = json::array();
    for (size_t j = 0; j < n; ++j) row.push_back(i == j ? json(nullptr) : json(r.win_rates[i * n + j]));
    matrix.push_back(std::move(row));
  }
  return base::Dump(json{{"project_id", r.project_id},
                         {"field", r.field},
                         {"method", "bradley_terry"},
                         {"bootstrap", {{"rounds", r.options.rounds}, {"confidence", r.options.confidence}, {"seed", r.options.seed}}},
                         {"battles", r.battles},
                         {"skipped", r.skipped},
                         {"models", models},
                         {"win_rates", {{"models", names}, {"matrix", matrix}}}});
}

}  // namespace datasets

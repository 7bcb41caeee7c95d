#include "work/item_stats.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "qc/overlap.h"

namespace work {
namespace {

constexpr int64_t kPpm = 1000000;

int64_t ToPpm(double share) { return std::clamp<int64_t>(std::llround(share * kPpm), 0, kPpm); }

// Share of the pairs of labels that agree; none below two labels.
std::optional<double> PairAgreement(const std::vector<int64_t>& counts) {
  int64_t n = 0, agree = 0;
  for (int64_t c : counts) {
    n += c;
    agree += c * (c - 1) / 2;
  }
  if (n < 2) return std::nullopt;
  return static_cast<double>(agree) / static_cast<double>(n * (n - 1) / 2);
}

}  // namespace

std::vector<FieldConsensus> Consensus(const std::vector<LabelField>& fields, const std::vector<GivenLabel>& labels,
                                      const SkillFn& skill) {
  std::vector<std::vector<qc::Vote>> votes(fields.size());
  simdjson::dom::parser parser;
  for (const GivenLabel& l : labels) {
    simdjson::dom::element answer;
    if (parser.parse(l.answer_json).get(answer) != simdjson::SUCCESS) continue;
    for (size_t f = 0; f < fields.size(); ++f) {
      std::optional<std::string> label = FieldLabel(fields[f], answer);
      if (!label) continue;
      auto at = std::find(fields[f].categories.begin(), fields[f].categories.end(), *label);
      if (at == fields[f].categories.end()) continue;
      const double accuracy = skill ? skill(fields[f].name, l.expert_id) : kUnknownSkill;
      votes[f].push_back({static_cast<int32_t>(at - fields[f].categories.begin()), accuracy});
    }
  }
  std::vector<FieldConsensus> out;
  for (size_t f = 0; f < fields.size(); ++f) {
    const LabelField& field = fields[f];
    FieldConsensus fc{field.name, field.component, "", 0, std::nullopt, static_cast<int64_t>(votes[f].size()), {}};
    std::vector<int64_t> counts(field.categories.size(), 0);
    for (const qc::Vote& v : votes[f]) ++counts[static_cast<size_t>(v.label)];
    fc.agreement = PairAgreement(counts);
    if (!votes[f].empty()) {
      qc::OverlapDecision d = qc::DecideOverlap(votes[f], static_cast<int32_t>(field.categories.size()), {}, {});
      fc.label = field.categories[static_cast<size_t>(d.best_label)];
      fc.confidence = d.confidence;
    }
    for (size_t k = 0; k < counts.size(); ++k) {
      if (counts[k] > 0) fc.votes.push_back({field.categories[k], counts[k]});
    }
    std::stable_sort(fc.votes.begin(), fc.votes.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    out.push_back(std::move(fc));
  }
  return out;
}

int64_t RiskPpm(int64_t flags, bool gold_missed, int64_t agreement_ppm, int64_t confidence_ppm) {
  int64_t risk = 0;
  if (agreement_ppm >= 0) risk = std::max(risk, kPpm - agreement_ppm);
  if (confidence_ppm >= 0) risk = std::max(risk, kPpm - confidence_ppm);
  if (gold_missed) risk += kPpm;
  if (flags > 0) risk += 2 * kPpm;
  return risk;
}

base::Result<int64_t> AddMissingItemStats(storage::Conn& c, std::string_view project_id) {
  // Rows exist for every seq up to the project's largest one (RefreshItemStats adds the missing
  // ones before it inserts a row of its own), so only later items can lack one. Items an import
  // still holds (work/items.h: seq above items_committed_seq) get theirs once it commits.
  return c.Exec(
      "INSERT INTO item_stats (project_id, seq, item_id, external_id, gold, last_activity_us) "
      "SELECT i.project_id, i.seq, i.id, coalesce(i.external_id, ''), "
      "CASE WHEN i.gold IS NULL THEN 'none' ELSE 'unscored' END, i.created_at_us FROM items i "
      "WHERE i.project_id = ? AND i.seq > (SELECT coalesce(max(s.seq), 0) FROM item_stats s WHERE s.project_id = ?) "
      "AND i.seq <= (SELECT p.items_committed_seq FROM projects p WHERE p.id = ?)",
      {project_id, project_id, project_id});
}

namespace {

// The columns RefreshItemStats computes, in item_stats' order after (project_id, seq).
struct StatsRow {
  std::string external_id, state;
  int64_t labels = 0, pending = 0, approved = 0, rejected = 0;
  std::string consensus;
  int64_t confidence_ppm = -1, agreement_ppm = -1;
  std::string gold = "none";
  int64_t flags = 0, skips = 0, active_ms = 0, last_activity_us = 0, risk = 0;

  std::vector<std::pair<const char*, storage::Value>> Columns() const {
    return {{"external_id", external_id}, {"state", state},       {"labels", labels},
            {"pending", pending},         {"approved", approved}, {"rejected", rejected},
            {"consensus", consensus},     {"confidence_ppm", confidence_ppm},
            {"agreement_ppm", agreement_ppm}, {"gold", gold},     {"flags", flags},
            {"skips", skips},             {"active_ms", active_ms}, {"last_activity_us", last_activity_us},
            {"risk", risk}};
  }
};

bool SameValue(const storage::Value& a, const storage::Value& b) {
  if (a.kind() == storage::Value::Kind::kText || b.kind() == storage::Value::Kind::kText) {
    return a.AsText() == b.AsText();
  }
  return a.AsInt() == b.AsInt();
}

// "match" when every label the answers give a field gold has equals gold's, "mismatch" when one
// differs, "unscored" with gold but no label to compare.
std::string GoldResult(const std::vector<LabelField>& fields, const std::optional<std::string>& gold_json,
                       const std::vector<GivenLabel>& labels) {
  if (!gold_json) return "none";
  simdjson::dom::parser gold_parser, parser;
  simdjson::dom::element gold;
  if (gold_parser.parse(*gold_json).get(gold) != simdjson::SUCCESS) return "unscored";
  bool compared = false;
  for (const GivenLabel& l : labels) {
    simdjson::dom::element answer;
    if (parser.parse(l.answer_json).get(answer) != simdjson::SUCCESS) continue;
    for (const LabelField& f : fields) {
      std::optional<std::string> want = FieldLabel(f, gold), got = FieldLabel(f, answer);
      if (!want || !got) continue;
      compared = true;
      if (*want != *got) return "mismatch";
    }
  }
  return compared ? "match" : "unscored";
}

struct ItemFacts {
  int64_t seq = 0, created_at_us = 0, overlap = 1, max_overlap = 1, want = 0, skips = 0, flags = 0;
  int64_t last_review_us = 0;
  bool decided = false;
  std::optional<std::string> external_id, gold;
};

// The item's facts (columns 0-10), its browser row as stored (11-26: StatsRow's columns, stale,
// then its seq, NULL when the row is missing) and its submissions (27-31), one row each (one row
// of NULLs without any), in one statement.
constexpr int kStatsAt = 11, kSubmissionAt = 28;
base::Result<storage::Rows> LoadItem(storage::Conn& c, const StatsInput& in, const std::string& stats_select) {
  return c.Query(
      "SELECT f.seq, f.created_at_us, f.overlap, f.max_overlap, f.want, f.skips, f.flags, f.last_review_us, f.decided, "
      "f.external_id, f.gold, " + stats_select + ", st.stale, st.seq, s.expert_id, s.answer, s.state, s.active_ms, "
      "s.submitted_at_us FROM (SELECT i.id, i.seq, i.created_at_us, p.overlap, coalesce(p.max_overlap, p.overlap) "
      "AS max_overlap, i.want, (SELECT count(*) FROM skips k WHERE k.item_id = i.id) AS skips, "
      "(SELECT count(*) FROM skips k WHERE k.item_id = i.id AND k.reason <> 'outside_expertise') AS flags, "
      "(SELECT coalesce(max(r.created_at_us), 0) FROM submissions s JOIN reviews r ON r.submission_id = s.id "
      "WHERE s.item_id = i.id) AS last_review_us, i.decided, i.external_id, i.gold "
      "FROM items i JOIN projects p ON p.id = i.project_id WHERE i.id = ?) f "
      "LEFT JOIN item_stats st ON st.project_id = ? AND st.seq = f.seq "
      "LEFT JOIN submissions s ON s.item_id = f.id ORDER BY s.id",
      {in.item_id, in.project_id});
}

// The state: no label yet, labelling, or as many labels as the item wants (with dynamic overlap:
// decided).
std::string StateFor(const ItemFacts& f, int64_t labels) {
  if (labels == 0) return "new";
  if (f.max_overlap > f.overlap) return f.decided ? "labelled" : "labelling";
  return labels >= std::max(f.overlap, f.want) ? "labelled" : "labelling";
}

}  // namespace

base::Status RefreshItemStats(storage::Conn& c, const StatsInput& in) {
  const std::vector<std::pair<const char*, storage::Value>> names = StatsRow().Columns();
  std::string stats_select;
  for (size_t i = 0; i < names.size(); ++i) stats_select += std::string(i ? ", st." : "st.") + names[i].first;
  ASSAY_ASSIGN_OR_RETURN(storage::Rows item, LoadItem(c, in, stats_select));
  if (item.empty()) return base::Error::NotFound("no such item");
  const storage::Row& r = item[0];
  ItemFacts facts{r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4), r.Int(5), r.Int(6), r.Int(7), r.Int(8) != 0,
                  r.OptText(9), r.OptText(10)};
  StatsRow row;
  row.external_id = facts.external_id.value_or("");
  row.skips = facts.skips;
  row.flags = facts.flags;
  row.last_activity_us = std::max(facts.created_at_us, facts.last_review_us);
  std::vector<GivenLabel> labels;
  for (const storage::Row& s : item) {
    if (s.IsNull(kSubmissionAt)) continue;  // no submission yet
    const std::string& state = s.Text(kSubmissionAt + 2);
    row.pending += state == "pending";
    row.approved += state == "approved";
    row.rejected += state == "rejected";
    row.active_ms += s.Int(kSubmissionAt + 3);
    row.last_activity_us = std::max(row.last_activity_us, s.Int(kSubmissionAt + 4));
    if (state != "rejected") labels.push_back({s.Text(kSubmissionAt), s.Text(kSubmissionAt + 1)});
  }
  row.labels = static_cast<int64_t>(labels.size());
  // Per-item overlap (bulk "set overlap" / "send for another label") counts every lease, so
  // rejected labels count against it: the item wants want - rejected labels that stand.
  facts.want = std::max<int64_t>(0, facts.want - row.rejected);
  row.state = StateFor(facts, row.labels);
  const std::vector<LabelField> none;
  const std::vector<LabelField>& fields = in.fields ? *in.fields : none;
  if (!fields.empty() && !labels.empty()) {
    std::vector<FieldConsensus> cs = Consensus({fields[0]}, labels, in.skill);
    if (!cs[0].label.empty()) {
      row.consensus = cs[0].label;
      row.confidence_ppm = ToPpm(cs[0].confidence);
    }
    if (cs[0].agreement) row.agreement_ppm = ToPpm(*cs[0].agreement);
  }
  row.gold = GoldResult(fields, facts.gold, labels);
  row.risk = RiskPpm(row.flags, row.gold == "mismatch", row.agreement_ppm, row.confidence_ppm);

  const auto cols = row.Columns();
  // The stored row's columns and stale, as read above.
  std::vector<storage::Value> current;
  for (size_t i = 0; i <= cols.size(); ++i) current.push_back(r[kStatsAt + i]);
  if (r.IsNull(kStatsAt + cols.size() + 1)) {
    ASSAY_TRY(AddMissingItemStats(c, in.project_id));
    ASSAY_ASSIGN_OR_RETURN(storage::Rows added, c.Query("SELECT " + stats_select + ", st.stale FROM item_stats st "
                                                        "WHERE st.project_id = ? AND st.seq = ?",
                                                        {in.project_id, facts.seq}));
    if (added.empty()) return base::Error::Internal("item_stats row missing after AddMissingItemStats");
    current.clear();
    for (size_t i = 0; i <= cols.size(); ++i) current.push_back(added[0][i]);
  }
  // Only the columns that changed: SQLite then rewrites only the indexes holding them.
  std::string set;
  storage::Params params;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (SameValue(current[i], cols[i].second)) continue;
    set += std::string(set.empty() ? "" : ", ") + cols[i].first + " = ?";
    params.push_back(cols[i].second);
  }
  if (current[cols.size()].AsInt() != 0) set += std::string(set.empty() ? "" : ", ") + "stale = 0";
  if (set.empty()) return base::Ok();
  params.push_back(std::string(in.project_id));
  params.push_back(facts.seq);
  ASSAY_TRY(c.Exec("UPDATE item_stats SET " + set + " WHERE project_id = ? AND seq = ?", params));
  return base::Ok();
}

}  // namespace work

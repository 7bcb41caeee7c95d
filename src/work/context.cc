// An item's page (its data, every answer side by side with gold compared, the consensus, its
// history) and a submission's review context (the other answers, the expert's record).
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>

#include "work/browse.h"
#include "work/gold.h"
#include "work/internal.h"
#include "work/render.h"

namespace work {
namespace {

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

// How people are named on the page: managers see names; reviewers see experts by pseudonym
// (staff by name).
struct Names {
  std::string project_id;
  bool identities = false;
  std::set<std::string> experts;
  std::map<std::string, std::string> names;  // user id → name or email
  std::string Of(const std::string& user_id) const {
    if (user_id.empty()) return "";
    if (!identities && experts.count(user_id)) return ExpertPseudonym(project_id, user_id);
    auto it = names.find(user_id);
    return it == names.end() ? user_id : it->second;
  }
};

base::Status LoadNames(storage::Conn& c, const std::set<std::string>& ids, Names& names) {
  if (ids.empty()) return base::Ok();
  storage::Params params(ids.begin(), ids.end());
  return c.QueryEach("SELECT id, CASE WHEN name <> '' THEN name ELSE email END FROM users WHERE id IN (" +
                         Placeholders(ids.size()) + ")",
                     params, [&](const storage::Row& r) -> base::Status {
                       names.names[r.Text(0)] = r.Text(1);
                       return base::Ok();
                     });
}

void AddEvent(ItemContext& ctx, int64_t at, std::string kind, std::string who_id, std::string detail,
              std::vector<std::pair<HistoryEvent, std::string>>& pending) {
  pending.push_back({HistoryEvent{at, std::move(kind), "", std::move(detail)}, std::move(who_id)});
  (void)ctx;
}

// The item's history from the rows that record it (assignments, submissions, versions, reviews,
// send-backs, skips, the manager's changes).
base::Status LoadHistory(storage::Conn& c, const std::string& item_id, int64_t created_at_us, ItemContext& ctx,
                         std::vector<std::pair<HistoryEvent, std::string>>& events, std::set<std::string>& people) {
  AddEvent(ctx, created_at_us, "imported", "", "", events);
  std::set<std::string> skipped;
  ASSAY_TRY(c.QueryEach("SELECT assignment_id, expert_id, reason, note, created_at_us FROM skips WHERE item_id = ?",
                        {item_id}, [&](const storage::Row& r) -> base::Status {
                          skipped.insert(r.Text(0));
                          people.insert(r.Text(1));
                          AddEvent(ctx, r.Int(4), "skipped", r.Text(1),
                                   r.Text(2) + (r.Text(3).empty() ? "" : ": " + r.Text(3)), events);
                          return base::Ok();
                        }));
  ASSAY_TRY(c.QueryEach("SELECT id, expert_id, state, leased_at_us, finished_at_us FROM assignments WHERE item_id = ?",
                        {item_id}, [&](const storage::Row& r) -> base::Status {
                          people.insert(r.Text(1));
                          AddEvent(ctx, r.Int(3), "leased", r.Text(1), "", events);
                          const std::string& state = r.Text(2);
                          if ((state == "expired" || state == "returned") && !skipped.count(r.Text(0)) && !r.IsNull(4)) {
                            AddEvent(ctx, r.Int(4), state, r.Text(1), "", events);
                          }
                          return base::Ok();
                        }));
  ASSAY_TRY(c.QueryEach("SELECT s.expert_id, s.submitted_at_us, v.replaced_at_us, v.version FROM submissions s "
                        "LEFT JOIN submission_versions v ON v.submission_id = s.id WHERE s.item_id = ?",
                        {item_id}, [&](const storage::Row& r) -> base::Status {
                          if (r.IsNull(2)) {
                            AddEvent(ctx, r.Int(1), "submitted", r.Text(0), "", events);
                          } else {
                            if (r.Int(3) == 1) AddEvent(ctx, r.Int(1), "submitted", r.Text(0), "", events);
                            AddEvent(ctx, r.Int(2), "edited", r.Text(0), "version " + std::to_string(r.Int(3) + 1), events);
                          }
                          return base::Ok();
                        }));
  ASSAY_TRY(c.QueryEach("SELECT r.reviewer_id, r.verdict, r.reason, r.created_at_us FROM reviews r JOIN submissions s "
                        "ON s.id = r.submission_id WHERE s.item_id = ?",
                        {item_id}, [&](const storage::Row& r) -> base::Status {
                          people.insert(r.Text(0));
                          const std::string verdict = r.Text(1) == "approve" ? "approved" : "rejected";
                          AddEvent(ctx, r.Int(3), "reviewed", r.Text(0),
                                   verdict + (r.Text(2).empty() ? "" : ": " + r.Text(2)), events);
                          return base::Ok();
                        }));
  ASSAY_TRY(c.QueryEach("SELECT b.reviewer_id, b.note, b.created_at_us FROM send_backs b JOIN submissions s "
                        "ON s.id = b.submission_id WHERE s.item_id = ?",
                        {item_id}, [&](const storage::Row& r) -> base::Status {
                          people.insert(r.Text(0));
                          AddEvent(ctx, r.Int(2), "sent_back", r.Text(0), r.Text(1), events);
                          return base::Ok();
                        }));
  return c.QueryEach("SELECT kind, detail, coalesce(actor_id, ''), created_at_us FROM item_events WHERE item_id = ?",
                     {item_id}, [&](const storage::Row& r) -> base::Status {
                       people.insert(r.Text(2));
                       AddEvent(ctx, r.Int(3), r.Text(0), r.Text(2), r.Text(1), events);
                       return base::Ok();
                     });
}

base::Result<BrowseRow> LoadStatsRow(storage::Conn& c, const std::string& item_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Row r, c.QueryOne("SELECT " + std::string(kBrowseRowColumns) +
                                                        " FROM item_stats st WHERE st.item_id = ?",
                                                    {item_id}));
  return BrowseRowFrom(r);
}

}  // namespace

base::Result<ItemContext> ItemBrowser::GetItemContext(const Caller& caller, std::string_view item_id) {
  ItemContext ctx;
  std::string template_json;
  std::vector<GivenLabel> labels;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                           c.Query("SELECT i.id, i.external_id, i.data, i.gold, i.seq, i.project_id, i.created_at_us, "
                                   "p.template, p.hide_models, p.shuffle_responses FROM items i JOIN projects p ON "
                                   "p.id = i.project_id WHERE i.id = ?",
                                   {item_id}));
    if (rows.empty()) return base::Error::NotFound("no such item");
    const storage::Row& r = rows[0];
    ctx.project_id = r.Text(5);
    auto role = RequireProjectRole(c, caller, ctx.project_id, {"manager", "reviewer"});
    if (!role) return base::Error::NotFound("no such item");
    ctx.item = {r.Text(0), r.OptText(1), r.Text(2), r.OptText(3), r.Int(4), 0};
    template_json = r.Text(7);
    Display display{r.Int(8) != 0, r.Int(9) != 0, {}};
    if (auto t = Template::ParseText(template_json)) {
      for (const Template::Source& s : t->RequiredSources()) {
        if (s.shape == Template::Shape::kResponses) display.response_paths.push_back(s.path);
      }
    }
    ctx.response_order_json = ResponseOrderJson(ctx.item.id, ctx.item.data_json, display);
    if (auto stats = LoadStatsRow(c, ctx.item.id)) ctx.stats = std::move(stats).value();
    Names names{ctx.project_id, *role == "manager" || *role == "admin", {}, {}};
    std::set<std::string> people;
    ASSAY_TRY(c.QueryEach(std::string(internal::kSubmissionSelect) + "WHERE s.item_id = ? ORDER BY s.id", {ctx.item.id},
                          [&](const storage::Row& s) -> base::Status {
                            AnswerView a;
                            a.submission = internal::SubmissionFromRow(s);
                            names.experts.insert(a.submission.expert_id);
                            people.insert(a.submission.expert_id);
                            ctx.answers.push_back(std::move(a));
                            return base::Ok();
                          }));
    ctx.item.submissions = static_cast<int64_t>(ctx.answers.size());
    for (AnswerView& a : ctx.answers) {
      ASSAY_TRY(c.QueryEach("SELECT version, answer, submitted_at_us, replaced_at_us FROM submission_versions "
                            "WHERE submission_id = ? ORDER BY version",
                            {a.submission.id}, [&](const storage::Row& v) -> base::Status {
                              a.earlier.push_back({v.Int(0), v.Text(1), v.Int(2), v.Int(3)});
                              return base::Ok();
                            }));
    }
    std::vector<std::pair<HistoryEvent, std::string>> events;
    ASSAY_TRY(LoadHistory(c, ctx.item.id, r.Int(6), ctx, events, people));
    ASSAY_TRY(LoadNames(c, people, names));
    for (const AnswerView& a : ctx.answers) {  // by real ids: the experts' skills are known by them
      if (a.submission.state != "rejected") labels.push_back({a.submission.expert_id, a.submission.answer_json});
    }
    for (AnswerView& a : ctx.answers) {
      a.expert_name = names.identities ? names.Of(a.submission.expert_id) : "";
      if (!names.identities) a.submission.expert_id = ExpertPseudonym(ctx.project_id, a.submission.expert_id);
    }
    for (auto& [event, who] : events) {
      event.who = names.Of(who);
      ctx.history.push_back(std::move(event));
    }
    std::stable_sort(ctx.history.begin(), ctx.history.end(),
                     [](const HistoryEvent& a, const HistoryEvent& b) { return a.at_us < b.at_us; });
    return base::Ok();
  }));
  // The consensus of the labels that stand, weighed by the experts' skills.
  QualityObserver* observer = work_.quality_observer();
  const SkillFn skill = observer && !labels.empty() ? observer->Skills(ctx.project_id) : SkillFn();
  ctx.consensus = Consensus(LabelFields(template_json), labels, skill);
  if (ctx.item.gold_json) {
    for (AnswerView& a : ctx.answers) a.gold = CompareToGold(template_json, *ctx.item.gold_json, a.submission.answer_json);
  }
  return ctx;
}

base::Result<SubmissionContext> ItemBrowser::GetSubmissionContext(const Caller& caller,
                                                                  std::string_view submission_id) {
  std::string item_id, expert_id, project_id;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Submission s, internal::LoadSubmission(c, submission_id));
    auto role = RequireProjectRole(c, caller, s.project_id, {"manager", "reviewer"});
    if (!role) return base::Error::NotFound("no such submission");
    item_id = s.item_id;
    expert_id = s.expert_id;
    project_id = s.project_id;
    return base::Ok();
  }));
  SubmissionContext out;
  ASSAY_ASSIGN_OR_RETURN(out.item, GetItemContext(caller, item_id));
  auto it = std::find_if(out.item.answers.begin(), out.item.answers.end(),
                         [&](const AnswerView& a) { return a.submission.id == submission_id; });
  if (it == out.item.answers.end()) return base::Error::NotFound("no such submission");
  out.answer = std::move(*it);
  out.item.answers.erase(it);
  // Her record in this project.
  ExpertRecord& rec = out.expert;
  rec.expert_id = out.answer.submission.expert_id;
  rec.name = out.answer.expert_name;
  std::string template_json;
  std::vector<int64_t> active;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT template FROM projects WHERE id = ?", {project_id}));
    template_json = p.Text(0);
    ASSAY_TRY(c.QueryEach("SELECT state, active_ms FROM submissions WHERE project_id = ? AND expert_id = ?",
                          {project_id, expert_id}, [&](const storage::Row& r) -> base::Status {
                            ++rec.submitted;
                            rec.approved += r.Text(0) == "approved";
                            rec.rejected += r.Text(0) == "rejected";
                            rec.pending += r.Text(0) == "pending";
                            active.push_back(r.Int(1));
                            return base::Ok();
                          }));
    const std::vector<LabelField> fields = LabelFields(template_json);
    simdjson::dom::parser answers, golds;
    ASSAY_TRY(c.QueryEach(
        "SELECT s.answer, i.gold, st.consensus, st.labels FROM submissions s JOIN items i ON i.id = s.item_id "
        "LEFT JOIN item_stats st ON st.item_id = s.item_id WHERE s.project_id = ? AND s.expert_id = ? "
        "AND s.state <> 'rejected'",
        {project_id, expert_id}, [&](const storage::Row& r) -> base::Status {
          simdjson::dom::element answer;
          if (answers.parse(r.Text(0)).get(answer) != simdjson::SUCCESS) return base::Ok();
          simdjson::dom::element gold;
          const bool has_gold = !r.IsNull(1) && golds.parse(r.Text(1)).get(gold) == simdjson::SUCCESS;
          for (size_t f = 0; f < fields.size(); ++f) {
            std::optional<std::string> mine = FieldLabel(fields[f], answer);
            if (!mine) continue;
            if (has_gold) {
              if (std::optional<std::string> want = FieldLabel(fields[f], gold)) {
                ++rec.gold_total;
                rec.gold_correct += *want == *mine;
              }
            }
            // Agreement with the item's consensus (the first field's, with another label beside hers).
            if (f == 0 && !r.IsNull(2) && !r.Text(2).empty() && r.Int(3) >= 2) {
              ++rec.compared;
              rec.agreed += r.Text(2) == *mine;
            }
          }
          return base::Ok();
        }));
    return base::Ok();
  }));
  if (!active.empty()) {
    std::nth_element(active.begin(), active.begin() + active.size() / 2, active.end());
    rec.median_active_ms = active[active.size() / 2];
  }
  return out;
}

}  // namespace work

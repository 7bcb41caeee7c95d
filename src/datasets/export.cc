#include "datasets/export.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "base/csv.h"
#include "base/json.h"
#include "datasets/labelstudio.h"
#include "work/access.h"
#include "work/render.h"
#include "work/template.h"

namespace datasets {
namespace {

using json = nlohmann::json;

constexpr std::string_view kFormatNames[] = {"jsonl", "sft", "dpo", "openai", "labelstudio", "csv"};

// ---- one item and its submissions, as the query gives them ---------------------------------

struct Sub {
  std::string id, assignment_id, expert, client_submission_id, answer_text, state;
  int64_t active_ms = 0, submitted_at_us = 0;
  std::optional<std::string> verdict, reason, reviewer;
  std::optional<int64_t> reviewed_at_us;
  bool counted = false;  // in the export's filter (sft, openai, dpo, labelstudio)
};

struct ItemRows {
  std::string id;
  std::optional<std::string> external_id;
  std::string data_text;
  std::optional<std::string> gold_text;
  int64_t seq = 0;
  std::vector<Sub> subs;
  // external id, or the item id when it has none: what an import of the export keys items by
  std::string Key() const { return external_id ? *external_id : id; }
};

// What the template says about where things are.
struct Shape {
  json components = json::array();
  std::vector<std::string> rewrites, authored, pairwise;  // input names by type
  std::vector<std::pair<std::string, std::string>> rankings;  // name, responses source
  std::vector<std::string> inputs;                             // every input name (csv columns)
  std::string responses = "responses";                         // the responses display's source

  static Shape Of(const std::string& template_json) {
    Shape s;
    auto parsed = base::ParseJson(template_json);
    if (!parsed || !parsed->is_array()) return s;
    s.components = std::move(*parsed);
    for (const json& c : s.components) {
      const std::string type = c.value("type", "");
      const std::string name = c.value("name", "");
      if (type == "responses") s.responses = c.value("source", s.responses);
      if (name.empty()) continue;
      s.inputs.push_back(name);
      if (type == "rewrite") s.rewrites.push_back(name);
      if (type == "chat_author") s.authored.push_back(name);
      if (type == "pairwise") s.pairwise.push_back(name);
      if (type == "ranking") s.rankings.emplace_back(name, c.value("source", "responses"));
    }
    return s;
  }
};

struct Counts {
  int64_t items = 0, submissions = 0, records = 0, skipped_items = 0;
};

// ---- what every record shares ----------------------------------------------------------------

json SubProvenance(const Sub& s) {
  json p = {{"submission_id", s.id}, {"expert", s.expert}, {"state", s.state},
            {"submitted_at", base::FormatRfc3339(s.submitted_at_us)}};
  p["reviewed_at"] = s.reviewed_at_us ? json(base::FormatRfc3339(*s.reviewed_at_us)) : json(nullptr);
  return p;
}

json ItemProvenance(const ItemRows& item, const std::vector<const Sub*>& subs, const std::string& field) {
  json experts = json::array(), list = json::array();
  for (const Sub* s : subs) {
    if (std::find(experts.begin(), experts.end(), s->expert) == experts.end()) experts.push_back(s->expert);
    list.push_back(SubProvenance(*s));
  }
  return {{"item_id", item.id}, {"external_id", item.external_id ? json(*item.external_id) : json(nullptr)},
          {"field", field}, {"experts", experts}, {"submissions", list}};
}

json ParseOr(const std::string& text, json fallback) {
  auto parsed = base::ParseJson(text);
  return parsed ? std::move(*parsed) : fallback;
}

// The conversation an item starts with: data.messages as they are (roles, tool calls), or the
// prompt as a user message, after data.system when there is one. Empty: no prompt.
json PromptMessages(const json& data) {
  json out = json::array();
  if (data.contains("messages") && data["messages"].is_array()) return data["messages"];
  if (data.contains("system") && data["system"].is_string()) out.push_back({{"role", "system"}, {"content", data["system"]}});
  if (data.contains("prompt") && data["prompt"].is_string()) out.push_back({{"role", "user"}, {"content", data["prompt"]}});
  else out.clear();
  return out;
}

std::string ResponseContent(const json& r) {
  if (r.is_string()) return r.get<std::string>();
  if (r.is_object() && r.contains("content") && r["content"].is_string()) return r["content"].get<std::string>();
  return "";
}

// The ids a template gives an item's responses: their "id", else a, b, c… by position.
std::string ResponseId(const json& r, size_t i) {
  if (r.is_object() && r.contains("id") && r["id"].is_string()) return r["id"].get<std::string>();
  return std::string(1, static_cast<char>('a' + i % 26)) + (i >= 26 ? std::to_string(i / 26) : "");
}

std::vector<const Sub*> Counted(const ItemRows& item) {
  std::vector<const Sub*> out;
  for (const Sub& s : item.subs) {
    if (s.counted) out.push_back(&s);
  }
  return out;
}

base::Status Line(const ChunkFn& sink, const json& record, Counts& counts) {
  ++counts.records;
  return sink(base::Dump(record) + "\n");
}

// ---- sft and openai ------------------------------------------------------------------------

base::Status WriteMessages(const Shape& shape, const ItemRows& item, bool openai, const ChunkFn& sink, Counts& counts) {
  const json data = ParseOr(item.data_text, json::object());
  const json prompt = PromptMessages(data);
  const bool tools = data.contains("tools") && data["tools"].is_array() && !data["tools"].empty();
  bool wrote = false;
  for (const Sub* s : Counted(item)) {
    const json answer = ParseOr(s->answer_text, json::object());
    auto emit = [&](json messages, const std::string& field) -> base::Status {
      json record = {{"messages", std::move(messages)}};
      if (tools) record["tools"] = data["tools"];
      if (!openai) record["provenance"] = ItemProvenance(item, {s}, field);
      wrote = true;
      return Line(sink, record, counts);
    };
    for (const std::string& name : shape.rewrites) {
      if (prompt.empty() || !answer.contains(name) || !answer[name].is_string() || answer[name].get<std::string>().empty()) continue;
      json messages = prompt;
      messages.push_back({{"role", "assistant"}, {"content", answer[name]}});
      ASSAY_TRY(emit(std::move(messages), name));
    }
    for (const std::string& name : shape.authored) {
      if (!answer.contains(name) || !answer[name].is_array() || answer[name].empty()) continue;
      json messages = json::array();
      if (data.contains("system") && data["system"].is_string()) messages.push_back({{"role", "system"}, {"content", data["system"]}});
      for (const json& m : answer[name]) messages.push_back(m);
      ASSAY_TRY(emit(std::move(messages), name));
    }
  }
  if (!wrote) ++counts.skipped_items;
  return base::Ok();
}

// ---- dpo -----------------------------------------------------------------------------------

struct Pair {
  std::string chosen_id, rejected_id;
  int64_t for_chosen = 0, for_rejected = 0, ties = 0;
};

json PreferenceRecord(const json& data, const json& responses, const Pair& p) {
  std::map<std::string, std::string> content;
  for (size_t i = 0; i < responses.size(); ++i) content[ResponseId(responses[i], i)] = ResponseContent(responses[i]);
  const json prompt = PromptMessages(data);
  const bool conversational = data.contains("messages") && data["messages"].is_array();
  json record;
  if (conversational) {
    record["prompt"] = prompt;
    record["chosen"] = json::array({{{"role", "assistant"}, {"content", content[p.chosen_id]}}});
    record["rejected"] = json::array({{{"role", "assistant"}, {"content", content[p.rejected_id]}}});
  } else {
    record["prompt"] = data.contains("prompt") && data["prompt"].is_string() ? data["prompt"] : json("");
    record["chosen"] = content[p.chosen_id];
    record["rejected"] = content[p.rejected_id];
  }
  const double n = static_cast<double>(p.for_chosen + p.for_rejected + p.ties);
  record["chosen_id"] = p.chosen_id;
  record["rejected_id"] = p.rejected_id;
  record["votes"] = {{"chosen", p.for_chosen}, {"rejected", p.for_rejected}, {"tie", p.ties}};
  record["agreement"] = n > 0 ? p.for_chosen / n : 0.0;
  record["margin"] = n > 0 ? (p.for_chosen - p.for_rejected) / n : 0.0;
  return record;
}

// Pairwise answers: the majority of a/b (ties counted, never chosen); a tie of votes is no pair.
std::optional<Pair> PairwiseMajority(const std::vector<const Sub*>& subs, const std::string& name,
                                     const json& responses, std::vector<const Sub*>* voters) {
  if (responses.size() < 2) return std::nullopt;
  int64_t a = 0, b = 0, tie = 0;
  for (const Sub* s : subs) {
    const json answer = ParseOr(s->answer_text, json::object());
    if (!answer.contains(name) || !answer[name].is_object()) continue;
    const std::string choice = answer[name].value("choice", "");
    if (choice == "a") ++a;
    else if (choice == "b") ++b;
    else if (choice == "tie") ++tie;
    else continue;
    voters->push_back(s);
  }
  if (a == b) return std::nullopt;
  const std::string ida = ResponseId(responses[0], 0), idb = ResponseId(responses[1], 1);
  return a > b ? Pair{ida, idb, a, b, tie} : Pair{idb, ida, b, a, tie};
}

// Rankings: the responses ordered by mean rank; each pair's votes from the single rankings.
std::vector<Pair> RankingPairs(const std::vector<std::vector<std::string>>& rankings, bool all_pairs) {
  std::map<std::string, double> rank_sum;
  for (const auto& r : rankings) {
    for (size_t i = 0; i < r.size(); ++i) rank_sum[r[i]] += static_cast<double>(i);
  }
  std::vector<std::string> order;
  for (const auto& [id, sum] : rank_sum) order.push_back(id);
  std::stable_sort(order.begin(), order.end(), [&](const auto& x, const auto& y) { return rank_sum[x] < rank_sum[y]; });
  std::vector<Pair> out;
  for (size_t i = 0; i < order.size(); ++i) {
    for (size_t j = i + 1; j < order.size(); ++j) {
      if (!all_pairs && (i != 0 || j != order.size() - 1)) continue;
      Pair p{order[i], order[j]};
      for (const auto& r : rankings) {
        auto pi = std::find(r.begin(), r.end(), order[i]), pj = std::find(r.begin(), r.end(), order[j]);
        if (pi == r.end() || pj == r.end()) continue;
        (pi < pj ? p.for_chosen : p.for_rejected)++;
      }
      if (p.for_chosen > p.for_rejected) out.push_back(p);
    }
  }
  return out;
}

base::Status WritePreferences(const Shape& shape, const ExportOptions& options, const ItemRows& item,
                              const ChunkFn& sink, Counts& counts) {
  const json data = ParseOr(item.data_text, json::object());
  const std::vector<const Sub*> subs = Counted(item);
  bool wrote = false;
  auto emit = [&](const json& responses, const Pair& p, const std::vector<const Sub*>& voters,
                  const std::string& field) -> base::Status {
    json record = PreferenceRecord(data, responses, p);
    record["provenance"] = ItemProvenance(item, voters, field);
    wrote = true;
    return Line(sink, record, counts);
  };
  for (const std::string& name : shape.pairwise) {
    const json* responses = work::LookupPath(data, shape.responses);
    if (!responses || !responses->is_array()) continue;
    std::vector<const Sub*> voters;
    if (auto p = PairwiseMajority(subs, name, *responses, &voters)) ASSAY_TRY(emit(*responses, *p, voters, name));
  }
  for (const auto& [name, source] : shape.rankings) {
    const json* responses = work::LookupPath(data, source);
    if (!responses || !responses->is_array()) continue;
    std::vector<std::vector<std::string>> rankings;
    std::vector<const Sub*> voters;
    for (const Sub* s : subs) {
      const json answer = ParseOr(s->answer_text, json::object());
      if (!answer.contains(name) || !answer[name].is_array()) continue;
      rankings.push_back(answer[name].get<std::vector<std::string>>());
      voters.push_back(s);
    }
    for (const Pair& p : RankingPairs(rankings, options.all_pairs)) ASSAY_TRY(emit(*responses, p, voters, name));
  }
  if (!wrote) ++counts.skipped_items;
  return base::Ok();
}

// ---- jsonl (work::JsonlExport's shape), labelstudio, csv -------------------------------------

base::Status WriteJsonl(const ItemRows& item, const ChunkFn& sink, Counts& counts) {
  std::string subs;
  for (const Sub& s : item.subs) {
    work::JsonObject o;
    o.Str("submission_id", s.id)
        .Str("assignment_id", s.assignment_id)
        .Str("expert_id", s.expert)
        .Str("client_submission_id", s.client_submission_id)
        .Raw("answer", work::OneLine(s.answer_text))
        .Int("active_ms", s.active_ms)
        .Time("submitted_at", s.submitted_at_us)
        .Str("state", s.state);
    if (s.verdict) {
      o.Raw("review", work::JsonObject()
                          .Str("verdict", *s.verdict)
                          .Str("reason", s.reason.value_or(""))
                          .Str("reviewer_id", s.reviewer.value_or(""))
                          .Time("reviewed_at", s.reviewed_at_us.value_or(0))
                          .Finish());
    } else {
      o.Null("review");
    }
    if (!subs.empty()) subs += ',';
    subs += o.Finish();
  }
  std::string head = work::JsonObject()
                         .Str("item_id", item.id)
                         .OptStr("external_id", item.external_id)
                         .Raw("data", work::OneLine(item.data_text))
                         .Raw("gold", item.gold_text ? work::OneLine(*item.gold_text) : "null")
                         .Finish();
  head.pop_back();
  ++counts.records;
  return sink(head + ",\"submissions\":[" + subs + "]}\n");
}

base::Status WriteTask(const Shape& shape, const ItemRows& item, const ChunkFn& sink, Counts& counts) {
  json annotations = json::array();
  for (const Sub* s : Counted(item)) {
    const json answer = ParseOr(s->answer_text, json::object());
    annotations.push_back({{"id", static_cast<int64_t>(annotations.size()) + 1},
                           {"completed_by", s->expert},
                           {"created_at", base::FormatRfc3339(s->submitted_at_us)},
                           {"lead_time", s->active_ms / 1000.0},
                           {"result", ResultsFromAnswer(shape.components, answer)},
                           {"assay_answer", answer},
                           {"assay", SubProvenance(*s)}});
  }
  json task = {{"id", item.seq},
               {"data", ParseOr(item.data_text, json::object())},
               {"meta", {{"external_id", item.Key()}, {"item_id", item.id}}},
               {"annotations", std::move(annotations)},
               {"predictions", json::array()}};
  std::string text(counts.records == 0 ? "[\n" : ",\n");
  text += base::Dump(task);
  ++counts.records;
  return sink(text);
}

std::string CsvHeader(const Shape& shape) {
  std::string h = "item_id,external_id,data,gold,submission_id,kind,expert,state,submitted_at,reviewed_at,verdict,"
                  "active_ms,answer";
  for (const std::string& name : shape.inputs) {
    h += ',';
    h += base::CsvQuote("answer." + name);
  }
  return h + "\n";
}

base::Status WriteCsv(const Shape& shape, const ItemRows& item, const ChunkFn& sink, Counts& counts) {
  const std::string head = base::CsvQuote(item.id) + "," + base::CsvQuote(item.Key()) + "," + base::CsvQuote(work::OneLine(item.data_text)) +
                           "," + (item.gold_text ? base::CsvQuote(work::OneLine(*item.gold_text)) : "");
  std::string out;
  if (item.subs.empty()) out = head + ",,,,,,,,,";
  for (const Sub& s : item.subs) {
    const json answer = ParseOr(s.answer_text, json::object());
    out += head + "," + base::CsvQuote(s.id) + ",submission," + base::CsvQuote(s.expert) + "," + s.state + "," +
           base::FormatRfc3339(s.submitted_at_us) + "," +
           (s.reviewed_at_us ? base::FormatRfc3339(*s.reviewed_at_us) : "") + "," + s.verdict.value_or("") + "," +
           std::to_string(s.active_ms) + "," + base::CsvQuote(work::OneLine(s.answer_text));
    for (const std::string& name : shape.inputs) {
      auto it = answer.find(name);
      out += ",";
      if (it != answer.end() && !it->is_null()) out += base::CsvQuote(it->is_string() ? it->get<std::string>() : base::Dump(*it));
    }
    out += "\n";
    ++counts.records;
  }
  if (item.subs.empty()) {
    out += std::string(shape.inputs.size(), ',') + "\n";
    ++counts.records;
  }
  return sink(out);
}

std::string Aggregation(ExportFormat f) {
  switch (f) {
    case ExportFormat::kDpo:
      return "pairwise: the majority of the counted votes (a tie of votes gives no pair); ranking: responses ordered by "
             "mean rank, each pair's votes from the single rankings";
    case ExportFormat::kSft:
    case ExportFormat::kOpenai: return "none: one record per counted rewrite or authored conversation";
    default: return "none: every submission as given";
  }
}

std::string Filters(ExportFormat f, const ExportOptions& o) {
  if (o.approved_only) return "approved submissions";
  if (f == ExportFormat::kJsonl || f == ExportFormat::kCsv) return "every submission, with its state";
  return "approved and pending submissions";
}

std::string Slug(std::string_view name) {
  std::string out;
  for (char ch : name) {
    const bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                      ch == '_' || static_cast<unsigned char>(ch) >= 0x80;  // UTF-8 letters stay
    if (keep) out += ch;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && (out.back() == '-' || out.back() == '.')) out.pop_back();
  if (out.size() > 60) {
    out.resize(60);
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();  // a whole character
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  }
  return out.empty() ? "project" : out;
}

}  // namespace

base::Result<ExportFormat> ParseExportFormat(std::string_view name) {
  for (size_t i = 0; i < std::size(kFormatNames); ++i) {
    if (kFormatNames[i] == name) return static_cast<ExportFormat>(i);
  }
  return base::Error::Invalid("unknown export format \"" + std::string(name) +
                              "\" (jsonl, sft, dpo, openai, labelstudio or csv)")
      .Detail("field", "format");
}

std::string_view ExportFormatName(ExportFormat format) { return kFormatNames[static_cast<size_t>(format)]; }

std::string_view ExportContentType(ExportFormat format) {
  if (format == ExportFormat::kCsv) return "text/csv; charset=utf-8";
  if (format == ExportFormat::kLabelStudio) return "application/json";
  return "application/x-ndjson";
}

std::string Export::FileName() const {
  const std::string ext = options_.format == ExportFormat::kCsv           ? ".csv"
                          : options_.format == ExportFormat::kLabelStudio ? ".json"
                                                                          : ".jsonl";
  const std::string day = base::FormatRfc3339(clock_->NowMicros()).substr(0, 10);
  return Slug(project_.name) + "-" + std::string(ExportFormatName(options_.format)) + "-" + day + ext;
}

base::Result<Export> Exporter::Open(const accounts::Caller& caller, std::string_view project_id,
                                    const ExportOptions& options) {
  work::Project p;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(work::RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, name, template, export_experts FROM projects WHERE id = ?",
                                              {project_id}));
    if (rows.empty()) return base::Error::NotFound("no such project");
    p.id = rows[0].Text(0);
    p.name = rows[0].Text(1);
    p.template_json = rows[0].Text(2);
    p.export_experts = rows[0].Text(3);
    return base::Ok();
  }));
  std::optional<std::string> by;
  if (!caller.user_id.empty()) by = caller.user_id;
  return Export(db_, clock_, ids_, std::move(p), std::move(by), options);
}

base::Result<std::vector<std::string>> Exporter::ListManifests(const accounts::Caller& caller,
                                                               std::string_view project_id, int limit) {
  std::vector<std::string> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(work::RequireProjectRole(c, caller, project_id, {"manager"}));
    return c.QueryEach("SELECT manifest FROM exports WHERE project_id = ? ORDER BY created_at_us DESC, id DESC LIMIT ?",
                       {project_id, static_cast<int64_t>(std::clamp(limit, 1, 500))},
                       [&](const storage::Row& r) -> base::Status {
                         out.push_back(r.Text(0));
                         return base::Ok();
                       });
  }));
  return out;
}

base::Result<ExportManifest> Export::Stream(const ChunkFn& sink) const {
  const Shape shape = Shape::Of(project_.template_json);
  const bool pseudonyms = project_.export_experts != "id";
  auto person = [&](const std::string& id) { return pseudonyms ? work::ExpertPseudonym(project_.id, id) : id; };
  Counts counts;
  const ExportFormat f = options_.format;
  auto write = [&](const ItemRows& item) -> base::Status {
    ++counts.items;
    counts.submissions += static_cast<int64_t>(item.subs.size());
    switch (f) {
      case ExportFormat::kJsonl: return WriteJsonl(item, sink, counts);
      case ExportFormat::kSft: return WriteMessages(shape, item, false, sink, counts);
      case ExportFormat::kOpenai: return WriteMessages(shape, item, true, sink, counts);
      case ExportFormat::kDpo: return WritePreferences(shape, options_, item, sink, counts);
      case ExportFormat::kLabelStudio: return WriteTask(shape, item, sink, counts);
      case ExportFormat::kCsv: return WriteCsv(shape, item, sink, counts);
    }
    return base::Ok();
  };
  if (f == ExportFormat::kCsv) ASSAY_TRY(sink(CsvHeader(shape)));
  ASSAY_TRY(db_->Read([&](storage::Conn& c) -> base::Status {
    ItemRows item;
    ASSAY_TRY(c.QueryEach(
        "SELECT i.id, i.external_id, i.data, i.gold, i.seq, s.id, s.assignment_id, s.expert_id, s.client_submission_id, "
        "s.answer, s.active_ms, s.submitted_at_us, s.state, r.verdict, r.reason, r.reviewer_id, r.created_at_us "
        "FROM items i LEFT JOIN submissions s ON s.item_id = i.id LEFT JOIN reviews r ON r.id = "
        "(SELECT r2.id FROM reviews r2 WHERE r2.submission_id = s.id ORDER BY r2.created_at_us DESC, r2.id DESC LIMIT 1) "
        "WHERE i.project_id = ? AND i.seq <= (SELECT items_committed_seq FROM projects WHERE id = ?) "
        "ORDER BY i.seq, s.submitted_at_us, s.id",
        {project_.id, project_.id}, [&](const storage::Row& r) -> base::Status {
          if (r.Text(0) != item.id) {
            if (!item.id.empty()) ASSAY_TRY(write(item));
            item = ItemRows{r.Text(0), r.OptText(1), r.Text(2), r.OptText(3), r.Int(4), {}};
          }
          if (r.IsNull(5)) return base::Ok();
          Sub s;
          s.id = r.Text(5);
          s.assignment_id = r.Text(6);
          s.expert = person(r.Text(7));
          s.client_submission_id = r.Text(8);
          s.answer_text = r.Text(9);
          s.state = r.Text(12);
          s.active_ms = r.Int(10);
          s.submitted_at_us = r.Int(11);
          if (!r.IsNull(13)) {
            s.verdict = r.Text(13);
            s.reason = r.Text(14);
            s.reviewer = person(r.Text(15));
            s.reviewed_at_us = r.Int(16);
          }
          if (options_.approved_only && s.state != "approved") return base::Ok();
          s.counted = s.state == "approved" || s.state == "pending";
          item.subs.push_back(std::move(s));
          return base::Ok();
        }));
    if (!item.id.empty()) ASSAY_TRY(write(item));
    return base::Ok();
  }));
  if (f == ExportFormat::kLabelStudio) ASSAY_TRY(sink(counts.records == 0 ? "[]\n" : "\n]\n"));

  ExportManifest m{ids_->Next(), project_.id, project_.name, std::string(ExportFormatName(f)), FileName(), by_,
                   clock_->NowMicros(), Filters(f, options_),
                   Aggregation(f), pseudonyms ? "pseudonym" : "id", counts.items, counts.submissions, counts.records,
                   counts.skipped_items};
  ASSAY_TRY(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO exports (id, project_id, created_by, format, manifest, created_at_us) VALUES (?, ?, ?, ?, ?, ?)",
                     {m.id, m.project_id, m.created_by, m.format, RenderManifest(m), m.created_at_us}));
    return base::Ok();
  }));
  return m;
}

std::string RenderManifest(const ExportManifest& m) {
  return base::Dump(json{{"id", m.id},
                         {"project_id", m.project_id},
                         {"project_name", m.project_name},
                         {"format", m.format},
                         {"file_name", m.file_name},
                         {"created_by", m.created_by ? json(*m.created_by) : json(nullptr)},
                         {"created_at", base::FormatRfc3339(m.created_at_us)},
                         {"filters", m.filters},
                         {"aggregation", m.aggregation},
                         {"experts", m.experts},
                         {"counts",
                          {{"items", m.items},
                           {"submissions", m.submissions},
                           {"records", m.records},
                           {"items_without_records", m.skipped_items}}}});
}

}  // namespace datasets

// The data browser's page: filters, sorts, cursor and total over item_stats; saved views.
#include "work/browse.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "base/json.h"
#include "work/render.h"
#include "work/search.h"
#include "work/template.h"

namespace work {
namespace {

constexpr int kMaxBrowseLimit = 500;
constexpr size_t kMaxFieldChars = 300;

struct SortColumn {
  std::string_view name, column;
  bool text;
};
constexpr SortColumn kSorts[] = {
    {"seq", "seq", false},           {"external_id", "external_id", true}, {"state", "state", true},
    {"labels", "labels", false},     {"consensus", "consensus", true},     {"confidence", "confidence_ppm", false},
    {"agreement", "agreement_ppm", false}, {"gold", "gold", true},         {"flags", "flags", false},
    {"active_ms", "active_ms", false}, {"last_activity", "last_activity_us", false}, {"risk", "risk", false},
};

const SortColumn* FindSort(std::string_view name) {
  for (const SortColumn& s : kSorts) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

base::Error BadParam(std::string_view name, std::string message) {
  return base::Error::Invalid(std::move(message)).Detail("field", name);
}

base::Result<double> ShareParam(std::string_view name, const std::string& text) {
  double x = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, x);
  if (ec != std::errc() || ptr != end || !(x >= 0 && x <= 1)) {
    return BadParam(name, std::string(name) + " must be a share between 0 and 1 (0.7 is 70%)");
  }
  return x;
}

base::Result<int64_t> TimeParam(std::string_view name, const std::string& text) {
  auto t = base::ParseRfc3339(text);
  if (!t) return BadParam(name, std::string(name) + " must be a date (2026-12-01) or a time (RFC 3339)");
  return *t;
}

bool OneOf(const std::string& v, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t comma = s.find(',');
    std::string_view part = s.substr(0, comma);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// The cursor of a sorted page: "<sort>~<asc|desc>~<seq>~<value>".
std::string MakeCursor(const BrowseQuery& q, const BrowseRow& last, const SortColumn& sort) {
  std::string value;
  const std::string_view c = sort.column;
  if (c == "external_id") value = last.external_id;
  else if (c == "state") value = last.state;
  else if (c == "consensus") value = last.consensus;
  else if (c == "gold") value = last.gold;
  else if (c == "labels") value = std::to_string(last.labels);
  else if (c == "confidence_ppm") value = std::to_string(last.confidence_ppm);
  else if (c == "agreement_ppm") value = std::to_string(last.agreement_ppm);
  else if (c == "flags") value = std::to_string(last.flags);
  else if (c == "active_ms") value = std::to_string(last.active_ms);
  else if (c == "last_activity_us") value = std::to_string(last.last_activity_us);
  else if (c == "risk") value = std::to_string(last.risk);
  return std::string(sort.name) + "~" + (q.descending ? "desc" : "asc") + "~" + std::to_string(last.seq) + "~" + value;
}

struct Cursor {
  int64_t seq = 0;
  std::string value;
};

base::Result<Cursor> ParseCursor(const BrowseQuery& q, const SortColumn& sort) {
  auto bad = [] { return BadParam("cursor", "bad cursor: start again from the first page"); };
  std::string_view s = q.cursor;
  size_t a = s.find('~'), b = a == std::string_view::npos ? a : s.find('~', a + 1);
  size_t c = b == std::string_view::npos ? b : s.find('~', b + 1);
  if (c == std::string_view::npos) return bad();
  if (s.substr(0, a) != sort.name || s.substr(a + 1, b - a - 1) != (q.descending ? "desc" : "asc")) {
    return BadParam("cursor", "this cursor belongs to another sort: start again from the first page");
  }
  Cursor cur;
  if (std::from_chars(s.data() + b + 1, s.data() + c, cur.seq).ec != std::errc()) return bad();
  cur.value = std::string(s.substr(c + 1));
  if (!sort.text && sort.column != "seq") {
    int64_t n = 0;
    if (std::from_chars(cur.value.data(), cur.value.data() + cur.value.size(), n).ec != std::errc()) return bad();
  }
  return cur;
}

// Strings cut to kMaxFieldChars characters; anything else as it is (arrays and objects too).
nlohmann::json Shortened(const nlohmann::json& v) {
  if (!v.is_string()) return v;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() <= kMaxFieldChars) return v;
  size_t cut = kMaxFieldChars;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

}  // namespace

const std::string_view kBrowseRowColumns =
    "st.item_id, st.seq, st.external_id, st.state, st.labels, st.pending, st.approved, st.rejected, st.consensus, "
    "st.confidence_ppm, st.agreement_ppm, st.gold, st.flags, st.skips, st.active_ms, st.last_activity_us, st.risk";

BrowseRow BrowseRowFrom(const storage::Row& r) {
  BrowseRow row;
  row.item_id = r.Text(0);
  row.seq = r.Int(1);
  row.external_id = r.Text(2);
  row.state = r.Text(3);
  row.labels = r.Int(4);
  row.pending = r.Int(5);
  row.approved = r.Int(6);
  row.rejected = r.Int(7);
  row.consensus = r.Text(8);
  row.confidence_ppm = r.Int(9);
  row.agreement_ppm = r.Int(10);
  row.gold = r.Text(11);
  row.flags = r.Int(12);
  row.skips = r.Int(13);
  row.active_ms = r.Int(14);
  row.last_activity_us = r.Int(15);
  row.risk = r.Int(16);
  return row;
}

namespace {

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

}  // namespace

base::Result<BrowseQuery> ParseBrowseQuery(const std::function<std::optional<std::string>(std::string_view)>& get) {
  BrowseQuery q;
  auto text = [&](std::string_view name) -> std::optional<std::string> {
    std::optional<std::string> v = get(name);
    if (v && v->empty()) return std::nullopt;
    return v;
  };
  if (auto v = text("q")) {
    if (v->size() > 500) return BadParam("q", "the search is longer than 500 characters");
    q.q = *v;
  }
  if (auto v = text("sort")) {
    if (!FindSort(*v)) {
      return BadParam("sort", "sort must be one of seq, external_id, state, labels, consensus, confidence, agreement, "
                              "gold, flags, active_ms, last_activity, risk");
    }
    q.sort = *v;
  }
  if (auto v = text("order")) {
    if (*v != "asc" && *v != "desc") return BadParam("order", "order must be asc or desc");
    q.descending = *v == "desc";
  }
  if (auto v = text("state")) {
    if (!OneOf(*v, {"new", "labelling", "labelled", "pending_review", "approved", "rejected"})) {
      return BadParam("state", "state must be new, labelling, labelled, pending_review, approved or rejected");
    }
    q.state = *v;
  }
  q.expert_id = text("expert_id");
  if (auto v = text("gold")) {
    if (!OneOf(*v, {"match", "mismatch", "unscored", "none", "any"})) {
      return BadParam("gold", "gold must be match, mismatch, unscored, none or any");
    }
    q.gold = *v;
  }
  if (auto v = text("confidence_lt")) {
    ASSAY_ASSIGN_OR_RETURN(double x, ShareParam("confidence_lt", *v));
    q.confidence_lt = x;
  }
  if (auto v = text("agreement_lt")) {
    ASSAY_ASSIGN_OR_RETURN(double x, ShareParam("agreement_lt", *v));
    q.agreement_lt = x;
  }
  q.label = text("label");
  if (auto v = text("flagged")) {
    if (*v != "1" && *v != "true" && *v != "0" && *v != "false") return BadParam("flagged", "flagged must be true or false");
    q.flagged = *v == "1" || *v == "true";
  }
  q.field = text("field");
  q.value = get("value");
  if (q.field && !q.value) return BadParam("value", "a field filter needs a value");
  if (q.field && (q.field->size() > 200 || q.field->find('[') != std::string::npos)) {
    return BadParam("field", "field must be a dotted path into the item's data, without arrays");
  }
  if (!q.field) q.value.reset();
  if (auto v = text("from")) {
    ASSAY_ASSIGN_OR_RETURN(int64_t t, TimeParam("from", *v));
    q.from_us = t;
  }
  if (auto v = text("to")) {
    ASSAY_ASSIGN_OR_RETURN(int64_t t, TimeParam("to", *v));
    q.to_us = t;
  }
  if (auto v = text("fields")) {
    q.fields = SplitComma(*v);
    if (static_cast<int>(q.fields.size()) > kMaxBrowseFields) {
      return BadParam("fields", "at most " + std::to_string(kMaxBrowseFields) + " fields");
    }
  }
  if (auto v = text("limit")) {
    int n = 0;
    if (std::from_chars(v->data(), v->data() + v->size(), n).ec != std::errc() || n < 1) {
      return BadParam("limit", "limit must be a positive integer");
    }
    q.limit = std::min(n, kMaxBrowseLimit);
  }
  if (auto v = text("cursor")) q.cursor = *v;
  return q;
}

ItemBrowser::ItemBrowser(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, Service& work,
                         bool run_indexer)
    : db_(db), clock_(clock), ids_(ids), work_(work) {
  if (run_indexer) indexer_ = std::thread([this] { RunIndexer(); });
}

ItemBrowser::~ItemBrowser() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (indexer_.joinable()) indexer_.join();
}

std::string ItemBrowser::SelectionWhere(storage::Dialect dialect, std::string_view project_id, const BrowseQuery& q,
                                        storage::Params& params) const {
  std::string w = "WHERE st.project_id = ? ";
  params.push_back(std::string(project_id));
  if (q.state) {
    const std::string& s = *q.state;
    if (s == "pending_review") w += "AND st.pending > 0 ";
    else if (s == "rejected") w += "AND st.rejected > 0 ";
    else if (s == "approved") w += "AND st.approved > 0 AND st.pending = 0 AND st.rejected = 0 ";
    else {
      w += "AND st.state = ? ";
      params.push_back(s);
    }
  }
  if (q.expert_id) {
    w += "AND st.item_id IN (SELECT x.item_id FROM submissions x WHERE x.expert_id = ? AND x.project_id = ?) ";
    params.push_back(*q.expert_id);
    params.push_back(std::string(project_id));
  }
  if (q.gold) {
    if (*q.gold == "any") {
      w += "AND st.gold <> 'none' ";
    } else {
      w += "AND st.gold = ? ";
      params.push_back(*q.gold);
    }
  }
  if (q.confidence_lt) {
    w += "AND st.confidence_ppm >= 0 AND st.confidence_ppm < ? ";
    params.push_back(static_cast<int64_t>(std::llround(*q.confidence_lt * 1e6)));
  }
  if (q.agreement_lt) {
    w += "AND st.agreement_ppm >= 0 AND st.agreement_ppm < ? ";
    params.push_back(static_cast<int64_t>(std::llround(*q.agreement_lt * 1e6)));
  }
  if (q.label) {
    w += "AND st.consensus = ? ";
    params.push_back(*q.label);
  }
  if (q.flagged) w += "AND st.flags > 0 ";
  if (q.field) {
    w += "AND st.seq IN (SELECT f.seq FROM item_fields f WHERE f.project_id = ? AND f.path = ? AND f.value = ?) ";
    params.insert(params.end(), {std::string(project_id), *q.field, *q.value});
  }
  if (q.from_us) {
    w += "AND st.last_activity_us >= ? ";
    params.push_back(*q.from_us);
  }
  if (q.to_us) {
    w += "AND st.last_activity_us < ? ";
    params.push_back(*q.to_us);
  }
  if (!q.q.empty()) {
    w += "AND " + SearchCondition(dialect, "st.seq", project_id, q.q, params) + " ";
  }
  return w;
}

base::Status ItemBrowser::EnsureRows(std::string_view project_id) {
  // Items imported by a path that did not add their rows (AddMissingItemStats) get them now.
  ASSAY_ASSIGN_OR_RETURN(storage::Rows r,
                         db_.Query("SELECT (SELECT coalesce(max(i.seq), 0) FROM items i WHERE i.project_id = ? AND "
                                   "i.seq <= (SELECT p.items_committed_seq FROM projects p WHERE p.id = ?)), "
                                   "(SELECT coalesce(max(seq), 0) FROM item_stats WHERE project_id = ?)",
                                   {project_id, project_id, project_id}));
  if (r.empty() || r[0].Int(0) == r[0].Int(1)) return base::Ok();
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(AddMissingItemStats(c, project_id));
    return base::Ok();
  }));
  Wake(std::string(project_id));
  return base::Ok();
}

base::Result<BrowsePage> ItemBrowser::Browse(const Caller& caller, std::string_view project_id, const BrowseQuery& q) {
  const SortColumn* sort = FindSort(q.sort);
  if (!sort) return BadParam("sort", "unknown sort");
  std::optional<Cursor> cursor;
  if (!q.cursor.empty()) {
    ASSAY_ASSIGN_OR_RETURN(cursor, ParseCursor(q, *sort));
  }
  const int limit = std::clamp(q.limit, 1, kMaxBrowseLimit);
  std::string role;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(role, RequireProjectRole(c, caller, project_id, {"manager", "reviewer"}));
    return base::Ok();
  }));
  ASSAY_TRY(EnsureRows(project_id));
  BrowsePage page;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    storage::Params params;
    std::string where = SelectionWhere(c.dialect(), project_id, q, params);
    ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT count(*) FROM item_stats st " + where, params));
    page.total = n.Int(0);
    const std::string col = "st." + std::string(sort->column);
    const char* cmp = q.descending ? "<" : ">";
    if (cursor) {
      if (sort->column == "seq") {
        where += "AND st.seq " + std::string(cmp) + " ? ";
        params.push_back(cursor->seq);
      } else {
        where += "AND (" + col + ", st.seq) " + cmp + " (?, ?) ";
        if (sort->text) params.push_back(cursor->value);
        else params.push_back(static_cast<int64_t>(std::stoll(cursor->value)));
        params.push_back(cursor->seq);
      }
    }
    const std::string dir = q.descending ? " DESC" : " ASC";
    std::string order = "ORDER BY " + (sort->column == "seq" ? std::string() : col + dir + ", ") + "st.seq" + dir;
    params.push_back(limit + 1);
    ASSAY_TRY(c.QueryEach("SELECT " + std::string(kBrowseRowColumns) + " FROM item_stats st " + where + order + " LIMIT ?",
                          params, [&](const storage::Row& r) -> base::Status {
                            page.rows.push_back(BrowseRowFrom(r));
                            return base::Ok();
                          }));
    ASSAY_ASSIGN_OR_RETURN(storage::Row pending,
                           c.QueryOne("SELECT (SELECT coalesce(max(i.seq), 0) FROM items i WHERE i.project_id = ? "
                                      "AND i.seq <= items_committed_seq) - search_seq, (SELECT count(*) FROM item_stats WHERE stale = 1 AND "
                                      "project_id = ?) FROM projects WHERE id = ?",
                                      {project_id, project_id, project_id}));
    page.search_pending = std::max<int64_t>(0, pending.Int(0));
    page.stale = pending.Int(1);
    return base::Ok();
  }));
  if (static_cast<int>(page.rows.size()) > limit) {
    page.rows.pop_back();
    page.next_cursor = MakeCursor(q, page.rows.back(), *sort);
  }
  if (page.rows.empty()) return page;
  // The page's experts, and its items' data, gold and chosen fields, in one query each.
  std::map<std::string, BrowseRow*> by_id;
  std::vector<storage::Value> ids;
  for (BrowseRow& row : page.rows) {
    by_id[row.item_id] = &row;
    ids.push_back(row.item_id);
  }
  const bool names = role == "manager" || role == "admin";
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.QueryEach("SELECT s.item_id, s.expert_id, CASE WHEN u.name <> '' THEN u.name ELSE u.email END "
                          "FROM submissions s JOIN users u ON u.id = s.expert_id WHERE s.item_id IN (" +
                              Placeholders(ids.size()) + ") ORDER BY s.id",
                          ids, [&](const storage::Row& r) -> base::Status {
                            BrowseRow& row = *by_id[r.Text(0)];
                            if (names) row.experts.push_back({r.Text(1), r.Text(2)});
                            else row.experts.push_back({ExpertPseudonym(project_id, r.Text(1)), ""});
                            return base::Ok();
                          }));
    return c.QueryEach("SELECT id, data, gold FROM items WHERE id IN (" + Placeholders(ids.size()) + ")", ids,
                       [&](const storage::Row& r) -> base::Status {
                         BrowseRow& row = *by_id[r.Text(0)];
                         row.data_json = r.Text(1);
                         row.gold_json = r.OptText(2);
                         if (q.fields.empty()) return base::Ok();
                         auto data = base::ParseJson(r.Text(1));
                         if (!data) return base::Ok();
                         nlohmann::json out = nlohmann::json::object();
                         for (const std::string& path : q.fields) {
                           const nlohmann::json* v = LookupPath(*data, path);
                           out[path] = v ? Shortened(*v) : nlohmann::json();
                         }
                         row.fields_json = base::Dump(out);
                         return base::Ok();
                       });
  }));
  return page;
}

// ---- saved views -------------------------------------------------------------------------------

base::Result<std::vector<SavedView>> ItemBrowser::ListViews(const Caller& caller, std::string_view project_id) {
  std::vector<SavedView> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager", "reviewer"}));
    return c.QueryEach("SELECT id, project_id, name, query, coalesce(created_by, ''), created_at_us FROM saved_views "
                       "WHERE project_id = ? ORDER BY created_at_us, id",
                       {project_id}, [&](const storage::Row& r) -> base::Status {
                         out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)});
                         return base::Ok();
                       });
  }));
  return out;
}

base::Result<SavedView> ItemBrowser::SaveView(const Caller& caller, std::string_view project_id, std::string_view name_in,
                                              std::string_view query) {
  std::string name(name_in);
  const size_t b = name.find_first_not_of(' '), e = name.find_last_not_of(' ');
  name = b == std::string::npos ? "" : name.substr(b, e - b + 1);
  if (name.empty() || name.size() > 100) return BadParam("name", "a view needs a name of 1 to 100 characters");
  if (query.size() > 4000) return BadParam("query", "the view's query is longer than 4,000 characters");
  SavedView v{ids_.Next(), std::string(project_id), name, std::string(query), caller.user_id, clock_.NowMicros()};
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager", "reviewer"}));
    ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT count(*) FROM saved_views WHERE project_id = ?", {project_id}));
    if (n.Int(0) >= kMaxSavedViews) {
      return base::Error(base::ErrorCode::kFailedPrecondition,
                         "a project keeps at most " + std::to_string(kMaxSavedViews) + " views: delete one first");
    }
    auto inserted = c.Exec("INSERT INTO saved_views (id, project_id, name, query, created_by, created_at_us) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           {v.id, v.project_id, v.name, v.query,
                            caller.user_id.empty() ? storage::Value() : storage::Value(caller.user_id), v.created_at_us});
    if (!inserted && inserted.error().code() == base::ErrorCode::kConflict) {
      return base::Error::Conflict("a view with this name exists already").Detail("field", "name");
    }
    if (!inserted) return std::move(inserted).error();
    return base::Ok();
  }));
  return v;
}

base::Status ItemBrowser::DeleteView(const Caller& caller, std::string_view view_id) {
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                           c.Query("SELECT project_id, coalesce(created_by, '') FROM saved_views WHERE id = ?", {view_id}));
    if (rows.empty()) return base::Error::NotFound("no such view");
    auto role = RequireProjectRole(c, caller, rows[0].Text(0), {"manager", "reviewer"});
    if (!role) return base::Error::NotFound("no such view");
    if (*role == "reviewer" && rows[0].Text(1) != caller.user_id) {
      return base::Error::Forbidden("only its creator or a manager deletes a view");
    }
    ASSAY_TRY(c.Exec("DELETE FROM saved_views WHERE id = ?", {view_id}));
    return base::Ok();
  });
}

}  // namespace work

// The data browser's page: filters, sorts, cursor and total over item_stats; saved views.
#include "work/browse.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <span>

#include "base/json.h"
#include "work/render.h"
#include "work/search.h"
#include "work/template.h"

namespace work {
namespace {

constexpr int kMaxBrowseLimit = 500;
constexpr size_t kMaxFieldChars = 300;
// A filter matching at most this many items is paged from its own index and sorted (browse.cc).
constexpr int64_t kFewMatches = 20000;

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

namespace {

// A browse filter as SQL: conditions on the item's item_stats row (st), each with how selective
// it usually is, and the sets of seqs (an expert's items, a field's value, each search word) the
// item must be in, as one set. Apart, so that a filter of sets alone is counted from its sets
// without reading item_stats, and so that SQLite, which plans without statistics here, can be
// told which condition to drive a page from.
struct Term {
  std::string sql;  // "<condition>" on st columns only
  storage::Params params;
  int rank = 0;  // lower: usually matches fewer items (flagged, gold, review state, …, state)
  std::string_view index = {};  // the SQLite index (migration 0007) that answers it, if one does
};

struct Filter {
  std::vector<Term> terms;  // in SQL order; the set, if any, last
  bool has_set = false;     // terms.back() is "st.seq IN (<set>)"
  std::string set;          // SELECT seq … (their intersection when several)
  storage::Params set_params;
  std::vector<SeqSet> sets;  // each set apart (MergeSets)
  // SQLite, when MergeSets read them: the set's seqs, in order, each once; `set` selects these.
  std::optional<std::vector<int64_t>> seqs;
  bool nothing = false;  // a search without words: no item matches
};

Filter BuildFilter(storage::Dialect dialect, std::string_view project_id, const BrowseQuery& q) {
  Filter f;
  auto add = [&](int rank, std::string_view index, std::string sql, storage::Params params = {}) {
    f.terms.push_back({std::move(sql), std::move(params), rank, index});
  };
  if (q.state) {
    const std::string& s = *q.state;
    if (s == "pending_review") add(2, "item_stats_pending", "st.pending > 0");
    else if (s == "rejected") add(2, "item_stats_rejected", "st.rejected > 0");
    else if (s == "approved") add(2, "", "st.approved > 0 AND st.pending = 0 AND st.rejected = 0");
    else add(9, "item_stats_state", "st.state = ?", {s});
  }
  if (q.gold) {
    if (*q.gold == "any") add(7, "item_stats_gold", "st.gold IN ('unscored', 'match', 'mismatch')");  // equalities: the index answers
    else add(1, "item_stats_gold", "st.gold = ?", {*q.gold});
  }
  if (q.confidence_lt) {
    add(6, "item_stats_confidence", "st.confidence_ppm >= 0 AND st.confidence_ppm < ?",
        {static_cast<int64_t>(std::llround(*q.confidence_lt * 1e6))});
  }
  if (q.agreement_lt) {
    add(5, "item_stats_agreement", "st.agreement_ppm >= 0 AND st.agreement_ppm < ?",
        {static_cast<int64_t>(std::llround(*q.agreement_lt * 1e6))});
  }
  if (q.label) add(4, "item_stats_consensus", "st.consensus = ?", {*q.label});
  if (q.flagged) add(0, "item_stats_flagged", "st.flags > 0");
  if (q.from_us) add(8, "item_stats_activity", "st.last_activity_us >= ?", {*q.from_us});
  if (q.to_us) add(8, "item_stats_activity", "st.last_activity_us < ?", {*q.to_us});
  std::vector<SeqSet> sets;
  if (q.expert_id) {
    sets.push_back({"SELECT i.seq FROM submissions x JOIN items i ON i.id = x.item_id "
                    "WHERE x.project_id = ? AND x.expert_id = ?",
                    {std::string(project_id), *q.expert_id}});
  }
  if (q.field) {
    sets.push_back({"SELECT fv.seq FROM item_fields fv WHERE fv.project_id = ? AND fv.path = ? AND fv.value = ?",
                    {std::string(project_id), *q.field, *q.value}});
  }
  if (!q.q.empty()) {
    std::vector<SeqSet> words = SearchSets(dialect, project_id, q.q);
    if (words.empty()) f.nothing = true;
    for (SeqSet& w : words) sets.push_back(std::move(w));
  }
  // Several sets as one intersection: item_stats is then read only for the items in all.
  for (size_t i = 0; i < sets.size(); ++i) {
    f.set += (i ? " INTERSECT " : "") + sets[i].sql;
    f.set_params.insert(f.set_params.end(), sets[i].params.begin(), sets[i].params.end());
  }
  f.sets = std::move(sets);
  if (!f.sets.empty()) {
    f.has_set = true;
    add(3, "", "st.seq IN (" + f.set + ")", f.set_params);  // by primary key
  }
  return f;
}

// Appends the seqs a query selects (its first column) to `out`.
base::Status AppendSeqs(storage::Conn& c, const std::string& sql, const storage::Params& params,
                        std::vector<int64_t>& out) {
  return c.QueryEachInts(sql, params, [&](std::span<const int64_t> row) -> base::Status {
    out.push_back(row[0]);
    return base::Ok();
  });
}

// In order, each once (an item's data and answers are rows apart; a word's rows come in seq order).
void SortUnique(std::vector<int64_t>& seqs) {
  if (!std::is_sorted(seqs.begin(), seqs.end())) std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
}

// SQLite, two sets or more (search words, a field's value, an expert's items): their INTERSECT
// sorted each set into a temporary b-tree, for the count and again for the page (two words of
// 80,000 items each: 143 ms at a million items). Each set is read once here as integers, in the
// order its index keeps (a word's rows are in rowid order, so in seq order), and merged; the
// filter's set becomes the intersection as a JSON array of seqs.
base::Status MergeSets(storage::Conn& c, Filter& f) {
  if (c.dialect() != storage::Dialect::kSqlite || f.sets.size() < 2 || f.nothing) return base::Ok();
  std::vector<int64_t> merged;
  for (size_t i = 0; i < f.sets.size(); ++i) {
    std::vector<int64_t> seqs;
    ASSAY_TRY(AppendSeqs(c, f.sets[i].sql, f.sets[i].params, seqs));
    SortUnique(seqs);
    if (i == 0) {
      merged = std::move(seqs);
    } else {
      std::vector<int64_t> both;
      std::set_intersection(merged.begin(), merged.end(), seqs.begin(), seqs.end(), std::back_inserter(both));
      merged = std::move(both);
    }
    if (merged.empty()) break;
  }
  f.set = "SELECT value AS seq FROM json_each(?)";
  f.set_params = {base::Dump(nlohmann::json(merged))};
  Term& set_term = f.terms.back();  // BuildFilter adds the set's term last
  set_term.sql = "st.seq IN (" + f.set + ")";
  set_term.params = f.set_params;
  f.seqs = std::move(merged);
  return base::Ok();
}

constexpr int kAnyIndex = -1, kNoIndex = -2;

// SQLite: the exact count of a filter with a set, when it is cheaper from the set's seqs than in
// SQL; nullopt otherwise (CountSql then). Rows of item_stats exist for every seq up to the
// project's largest (CountSql), so a seq of the set at or below it is an item.
//  - Sets alone, merged (MergeSets): the merged seqs up to the largest row's.
//  - A set in one state that most items are in ("mutex" among new items: 82,000 of 1,000,000):
//    looking up each member's state took 95 ms, an index seek each. Counted instead as the set
//    less its members in the other states, read from the state index (the few items that are
//    not new) and merged. A sample of 256 members says whether the state is that common.
base::Result<std::optional<int64_t>> CountFromSeqs(storage::Conn& c, const Filter& f, std::string_view project_id) {
  const bool merged_only = f.seqs && f.terms.size() == 1;
  const bool set_in_state = f.has_set && f.terms.size() == 2 && f.terms[0].index == "item_stats_state";
  if (c.dialect() != storage::Dialect::kSqlite || f.nothing || !(merged_only || set_in_state)) {
    return std::optional<int64_t>();
  }
  ASSAY_ASSIGN_OR_RETURN(storage::Row last,
                         c.QueryOne("SELECT coalesce(max(seq), 0) FROM item_stats WHERE project_id = ?", {project_id}));
  const int64_t items = last.Int(0);
  std::vector<int64_t> read;  // the set's seqs when MergeSets did not keep them
  if (!f.seqs) {
    ASSAY_TRY(AppendSeqs(c, f.set, f.set_params, read));
    SortUnique(read);
  }
  const std::vector<int64_t>& all = f.seqs ? *f.seqs : read;
  // Only the seqs that have their rows (the rest are not added yet).
  const std::span<const int64_t> set(all.begin(), std::upper_bound(all.begin(), all.end(), items));
  if (merged_only) return std::optional<int64_t>(static_cast<int64_t>(set.size()));
  constexpr size_t kSample = 256;
  if (set.size() < 4 * kSample) return std::optional<int64_t>();  // a millisecond of seeks
  const storage::Value& state = f.terms[0].params.at(0);
  std::vector<int64_t> sample;
  for (size_t i = 0; i < kSample; ++i) sample.push_back(set[i * set.size() / kSample]);
  ASSAY_ASSIGN_OR_RETURN(storage::Row in_state,
                         c.QueryOne("SELECT count(*) FROM item_stats WHERE project_id = ? AND state = ? AND seq IN "
                                    "(SELECT value FROM json_each(?))",
                                    {project_id, state, base::Dump(nlohmann::json(sample))}));
  // The items in other states, guessed from the sample, against the set's seeks (a read from an
  // index costs about a quarter of a seek).
  const double others = static_cast<double>(kSample - static_cast<size_t>(in_state.Int(0))) / kSample *
                        static_cast<double>(items);
  if (others * 0.25 >= static_cast<double>(set.size())) return std::optional<int64_t>();
  std::vector<int64_t> other;
  for (const char* cmp : {"<", ">"}) {
    ASSAY_TRY(AppendSeqs(c,
                         std::string("SELECT seq FROM item_stats INDEXED BY item_stats_state WHERE project_id = ? "
                                     "AND state ") + cmp + " ?",
                         {project_id, state}, other));
  }
  std::sort(other.begin(), other.end());
  std::vector<int64_t> in;
  std::set_difference(set.begin(), set.end(), other.begin(), other.end(), std::back_inserter(in));
  return std::optional<int64_t>(static_cast<int64_t>(in.size()));
}

// SQLite's unary + on every st column of a condition: no index is chosen for it.
std::string WithoutIndex(std::string_view sql) {
  std::string out;
  for (size_t at = 0;;) {
    const size_t hit = sql.find("st.", at);
    out.append(sql.substr(at, hit == std::string_view::npos ? std::string_view::npos : hit - at));
    if (hit == std::string_view::npos) return out;
    out += "+st.";
    at = hit + 3;
  }
}

// The WHERE of a selection. index_term: kAnyIndex (the planner chooses), kNoIndex (no term may
// choose an index: the caller walks the sort's), or the one term that may (SQLite's unary + on
// the others' columns).
std::string WhereOf(const Filter& f, std::string_view project_id, storage::Params& params, int index_term = kAnyIndex) {
  std::string w = "WHERE st.project_id = ? ";
  params.push_back(std::string(project_id));
  for (size_t i = 0; i < f.terms.size(); ++i) {
    std::string sql = f.terms[i].sql;
    if (index_term != kAnyIndex && static_cast<int>(i) != index_term) {
      const bool is_set = f.has_set && i + 1 == f.terms.size();
      sql = is_set ? "+" + sql : WithoutIndex(sql);  // the set's own SQL names no st column
    }
    w += "AND " + sql + " ";
    params.insert(params.end(), f.terms[i].params.begin(), f.terms[i].params.end());
  }
  if (f.nothing) w += "AND 1 = 0 ";
  return w;
}

// The term a page of few matches is driven from: the one that usually matches fewest.
int DrivingTerm(const Filter& f) {
  if (f.terms.empty()) return kAnyIndex;
  int best = 0;
  for (size_t i = 1; i < f.terms.size(); ++i) {
    if (f.terms[i].rank < f.terms[static_cast<size_t>(best)].rank) best = static_cast<int>(i);
  }
  return best;
}

// "FROM item_stats st", in SQLite naming the driving term's index: without statistics its planner
// takes "project_id = ?" for a handful of rows and walks the primary key rather than an index
// that needs a look-up per row (1,000,000 rows read for 494 matches).
std::string FromStats(const Filter& f, int index_term, bool sqlite) {
  std::string from = "FROM item_stats st ";
  if (sqlite && index_term >= 0 && !f.terms[static_cast<size_t>(index_term)].index.empty()) {
    from += "INDEXED BY " + std::string(f.terms[static_cast<size_t>(index_term)].index) + " ";
  }
  return from;
}

// The exact count of the items the filter matches. A filter of sets alone counts its sets'
// intersection (an index each) instead of looking up every member's item_stats row: 77,000
// look-ups took 200 ms at a million items. Exact because every item an indexer or a submission
// put in a set has its item_stats row once its seq is at most the project's largest row's (rows
// are added for every committed item up to it, and committed items are never deleted).
std::string CountSql(storage::Dialect dialect, const Filter& f, std::string_view project_id, storage::Params& params) {
  if (f.nothing) return "SELECT 0";
  if (!f.has_set || f.terms.size() > 1) {
    // SQLite: from the index of the term that usually matches fewest, the others tested on its
    // rows (left to itself it walked the primary key: 1,000,000 rows for 494 matches).
    const bool sqlite = dialect == storage::Dialect::kSqlite;
    const int index_term = sqlite ? DrivingTerm(f) : kAnyIndex;
    return "SELECT count(*) " + FromStats(f, index_term, sqlite) + WhereOf(f, project_id, params, index_term);
  }
  params.insert(params.end(), f.set_params.begin(), f.set_params.end());
  params.push_back(std::string(project_id));
  return "SELECT count(DISTINCT m.seq) FROM (" + f.set +
         ") m WHERE m.seq <= (SELECT coalesce(max(b.seq), 0) FROM item_stats b WHERE b.project_id = ?)";
}

}  // namespace

std::string ItemBrowser::SelectionWhere(storage::Dialect dialect, std::string_view project_id, const BrowseQuery& q,
                                        storage::Params& params) const {
  return WhereOf(BuildFilter(dialect, project_id, q), project_id, params);
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
    Filter filter = BuildFilter(c.dialect(), project_id, q);
    ASSAY_TRY(MergeSets(c, filter));
    storage::Params count_params;
    ASSAY_ASSIGN_OR_RETURN(std::optional<int64_t> counted, CountFromSeqs(c, filter, project_id));
    if (counted) {
      page.total = *counted;
    } else {
      const std::string count_sql = CountSql(c.dialect(), filter, project_id, count_params);
      ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne(count_sql, count_params));
      page.total = n.Int(0);
    }
    // SQLite plans without statistics: the exact total says how selective the filter is. Few
    // matches: their keys from the filter's index, sorted (the sort column's index walked in
    // order would pass every row). Many: the sort's index walked in order, each row tested,
    // until the page is full (about limit × items / total rows). Unary + keeps an index from
    // being chosen for a term. PostgreSQL plans with statistics: one plain query.
    const bool sqlite = c.dialect() == storage::Dialect::kSqlite;
    const bool few = page.total <= kFewMatches;
    const std::string plus = sqlite && few ? "+" : "";
    storage::Params params;
    const int index_term = !sqlite ? kAnyIndex : few ? DrivingTerm(filter) : kNoIndex;
    std::string where = WhereOf(filter, project_id, params, index_term);
    const std::string col = plus + "st." + std::string(sort->column);
    const char* cmp = q.descending ? "<" : ">";
    if (cursor) {
      if (sort->column == "seq") {
        where += "AND " + plus + "st.seq " + std::string(cmp) + " ? ";
        params.push_back(cursor->seq);
      } else {
        where += "AND (" + col + ", " + plus + "st.seq) " + cmp + " (?, ?) ";
        if (sort->text) params.push_back(cursor->value);
        else params.push_back(static_cast<int64_t>(std::stoll(cursor->value)));
        params.push_back(cursor->seq);
      }
    }
    const std::string dir = q.descending ? " DESC" : " ASC";
    auto order_by = [&](const std::string& p) {
      return "ORDER BY " + (sort->column == "seq" ? std::string() : p + "st." + std::string(sort->column) + dir + ", ") +
             p + "st.seq" + dir;
    };
    params.push_back(limit + 1);
    std::string page_sql;
    if (sqlite) {
      // The page's keys first (the indexes hold (project_id, column, seq): covering), then its
      // rows by primary key; CROSS JOIN keeps SQLite from walking an index for the outer order.
      page_sql = "SELECT " + std::string(kBrowseRowColumns) + " FROM (SELECT st.seq " + FromStats(filter, index_term, sqlite) + where +
                 order_by(plus) + " LIMIT ?) k CROSS JOIN item_stats st ON st.project_id = ? AND st.seq = k.seq " +
                 order_by("");
      params.push_back(std::string(project_id));
    } else {
      page_sql = "SELECT " + std::string(kBrowseRowColumns) + " FROM item_stats st " + where + order_by("") + " LIMIT ?";
    }
    ASSAY_TRY(c.QueryEach(page_sql, params, [&](const storage::Row& r) -> base::Status {
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

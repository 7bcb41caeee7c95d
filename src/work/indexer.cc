// The browser's background indexer: item text into the full-text index and scalar fields into
// item_fields as items arrive, and stale browser rows recomputed, a batch per write so that the
// work loop's writes never wait long behind it.
#include <simdjson.h>

#include "work/browse.h"
#include "work/search.h"

namespace work {
namespace {

constexpr int kSearchBatchItems = 2000;
constexpr int kStaleBatchItems = 500;
constexpr size_t kMaxFieldValueBytes = 200;
constexpr size_t kMaxFieldsPerItem = 50;
constexpr auto kPollInterval = std::chrono::seconds(2);

struct Indexed {
  int64_t seq = 0;
  std::string text;
  std::vector<std::pair<std::string, std::string>> fields;  // dotted path → value
};

// Every string of the data (searchable), and its scalar fields outside arrays (filterable).
void Walk(simdjson::dom::element v, const std::string& path, bool in_array, Indexed& out) {
  switch (v.type()) {
    case simdjson::dom::element_type::OBJECT:
      for (auto field : simdjson::dom::object(v)) {
        Walk(field.value, path.empty() ? std::string(field.key) : path + "." + std::string(field.key), in_array, out);
      }
      break;
    case simdjson::dom::element_type::ARRAY:
      for (simdjson::dom::element x : simdjson::dom::array(v)) Walk(x, path, true, out);
      break;
    case simdjson::dom::element_type::STRING: {
      std::string_view s = v.get_string().value_unsafe();
      if (!out.text.empty()) out.text += ' ';
      out.text += s;
      if (!in_array && s.size() <= kMaxFieldValueBytes && out.fields.size() < kMaxFieldsPerItem) {
        out.fields.emplace_back(path, std::string(s));
      }
      break;
    }
    case simdjson::dom::element_type::NULL_VALUE:
      break;
    default:  // numbers and booleans: filterable by their JSON text
      if (!in_array && out.fields.size() < kMaxFieldsPerItem) out.fields.emplace_back(path, simdjson::minify(v));
      break;
  }
}

}  // namespace

void ItemBrowser::Wake(const std::string& project_id) {
  {
    std::lock_guard lock(mu_);
    woken_.insert(project_id);
  }
  cv_.notify_all();
}

base::Result<bool> ItemBrowser::IndexSearchBatch(const std::string& project_id) {
  int64_t from = 0;
  std::vector<Indexed> batch;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    batch.clear();
    ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT search_seq FROM projects WHERE id = ?", {project_id}));
    from = p.Int(0);
    simdjson::dom::parser parser;
    // Only committed items (work/items.h): a running import's items may still go.
    return c.QueryEach("SELECT seq, data FROM items WHERE project_id = ? AND seq > ? AND seq <= (SELECT "
                       "items_committed_seq FROM projects WHERE id = ?) ORDER BY seq LIMIT ?",
                       {project_id, from, project_id, kSearchBatchItems}, [&](const storage::Row& r) -> base::Status {
                         Indexed& x = batch.emplace_back();
                         x.seq = r.Int(0);
                         simdjson::dom::element data;
                         if (parser.parse(r.Text(1)).get(data) == simdjson::SUCCESS) Walk(data, "", false, x);
                         return base::Ok();
                       });
  }));
  if (batch.empty()) return false;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    // Another indexer (a second server) may have done this batch: do it only once.
    ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT search_seq FROM projects WHERE id = ?", {project_id}));
    if (p.Int(0) != from) return base::Ok();
    for (const Indexed& x : batch) {
      ASSAY_TRY(IndexText(c, project_id, x.seq, x.text));
      for (const auto& [path, value] : x.fields) {
        ASSAY_TRY(c.Exec("INSERT INTO item_fields (project_id, path, value, seq) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (project_id, path, value, seq) DO NOTHING",
                         {project_id, path, value, x.seq}));
      }
    }
    ASSAY_TRY(c.Exec("UPDATE projects SET search_seq = ? WHERE id = ?", {batch.back().seq, project_id}));
    return base::Ok();
  }));
  return true;
}

base::Result<bool> ItemBrowser::RefreshStaleBatch(const std::string& project_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, db_.Query("SELECT item_id FROM item_stats WHERE stale = 1 AND "
                                                       "project_id = ? ORDER BY seq LIMIT ?",
                                                       {project_id, kStaleBatchItems}));
  if (rows.empty()) return false;
  std::vector<std::string> ids;
  for (const storage::Row& r : rows) ids.push_back(r.Text(0));
  ASSAY_TRY(work_.RecomputeItemStats(project_id, ids));
  return true;
}

base::Result<bool> ItemBrowser::IndexOnce() {
  // Projects with items not yet searchable, and projects with stale rows.
  ASSAY_ASSIGN_OR_RETURN(storage::Rows behind,
                         db_.Query("SELECT p.id FROM projects p WHERE p.search_seq < "
                                   "(SELECT coalesce(max(i.seq), 0) FROM items i WHERE i.project_id = p.id "
                                   "AND i.seq <= p.items_committed_seq) ORDER BY p.id"));
  bool did = false;
  for (const storage::Row& r : behind) {
    ASSAY_ASSIGN_OR_RETURN(bool d, IndexSearchBatch(r.Text(0)));
    did = did || d;
  }
  ASSAY_ASSIGN_OR_RETURN(storage::Rows stale,
                         db_.Query("SELECT DISTINCT project_id FROM item_stats WHERE stale = 1 ORDER BY project_id"));
  for (const storage::Row& r : stale) {
    ASSAY_ASSIGN_OR_RETURN(bool d, RefreshStaleBatch(r.Text(0)));
    did = did || d;
  }
  return did;
}

base::Status ItemBrowser::IndexAll() {
  for (;;) {
    ASSAY_ASSIGN_OR_RETURN(bool did, IndexOnce());
    if (!did) return base::Ok();
  }
}

void ItemBrowser::RunIndexer() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    woken_.clear();
    lock.unlock();
    base::Result<bool> did = IndexOnce();
    lock.lock();
    if (stop_) break;
    // Straight on while there is work; otherwise until woken or the next look.
    if (did && *did) continue;
    cv_.wait_for(lock, kPollInterval, [this] { return stop_ || !woken_.empty(); });
  }
}

}  // namespace work

#include "work/search.h"

#include <cctype>

namespace work {
namespace {

constexpr size_t kMaxWords = 16;
constexpr size_t kMaxIndexedBytes = 64 * 1024;  // per row: enough for any prompt and answer

// SQLite: an item_search row's rowid says whose it is, so that a search reads only the index's
// doclists, never the rows (reading project_id and seq of 80,000 matches took 300 ms at a
// million items): the project's search_key (projects, migration 0007) in the top bits, the
// item's seq below, then the row's number among the item's (its data, then each answer).
constexpr int kRowBits = 11;  // rows per item: data + answers and their edits
constexpr int kSeqBits = 32;  // items per project
constexpr int64_t kMaxRowsPerItem = int64_t{1} << kRowBits;
constexpr int64_t kMaxSeq = (int64_t{1} << kSeqBits) - 1;
constexpr int64_t kMaxSearchKey = (int64_t{1} << (63 - kSeqBits - kRowBits)) - 1;  // projects
constexpr int kKeyShift = kSeqBits + kRowBits;

// The project's search key, given it on its first indexed text (under the writer, so two
// projects never draw the same one).
base::Result<int64_t> SearchKey(storage::Conn& c, std::string_view project_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Row r, c.QueryOne("SELECT search_key FROM projects WHERE id = ?", {project_id}));
  if (!r.IsNull(0)) return r.Int(0);
  ASSAY_ASSIGN_OR_RETURN(storage::Row next, c.QueryOne("SELECT coalesce(max(search_key), 0) + 1 FROM projects"));
  if (next.Int(0) > kMaxSearchKey) {
    return base::Error(base::ErrorCode::kFailedPrecondition,
                       "full-text search holds at most " + std::to_string(kMaxSearchKey) + " projects");
  }
  ASSAY_TRY(c.Exec("UPDATE projects SET search_key = ? WHERE id = ?", {next.Int(0), project_id}));
  return next.Int(0);
}

base::Status IndexTextSqlite(storage::Conn& c, std::string_view project_id, int64_t seq, std::string_view text) {
  if (seq < 0 || seq > kMaxSeq) return base::Error::Invalid("item seq out of the search index's range");
  ASSAY_ASSIGN_OR_RETURN(int64_t key, SearchKey(c, project_id));
  const int64_t first = (key << kKeyShift) | (seq << kRowBits), last = first + kMaxRowsPerItem - 1;
  ASSAY_ASSIGN_OR_RETURN(storage::Row r, c.QueryOne("SELECT max(rowid) FROM item_search WHERE rowid BETWEEN ? AND ?",
                                                    {first, last}));
  if (!r.IsNull(0) && r.Int(0) == last) {
    // An item with kMaxRowsPerItem rows already: its last row takes the text too, up to the
    // row's limit (the words of an item rarely run out before).
    ASSAY_TRY(c.Exec("UPDATE item_search SET body = substr(body || ' ' || ?, 1, ?) WHERE rowid = ?",
                     {text, static_cast<int64_t>(kMaxIndexedBytes), last}));
    return base::Ok();
  }
  const int64_t rowid = r.IsNull(0) ? first : r.Int(0) + 1;
  ASSAY_TRY(c.Exec("INSERT INTO item_search (rowid, body, project_id, seq) VALUES (?, ?, ?, ?)",
                   {rowid, text, project_id, seq}));
  return base::Ok();
}

bool WordByte(unsigned char ch) { return ch >= 0x80 || std::isalnum(ch); }

}  // namespace

std::vector<std::string> SearchWords(std::string_view query) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < query.size() && words.size() < kMaxWords) {
    while (i < query.size() && !WordByte(static_cast<unsigned char>(query[i]))) ++i;
    size_t start = i;
    while (i < query.size() && WordByte(static_cast<unsigned char>(query[i]))) ++i;
    if (i > start) words.emplace_back(query.substr(start, i - start));
  }
  return words;
}

base::Status IndexText(storage::Conn& c, std::string_view project_id, int64_t seq, std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return base::Ok();
  if (text.size() > kMaxIndexedBytes) {
    size_t cut = kMaxIndexedBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole characters
    text = text.substr(0, cut);
  }
  if (c.dialect() == storage::Dialect::kPostgres) {
    ASSAY_TRY(c.Exec("INSERT INTO item_search (project_id, seq, doc) VALUES (?, ?, to_tsvector('simple', ?))",
                     {project_id, seq, text}));
    return base::Ok();
  }
  return IndexTextSqlite(c, project_id, seq, text);
}

std::vector<SeqSet> SearchSets(storage::Dialect dialect, std::string_view project_id, std::string_view query) {
  std::vector<std::string> words = SearchWords(query);
  std::vector<SeqSet> sets;
  // One look-up per word: the words may sit in different rows (the data, an answer). The last
  // word is a prefix (the manager may still be typing it).
  for (size_t i = 0; i < words.size(); ++i) {
    const bool last = i + 1 == words.size();
    if (dialect == storage::Dialect::kPostgres) {
      sets.push_back({"SELECT seq FROM item_search WHERE project_id = ? AND doc @@ to_tsquery('simple', ?)",
                      {std::string(project_id), words[i] + (last ? ":*" : "")}});
    } else {
      // The project's rows by rowid range; the seq from the rowid (IndexTextSqlite).
      const std::string key = "(SELECT search_key FROM projects WHERE id = ?)";
      sets.push_back({"SELECT (rowid >> " + std::to_string(kRowBits) + ") & " + std::to_string(kMaxSeq) +
                          " AS seq FROM item_search WHERE item_search MATCH ? AND rowid BETWEEN " + key + " << " +
                          std::to_string(kKeyShift) + " AND ((" + key + " + 1) << " + std::to_string(kKeyShift) + ") - 1",
                      {"\"" + words[i] + "\"" + (last ? "*" : ""), std::string(project_id), std::string(project_id)}});
    }
  }
  return sets;
}

}  // namespace work

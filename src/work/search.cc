#include "work/search.h"

#include <cctype>

namespace work {
namespace {

constexpr size_t kMaxWords = 16;
constexpr size_t kMaxIndexedBytes = 64 * 1024;  // per row: enough for any prompt and answer

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
  } else {
    ASSAY_TRY(c.Exec("INSERT INTO item_search (body, project_id, seq) VALUES (?, ?, ?)", {text, project_id, seq}));
  }
  return base::Ok();
}

std::string SearchCondition(storage::Dialect dialect, std::string_view seq_column, std::string_view project_id,
                            std::string_view query, storage::Params& params) {
  std::vector<std::string> words = SearchWords(query);
  if (words.empty()) return "1 = 0";
  // One look-up per word: the words may sit in different rows (the data, an answer).
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    const bool last = i + 1 == words.size();
    out += i ? " AND " : "";
    out += seq_column;
    if (dialect == storage::Dialect::kPostgres) {
      out += " IN (SELECT seq FROM item_search WHERE project_id = ? AND doc @@ to_tsquery('simple', ?))";
      params.push_back(std::string(project_id));
      params.push_back(words[i] + (last ? ":*" : ""));
    } else {
      out += " IN (SELECT seq FROM item_search WHERE item_search MATCH ? AND project_id = ?)";
      params.push_back("\"" + words[i] + "\"" + (last ? "*" : ""));
      params.push_back(std::string(project_id));
    }
  }
  return out;
}

}  // namespace work

// Full-text search over item data and answers, for the data browser: SQLite's FTS5 (the
// item_search virtual table, unicode61 without diacritics) or PostgreSQL's text search (a
// tsvector per row with a GIN index, the 'simple' configuration), behind the same calls. Every
// word of a query must occur (in the item's data or one of its answers); the last word also
// matches as a prefix, so a search box finds "cardio" while it is typed.
//
//   ASSAY_TRY(work::IndexText(c, project_id, seq, "Chest pain at rest"));
//   for (const work::SeqSet& set : work::SearchSets(c.dialect(), project_id, "chest pai")) …  // AND them
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "storage/db.h"

namespace work {

// Adds text to what finds the item (import order `seq` in the project). Empty text: nothing.
base::Status IndexText(storage::Conn& c, std::string_view project_id, int64_t seq, std::string_view text);

// The words of a query as the search sees them (letters and digits; at most 16 words).
std::vector<std::string> SearchWords(std::string_view query);

// A query selecting seqs (column `seq`; an item may come more than once), with its parameters.
struct SeqSet {
  std::string sql;
  storage::Params params;
};

// One query per word of the query, each selecting the seqs of the project's items holding that
// word. No words: no queries.
std::vector<SeqSet> SearchSets(storage::Dialect dialect, std::string_view project_id, std::string_view query);

}  // namespace work

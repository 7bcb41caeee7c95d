// Full-text search over item data and answers, for the data browser: SQLite's FTS5 (the
// item_search virtual table, unicode61 without diacritics) or PostgreSQL's text search (a
// tsvector per row with a GIN index, the 'simple' configuration), behind the same calls. Every
// word of a query must occur (in the item's data or one of its answers); the last word also
// matches as a prefix, so a search box finds "cardio" while it is typed.
//
//   ASSAY_TRY(work::IndexText(c, project_id, seq, "Chest pain at rest"));
//   storage::Params params;
//   std::string where = work::SearchCondition(c.dialect(), "st.seq", project_id, "chest pai", params);
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

// One query per word of the query, each selecting the seq (column `seq`, an item may come more
// than once) of the project's items holding that word; their parameters are appended to params.
// No words: no queries.
std::vector<std::string> SearchSets(storage::Dialect dialect, std::string_view project_id, std::string_view query,
                                    storage::Params& params);

// A condition that the item at seq_column (its import order) holds every word of the query, in
// its data or in one of its answers; its parameters are appended to params. A query without
// words finds nothing.
std::string SearchCondition(storage::Dialect dialect, std::string_view seq_column, std::string_view project_id,
                            std::string_view query, storage::Params& params);

}  // namespace work

#include "storage/db.h"

namespace storage {

base::Result<Row> Conn::QueryOne(std::string_view sql, const Params& params) {
  ASSAY_ASSIGN_OR_RETURN(Rows rows, Query(sql, params));
  if (rows.empty()) return base::Error::NotFound("no row");
  return std::move(rows.front());
}

base::Status Conn::LockRows(std::string_view, const Params&) { return base::Ok(); }

base::Status Conn::QueryEachInts(std::string_view sql, const Params& params,
                                 const std::function<base::Status(std::span<const int64_t>)>& fn) {
  std::vector<int64_t> values;
  return QueryEach(sql, params, [&](const Row& row) -> base::Status {
    values.resize(row.size());
    for (size_t i = 0; i < row.size(); ++i) values[i] = row.Int(i);
    return fn(values);
  });
}

void Db::WriteAsync(WriteFn fn, WriteDone done) { done(Write(fn)); }

base::Result<Rows> Db::Query(std::string_view sql, const Params& params) {
  Rows out;
  ASSAY_TRY(Read([&](Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(out, c.Query(sql, params));
    return base::Ok();
  }));
  return out;
}

std::string RewritePlaceholdersForPostgres(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char ch = sql[i];
    if (ch == '\'' || ch == '"') {  // copy a quoted run; doubled quotes stay inside it
      size_t end = i + 1;
      while (end < sql.size()) {
        if (sql[end] == ch) {
          if (end + 1 < sql.size() && sql[end + 1] == ch) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      out.append(sql.substr(i, end - i + 1));
      i = end;
    } else if (ch == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size() - 1;
      out.append(sql.substr(i, end - i + 1));
      i = end;
    } else if (ch == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() - 1 : end + 1;
      out.append(sql.substr(i, end - i + 1));
      i = end;
    } else if (ch == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace storage

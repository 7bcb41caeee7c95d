#include "storage/db.h"

namespace storage {

base::Result<Row> Conn::QueryOne(std::string_view sql, const Params& params) {
  ASSAY_ASSIGN_OR_RETURN(Rows rows, Query(sql, params));
  if (rows.empty()) return base::Error::NotFound("no row");
  return std::move(rows.front());
}

base::Result<Rows> Db::Query(std::string_view sql, const Params& params) {
  Rows out;
  ASSAY_TRY(Read([&](Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(out, c.Query(sql, params));
    return base::Ok();
  }));
  return out;
}

}  // namespace storage

#include "work/quality_stamps.h"

namespace work {

int QualityShard(std::string_view spread) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char ch : spread) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  return static_cast<int>(h % kQualityShards);
}

base::Status BumpQualityStamp(storage::Conn& c, std::string_view project_id, std::string_view spread) {
  ASSAY_TRY(c.Exec("INSERT INTO quality_stamps (project_id, shard, changes) VALUES (?, ?, 1) "
                   "ON CONFLICT (project_id, shard) DO UPDATE SET changes = quality_stamps.changes + 1",
                   {project_id, QualityShard(spread)}));
  return base::Ok();
}

base::Result<int64_t> QualityVersion(storage::Conn& c, std::string_view project_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Row r, c.QueryOne("SELECT coalesce(sum(changes), 0) FROM quality_stamps "
                                                    "WHERE project_id = ?",
                                                    {project_id}));
  return r.Int(0);
}

}  // namespace work

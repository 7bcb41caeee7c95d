// A project's quality version without a row every submit must lock: each change the quality
// report reads (submit, review, import, project change) adds one to one of kQualityShards rows
// of quality_stamps, picked from the changed item, and the version is their sum (migration 0008).
// Concurrent submits of one project touch different rows, so none waits for another; the sum
// only grows, and a read snapshot sees the sum of what committed before it.
//
//   ASSAY_TRY(work::BumpQualityStamp(c, project_id, item_id));       // inside the write
//   ASSAY_ASSIGN_OR_RETURN(int64_t v, work::QualityVersion(c, project_id));
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "storage/db.h"

namespace work {

inline constexpr int kQualityShards = 64;

// Adds one to the project's stamp row for `spread` (an item id: the same item, the same row).
base::Status BumpQualityStamp(storage::Conn& c, std::string_view project_id, std::string_view spread);
// The project's quality version: the sum of its stamp rows (0 before any change).
base::Result<int64_t> QualityVersion(storage::Conn& c, std::string_view project_id);
// The row `spread` goes to (FNV-1a, the same on every server).
int QualityShard(std::string_view spread);

}  // namespace work

// quality::DecideItem — the dynamic-overlap decision after a submit (work/quality_observer.h):
// from the item's labels so far (rejected ones excluded) and the experts' Dawid–Skene skills in
// `skills` (a cached report, may be null: kDefaultSkill), decides with qc::DecideOverlap per
// field. Once the item has `overlap` labels it is decided when every field's best label reached
// the target (fields nobody answered are ignored; a template without categorical fields decides
// at `overlap` labels) or when it has max_overlap labels; otherwise it wants one more label
// (items.want).
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "quality/report.h"
#include "storage/db.h"
#include "work/label_fields.h"

namespace quality {

base::Status DecideItem(storage::Conn& c, std::string_view item_id, const std::vector<LabelField>& fields,
                        const work::OverlapSettings& settings, const QualityReport* skills);

}  // namespace quality

// work::QualityObserver — what the work loop tells the layer that measures quality (src/quality,
// above it, handed to the Service with SetQualityObserver): a submit on a dynamic-overlap
// project (max_overlap > overlap) asks it whether the item has labels enough; every submit and
// review says that the project's labels changed (its report, and gold-accuracy qualifications,
// follow). Without one, a dynamic project's items are decided at max_overlap labels.
//
//   work_service.SetQualityObserver(&quality_service);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "storage/db.h"
#include "work/item_stats.h"
#include "work/label_fields.h"

namespace work {

class QualityObserver {
 public:
  virtual ~QualityObserver() = default;
  // Inside the submit's write transaction, after its submission row is written: sets the item's
  // `decided`, or raises its `want` (one more label). Must be quick — it runs on the writer.
  virtual base::Status DecideItem(storage::Conn& c, const std::string& project_id, std::string_view item_id,
                                  const std::vector<LabelField>& fields, const OverlapSettings& settings) = 0;
  // Whether Submitted needs the project's quality version (work/quality_stamps.h): reading it
  // costs the submit's transaction one more statement, so only when someone looks at it.
  virtual bool WantsVersion(bool dynamic_overlap) const = 0;
  // After a submit's commit: the project's quality version is now `version` (0 when
  // WantsVersion said no). Called on the database's completion thread: hand the work on, never block.
  virtual void Submitted(const std::string& project_id, int64_t version, bool dynamic_overlap) = 0;
  // After a review's commit.
  virtual void Reviewed(const std::string& project_id) = 0;
  // The experts' skills on the project's label fields as last estimated (the browser's
  // consensus weighs labels by them); empty: kUnknownSkill for everyone. Quick: called in
  // write transactions.
  virtual SkillFn Skills(const std::string& /*project_id*/) { return {}; }
};

}  // namespace work

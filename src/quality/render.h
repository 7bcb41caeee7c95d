// quality::RenderQuality — the JSON of GET /projects/{id}/quality (docs/api.md, "Quality").
//
//   ASSAY_ASSIGN_OR_RETURN(std::string body, quality::RenderQuality(view, {.method = "ds"}));
#pragma once

#include <string>

#include "base/result.h"
#include "quality/cache.h"

namespace quality {

struct QualityQuery {
  std::string field;          // empty: every field
  // Which aggregate "labels" and "accuracy" show: "mv", or the report's model (kMethods).
  std::string method = "ds";
  int limit = 100;            // of each field's labels list
  int64_t offset = 0;
  // Whether experts are named: managers see ids, names and emails; reviewers judge blind, so
  // for them each expert is work::ExpertPseudonym (the one the submissions list shows), with no
  // name or email.
  bool identities = true;
};
// An unknown field or method is InvalidArgument.
base::Result<std::string> RenderQuality(const QualityView& view, const QualityQuery& query);

}  // namespace quality

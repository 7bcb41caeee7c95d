// The quality report as the database keeps it (quality_reports.report, migration 0008), so that
// every server answers from the report one of them computed: compact JSON, read back exactly
// (NaN agreement as null; doubles round-trip).
//
//   std::string text = quality::StoredReport(report);
//   ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<quality::QualityReport> r, quality::ParseStoredReport(text));
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "quality/report.h"

namespace quality {

std::string StoredReport(const QualityReport& report);
base::Result<std::shared_ptr<QualityReport>> ParseStoredReport(std::string_view text);

}  // namespace quality

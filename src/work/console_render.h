// JSON renderings of the manager's console (browse.h, bulk.h) and the expert's remaining work
// and skips, for the HTTP handlers. Shares are fractions in [0, 1] (null when unmeasured), times
// RFC 3339, as everywhere in the API.
//
//   std::string body = work::RenderBrowsePage(page);
#pragma once

#include <string>

#include "work/browse.h"
#include "work/bulk.h"

namespace work {

std::string RenderBrowsePage(const BrowsePage& page);
std::string RenderSavedView(const SavedView& v);
std::string RenderItemContext(const ItemContext& ctx);
std::string RenderSubmissionContext(const SubmissionContext& ctx);
std::string RenderJob(const Job& job);
std::string RenderAuditEntry(const AuditEntry& a);
std::string RenderBulkStarted(const BulkStarted& s);
std::string RenderSkipSummary(const SkipSummary& s);
std::string RenderRemaining(const RemainingWork& r);

}  // namespace work

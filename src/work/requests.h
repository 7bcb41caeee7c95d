// Parsing of the request bodies whose raw JSON must survive byte-exact (a submission's answer)
// or that several adapters share (project fields). Errors name the field.
//
//   ASSAY_ASSIGN_OR_RETURN(work::SubmitRequest req, work::ParseSubmitBody(assignment_id, body));
#pragma once

#include <string_view>

#include "base/result.h"
#include "work/types.h"

namespace work {

// {lease_token, client_submission_id, answer, active_ms}; answer kept as the exact bytes sent.
base::Result<SubmitRequest> ParseSubmitBody(std::string_view assignment_id, std::string_view body);

// {name?, instructions?, template?, overlap?, lease_seconds?, max_overlap?, target_confidence?,
// requirements?, contract_id?, daily_cap?, max_share?, hide_models?, shuffle_responses?};
// unknown keys are refused.
base::Result<ProjectFields> ParseProjectFields(std::string_view body);

}  // namespace work

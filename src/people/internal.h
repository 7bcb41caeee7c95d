// Helpers shared by people's .cc files only.
#pragma once

#include <string>

#include "base/result.h"

namespace people::internal {

// InvalidArgument "field: message" with the detail field (what a form shows beside the field).
inline base::Error BadField(const std::string& field, const std::string& message) {
  return base::Error::Invalid(field + ": " + message).Detail("field", field);
}

}  // namespace people::internal

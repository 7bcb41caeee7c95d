// Whole-file reads for commands and loaders (not for huge inputs: qc memory-maps those).
//
//   ASSAY_ASSIGN_OR_RETURN(std::string text, base::ReadFile("tasks.json"));
#pragma once

#include <string>

#include "base/result.h"

namespace base {

// The file's bytes; NotFound naming the path when it cannot be opened.
Result<std::string> ReadFile(const std::string& path);

}  // namespace base

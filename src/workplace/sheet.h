// The sheet app: workbooks of named sheets whose cells hold values or formulas
// (sheet_formula.h). State: /workbooks/<id>/sheets/<name>/cells/<A1> = {"value": …,
// "formula": "=…" (formula cells), "error": true (when the value is an error code)}; numbers are
// floats. Every write re-evaluates the written cells and, in dependency order, every cell that
// reads them (across sheets); a write that would make a reference cycle is refused.
#pragma once

#include <vector>

#include "base/result.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/value.h"
#include "env/world.h"
#include "workplace/env_names.h"

namespace workplace {

inline constexpr const char* kSheetApp = "sheet";

Value SheetSeed();
base::Status RegisterSheetTools(ToolRegistry& registry);
base::Result<std::vector<Task>> SheetTasks(const World& workplace, const ToolRegistry& tools);

}  // namespace workplace

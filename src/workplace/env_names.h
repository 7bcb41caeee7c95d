// The engine's vocabulary in the content's namespace: apps and domains are written in env's
// terms (a Value state, Tools with a ToolContext, Tasks with a Checker), so `workplace` (and
// workplace::tau2, ::sheet, ::kit) name these types unqualified, as they did inside env.
//
//   namespace workplace {
//   Value MailSeed();                                  // env::Value
//   base::Status RegisterMailTools(ToolRegistry& r);   // env::ToolRegistry
//   }
#pragma once

#include "env/session.h"
#include "env/suite.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/trajectory.h"
#include "env/value.h"
#include "env/world.h"

namespace workplace {

using env::Action;
using env::Actor;
using env::AppendPointer;
using env::Change;
using env::Checker;
using env::CheckItem;
using env::CheckReport;
using env::ExpectedChange;
using env::Member;
using env::PathAbsent;
using env::PathEquals;
using env::PathExists;
using env::Predicate;
using env::RegisteredTool;
using env::Session;
using env::Step;
using env::Suite;
using env::Task;
using env::Tool;
using env::ToolContext;
using env::ToolHandler;
using env::ToolRegistry;
using env::ToolResult;
using env::Trajectory;
using env::Value;
using env::World;

}  // namespace workplace

// The tau2-bench retail domain (github.com/sierra-research/tau2-bench, MIT): its database as a
// world app ("retail"), its agent tools with the reference semantics — including where and
// how the reference fails, and the state a failing call leaves behind — and its tasks with their
// reference actions.
//
// The reference judges a run by sha256 of json.dumps(db.model_dump(), sort_keys=True). Our
// canonical text is that serialisation, and LoadRetailDb normalises db.json as the reference's
// pydantic models do (the seven optional order fields as null, float fields as floats), so
// World::AppHash(kRetailApp) is the reference's db hash.
//
//   ASSAY_ASSIGN_OR_RETURN(env::Value db, workplace::tau2::LoadRetailDb(dir + "/db.json"));
//   env::ToolRegistry tools;
//   ASSAY_TRY(workplace::tau2::RegisterRetailTools(tools));
//   ASSAY_ASSIGN_OR_RETURN(auto tasks, workplace::tau2::LoadRetailTasks(dir + "/tasks.json", db));
//   ASSAY_ASSIGN_OR_RETURN(workplace::tau2::SuiteHashes h, workplace::tau2::ReplayRetailSuite(dir,
//   1));
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/value.h"
#include "workplace/env_names.h"

namespace workplace::tau2 {

inline constexpr std::string_view kRetailApp = "retail";
inline constexpr std::string_view kRetailInitialHash =
    "b25c9cb211f5efcaee5dd646054a73c4a9f43f4f5acc32c10713cd9f9ac20e9c";

// Reads db.json and normalises it like the reference's RetailDB model.
base::Result<Value> LoadRetailDb(const std::string& path);
Value NormalizeRetailDb(const Value& raw);

// The tools (16 at tau2-bench commit a2c0247, where the issue counts 15): calculate,
// cancel_pending_order, exchange_delivered_order_items, find_user_id_by_name_zip,
// find_user_id_by_email, get_order_details, get_product_details, get_item_details,
// get_user_details, list_all_product_types, modify_pending_order_address,
// modify_pending_order_items, modify_pending_order_payment, modify_user_address,
// return_delivered_order_items, transfer_to_human_agents.
base::Status RegisterRetailTools(ToolRegistry& registry);

// Tasks from tasks.json: initial world {"retail": db}, the user's instruction, the reference
// actions, and a checker on the retail db hash (filled by DeriveCheckerFromReference when asked).
base::Result<std::vector<Task>> LoadRetailTasks(const std::string& path, const Value& db);

// Evaluates a calculate() expression as the reference does (Python arithmetic on + - * / ** //
// and parentheses, then round(float(x), 2)); returns the text or the error message.
base::Result<std::string> Calculate(std::string_view expression);

struct SuiteHashes {
  std::string initial_db_hash;
  std::vector<std::pair<std::string, std::string>> tasks;  // task id -> db hash, in file order
};
// Replays every task's reference actions on a fresh fork of the db (on `threads` threads) and
// hashes each final db.
base::Result<SuiteHashes> ReplayRetailSuite(const Value& db, const std::vector<Task>& tasks,
                                            const ToolRegistry& tools, int threads);

}  // namespace workplace::tau2

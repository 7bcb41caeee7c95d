// assay's suite catalog: which environment suites exist and how each loads — the tau2-bench
// retail domain ("tau2-retail", from its data dir), "workplace" (every mock app on one world:
// each app's tasks and the cross-app tasks) and one suite per app. The engine takes this table
// from outside (env::SessionStore, `assay env`); the helpers below are env's on this catalog.
//
//   env::SessionStore store(clock, workplace::Suites(), {.data_dirs = {{"tau2-retail", dir}}});
//   ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<env::Suite> mail, workplace::LoadSuite("mail", ""));
//   for (const env::SuiteSummary& row : workplace::SummarizeSuites()) …;  // `assay env list`
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/suite.h"

namespace workplace {

// Every suite, in listing order. Add a suite by adding a row in suites.cc. The workplace suites
// (`workplace`, one per app) are views of one workplace built on first use and kept for the
// process: loading all of them builds the apps' registry, world and tasks once.
const env::SuiteCatalog& Suites();

// env::LoadSuite / SummarizeSuites on Suites().
base::Result<std::unique_ptr<env::Suite>> LoadSuite(std::string_view name,
                                                    const std::string& data_dir);
std::vector<env::SuiteSummary> SummarizeSuites();

}  // namespace workplace

// work::SeedDemo — a demo organisation in a fresh database: a manager, three experts and a
// pairwise-preference project of 50 items (a prompt and two model responses each, on medicine,
// law and accounting), plus a second project already worked by five more experts (through the
// real lease/submit/review calls, deterministic answers) so the quality screens show numbers.
// `assay demo` calls it and prints the logins.
//
//   ASSAY_ASSIGN_OR_RETURN(work::DemoSeed seed, work::SeedDemo(service));
//   for (const auto& login : seed.logins) std::cout << login.email << " " << login.password << "\n";
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "work/service.h"

namespace work {

struct DemoLogin {
  std::string email;
  std::string password;
  std::string role;
};

struct DemoSeed {
  std::vector<DemoLogin> logins;  // manager first, then the experts
  std::string project_id;         // the fresh project the three experts work on
  int64_t items = 0;
  // Last week's pilot: 40 of the items, already labelled (overlap 3) by five more experts who
  // have no login, some with gold and reviews, so its Quality screen has numbers to show.
  std::string worked_project_id;
  std::string worked_project_name;
  int64_t worked_items = 0, worked_submissions = 0, worked_experts = 0;
};

// Idempotent enough for a fresh db: fails with Conflict if the demo users already exist.
base::Result<DemoSeed> SeedDemo(Service& service);

// The 50 demo items as JSONL ({"id", "data": {"domain", "prompt", "responses": [{id, model, content}×2]}}).
std::string DemoItemsJsonl();

}  // namespace work

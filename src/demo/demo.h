// demo::Seed — a demo organisation in a fresh database: a manager, three experts and a
// pairwise-preference project of 50 items (a prompt and two model responses each, on medicine,
// law and accounting), plus a second project already worked by five more experts (through the
// real lease/submit/review calls, deterministic answers) so the quality screens show numbers.
// `assay demo` calls it and prints the logins.
//
//   ASSAY_ASSIGN_OR_RETURN(demo::DemoSeed seed, demo::Seed({accounts, work}));
//   for (const auto& login : seed.logins) std::cout << login.email << " " << login.password << "\n";
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "accounts/service.h"
#include "people/service.h"
#include "work/service.h"

namespace money { class Service; }

namespace demo {

// The services the demo is seeded through (the same calls a user's requests make).
struct Services {
  accounts::Service& accounts;
  work::Service& work;
  people::Service& people;
  money::Service* money = nullptr;  // null: no pay, funding or payouts in the demo
};

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
  // People (people.cc): every login has a profile; an Arabic medical project asks for Arabic at
  // C1, medicine and the "Licensed clinician" qualification, and its contract accepted. Layla
  // qualifies; Dr. Okafor is a clinician without Arabic and is told so in words.
  std::string people_project_id;
  std::string people_project_name;
};

// people.cc: profiles, qualifications, the contract and the Arabic project. users: the logins'
// accounts in the order of seed.logins.
base::Status SeedPeople(const Services& services, const accounts::Caller& manager,
                        const std::vector<accounts::User>& users, DemoSeed& seed);

// Idempotent enough for a fresh db: fails with Conflict if the demo users already exist.
base::Result<DemoSeed> Seed(const Services& services);

// The demo's pay, funding and payouts (demo/money.cc; nothing without services.money): both
// projects pay and are funded, the pilot's reviewed work accrues and one batch of it is paid.
base::Status SeedMoney(const Services& services, const accounts::Caller& manager, const DemoSeed& seed);

// The 50 demo items as JSONL ({"id", "data": {"domain", "prompt", "responses": [{id, model, content}×2]}}).
std::string DemoItemsJsonl();

}  // namespace demo

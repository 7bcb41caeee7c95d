// The employees of Northwind Analytics, the one company every workplace app's seed data is
// about: mail addresses, chat users, calendar attendees, file owners (and, for the other apps,
// HR records and CRM owners) all come from this list, so a task can follow a person across apps.
//
//   const workplace::Person* dana = workplace::FindPerson("dana.whitfield@northwind.example");
//   dana->manager_id;  // "u-praman" (the CFO)
#pragma once

#include <string_view>
#include <vector>

#include "env/value.h"
#include "workplace/env_names.h"

namespace workplace {

inline constexpr std::string_view kCompanyName = "Northwind Analytics";
inline constexpr std::string_view kCompanyDomain = "northwind.example";
// Whose mailbox, chat client and calendar the mock apps show: the agent acts as this person.
inline constexpr std::string_view kMeId = "u-lmartins";

struct Person {
  std::string_view id;  // "u-" + first initial + last name
  std::string_view name;
  std::string_view email;
  std::string_view title;
  std::string_view department;
  std::string_view manager_id;  // "" for the CEO
};

// 25 people, CEO first.
const std::vector<Person>& People();
// By id ("u-dwhitfield"), e-mail or full name (case-insensitive); nullptr if nobody matches.
const Person* FindPerson(std::string_view id_email_or_name);
// {"u-…": {"name", "email", "title", "department", "manager"}} for a seed's directory.
Value PeopleDirectory();

}  // namespace workplace

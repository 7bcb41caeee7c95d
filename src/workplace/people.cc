#include "workplace/people.h"

#include <cctype>
#include <string>

namespace workplace {

const std::vector<Person>& People() {
  static const std::vector<Person> kPeople = {
      {"u-mbell", "Marcus Bell", "marcus.bell@northwind.example", "Chief Executive Officer",
       "Executive", ""},
      {"u-praman", "Priya Raman", "priya.raman@northwind.example", "Chief Financial Officer",
       "Finance", "u-mbell"},
      {"u-dwhitfield", "Dana Whitfield", "dana.whitfield@northwind.example", "Controller",
       "Finance", "u-praman"},
      {"u-lmartins", "Leo Martins", "leo.martins@northwind.example", "Senior Accountant", "Finance",
       "u-dwhitfield"},
      {"u-achen", "Amy Chen", "amy.chen@northwind.example", "Accounts Payable Specialist",
       "Finance", "u-dwhitfield"},
      {"u-ohaddad", "Omar Haddad", "omar.haddad@northwind.example", "Staff Accountant", "Finance",
       "u-dwhitfield"},
      {"u-salvarez", "Sofia Alvarez", "sofia.alvarez@northwind.example", "Chief Technology Officer",
       "Engineering", "u-mbell"},
      {"u-jpark", "Jin Park", "jin.park@northwind.example", "Engineering Manager", "Engineering",
       "u-salvarez"},
      {"u-rpatel", "Ravi Patel", "ravi.patel@northwind.example", "Senior Data Engineer",
       "Engineering", "u-jpark"},
      {"u-enovak", "Emma Novak", "emma.novak@northwind.example", "Data Scientist", "Engineering",
       "u-jpark"},
      {"u-tokafor", "Tom Okafor", "tom.okafor@northwind.example", "Software Engineer",
       "Engineering", "u-jpark"},
      {"u-lromano", "Lucia Romano", "lucia.romano@northwind.example", "Software Engineer",
       "Engineering", "u-jpark"},
      {"u-gkim", "Grace Kim", "grace.kim@northwind.example", "HR Director", "People", "u-mbell"},
      {"u-nfischer", "Noah Fischer", "noah.fischer@northwind.example", "HR Generalist", "People",
       "u-gkim"},
      {"u-bcarter", "Ben Carter", "ben.carter@northwind.example", "VP Sales", "Sales", "u-mbell"},
      {"u-mjohansson", "Mia Johansson", "mia.johansson@northwind.example", "Account Executive",
       "Sales", "u-bcarter"},
      {"u-sreyes", "Sam Reyes", "sam.reyes@northwind.example", "Account Executive", "Sales",
       "u-bcarter"},
      {"u-zadams", "Zoe Adams", "zoe.adams@northwind.example", "Sales Operations Analyst", "Sales",
       "u-bcarter"},
      {"u-kmorgan", "Kate Morgan", "kate.morgan@northwind.example", "Head of Customer Success",
       "Customer Success", "u-mbell"},
      {"u-ahassan", "Ali Hassan", "ali.hassan@northwind.example", "Customer Success Manager",
       "Customer Success", "u-kmorgan"},
      {"u-hlee", "Hannah Lee", "hannah.lee@northwind.example", "Operations Manager", "Operations",
       "u-mbell"},
      {"u-ipetrov", "Ivan Petrov", "ivan.petrov@northwind.example", "IT Administrator",
       "Operations", "u-hlee"},
      {"u-obrooks", "Olivia Brooks", "olivia.brooks@northwind.example", "Office Coordinator",
       "Operations", "u-hlee"},
      {"u-ewright", "Ethan Wright", "ethan.wright@northwind.example", "Marketing Lead", "Marketing",
       "u-mbell"},
      {"u-nschultz", "Nina Schultz", "nina.schultz@northwind.example", "Product Marketing Manager",
       "Marketing", "u-ewright"},
  };
  return kPeople;
}

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

const Person* FindPerson(std::string_view key) {
  for (const Person& p : People()) {
    if (p.id == key || EqualsIgnoreCase(p.email, key) || EqualsIgnoreCase(p.name, key)) return &p;
  }
  return nullptr;
}

Value PeopleDirectory() {
  std::vector<Value::Member> members;
  for (const Person& p : People()) {
    members.emplace_back(std::string(p.id),
                         Value::Object({{"name", Value::String(std::string(p.name))},
                                        {"email", Value::String(std::string(p.email))},
                                        {"title", Value::String(std::string(p.title))},
                                        {"department", Value::String(std::string(p.department))},
                                        {"manager", Value::String(std::string(p.manager_id))}}));
  }
  return Value::Object(std::move(members));
}

}  // namespace workplace

#include "people/requirements.h"

#include <gtest/gtest.h>

namespace people {
namespace {

Requirement One(const std::string& json) {
  auto r = ParseRequirements("[" + json + "]");
  EXPECT_TRUE(r.has_value()) << json << ": " << (r ? "" : r.error().ToString());
  return r && !r->empty() ? r->front() : Requirement{};
}

TEST(RequirementsTest, ParseNamesTheBadEntry) {
  EXPECT_TRUE(ParseRequirements("").has_value());
  EXPECT_TRUE(ParseRequirements("null")->empty());
  for (const char* bad : {R"({"x":1})", R"([{"qualification":"q","op":"~"}])", R"([{"qualification":"q","op":">="}])",
                          R"([{"language":"english"}])", R"([{"language":"ar","level":"fluent"}])",
                          R"([{"domain":"Medicine/Heart"}])", R"([{}])", R"([{"qualification":"q","op":"in","value":[]}])"}) {
    auto r = ParseRequirements(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().DetailsJson().find("\"field\":\"requirements\""), std::string::npos);
  }
  auto second = ParseRequirements(R"([{"domain":"law"},{"language":"x"}])");
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message().find("requirements[1]"), std::string::npos);
}

TEST(RequirementsTest, FactsMeetWhatTheySay) {
  Facts f;
  f.grants = {{"q-flag", "true"}, {"q-scale", "3"}, {"q-set", "\"B2\""}};
  f.languages = {{"ar-EG", "C1"}, {"en", "native"}};
  f.domains = {"medicine/cardiology"};
  EXPECT_TRUE(Meets(One(R"({"qualification":"q-flag"})"), f));
  EXPECT_FALSE(Meets(One(R"({"qualification":"q-missing"})"), f));
  EXPECT_TRUE(Meets(One(R"({"qualification":"q-scale","op":">=","value":3})"), f));
  EXPECT_FALSE(Meets(One(R"({"qualification":"q-scale","op":">=","value":4})"), f));
  EXPECT_TRUE(Meets(One(R"({"qualification":"q-scale","op":"<=","value":3})"), f));
  EXPECT_TRUE(Meets(One(R"({"qualification":"q-set","op":"in","value":["B2","C1"]})"), f));
  EXPECT_FALSE(Meets(One(R"({"qualification":"q-set","op":"=","value":"C1"})"), f));
  EXPECT_TRUE(Meets(One(R"({"language":"ar"})"), f));
  EXPECT_TRUE(Meets(One(R"({"language":"ar","level":"C1"})"), f));
  EXPECT_FALSE(Meets(One(R"({"language":"ar","level":"C2"})"), f));
  EXPECT_FALSE(Meets(One(R"({"language":"he"})"), f));
  EXPECT_TRUE(Meets(One(R"({"domain":"medicine"})"), f));
  EXPECT_TRUE(Meets(One(R"({"domain":"medicine/cardiology"})"), f));
  EXPECT_FALSE(Meets(One(R"({"domain":"medicine/oncology"})"), f));
  auto reqs = ParseRequirements(R"([{"domain":"medicine"},{"language":"he"},{"qualification":"q-flag"}])");
  EXPECT_EQ(FirstUnmet(*reqs, f), std::optional<size_t>(1));
}

TEST(RequirementsTest, ItemsAskByLangAndRequires) {
  auto none = ItemRequirements(R"({"prompt":"hello"})");
  ASSERT_TRUE(none && none->empty());
  auto lang = ItemRequirements(R"({"prompt":"مرحبا","lang":"ar"})");
  ASSERT_TRUE(lang && lang->size() == 1u);
  EXPECT_EQ(lang->front().Json(), R"({"language":"ar","level":"B2"})");
  auto both = ItemRequirements(R"({"lang":"he","requires":[{"domain":"law"}]})");
  ASSERT_TRUE(both && both->size() == 2u);
  EXPECT_EQ(RequirementsJson(*both), R"([{"language":"he","level":"B2"},{"domain":"law"}])");
  auto bad = ItemRequirements(R"({"lang":"hebrew"})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().DetailsJson().find("data.lang"), std::string::npos);
}

}  // namespace
}  // namespace people

// The crm app: contacts, deals through the pipeline, activities, and its tasks.
#include "workplace/crm.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "workplace/apps_test_util.h"

namespace workplace {
namespace {

class CrmTools : public WorkplaceTest {};

TEST_F(CrmTools, SearchAndCompanyView) {
  nlohmann::json hits = Ok("crm_search_contacts", {{"query", "litware coo"}});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["name"], "Kenji Tanaka");
  nlohmann::json co = Ok("crm_get_company", {{"company_id", "co-fabrikam"}});
  EXPECT_EQ(co["contacts"].size(), 2u);
  EXPECT_EQ(co["deals"].size(), 2u);
  EXPECT_EQ(co["activities"].size(), 1u);
  EXPECT_EQ(Ok("crm_list_deals", {{"stage", "open"}, {"owner_id", "u-sreyes"}}).size(), 3u);
  nlohmann::json pipe = Ok("crm_pipeline_summary", nlohmann::json::object());
  // Open: 30k+48k+39k+22k+15k+60k+85k+18k+72k = 389k.
  EXPECT_EQ(pipe["open_pipeline_cents"], 38900000);
}

TEST_F(CrmTools, DealsMoveThroughStagesAndStayClosed) {
  EXPECT_NE(Err("crm_move_deal", {{"deal_id", "dl-304"}, {"stage", "lost"}}).find("lost_reason"),
            std::string::npos);
  nlohmann::json won = Ok("crm_move_deal", {{"deal_id", "dl-305"}, {"stage", "won"}});
  EXPECT_EQ(won["closed_on"], "2026-01-01");
  EXPECT_EQ(won["history"][0]["from"], "negotiation");
  EXPECT_NE(
      Err("crm_move_deal", {{"deal_id", "dl-305"}, {"stage", "proposal"}}).find("is closed (won)"),
      std::string::npos);
  EXPECT_NE(
      Err("crm_update_deal", {{"deal_id", "dl-305"}, {"amount_cents", 1}}).find("amount is final"),
      std::string::npos);
  EXPECT_NE(Err("crm_move_deal", {{"deal_id", "dl-999"}, {"stage", "won"}}).find("crm_list_deals"),
            std::string::npos);
  // Schema: unknown stage names are refused before the handler runs.
  EXPECT_NE(Err("crm_move_deal", {{"deal_id", "dl-304"}, {"stage", "closed"}}).find("stage"),
            std::string::npos);
}

TEST_F(CrmTools, ContactsAndDealsAreValidated) {
  EXPECT_NE(
      Err("crm_create_contact",
          {{"name", "X"}, {"email", "kenji.tanaka@litware.example"}, {"company_id", "co-litware"}})
          .find("already exists: ct-05"),
      std::string::npos);
  EXPECT_NE(Err("crm_create_contact",
                {{"name", "X"}, {"email", "not-an-email"}, {"company_id", "co-litware"}})
                .find("not an e-mail"),
            std::string::npos);
  EXPECT_NE(Err("crm_create_deal", {{"name", "D"},
                                    {"company_id", "co-contoso"},
                                    {"contact_id", "ct-05"},
                                    {"amount_cents", 100},
                                    {"owner_id", "u-mjohansson"},
                                    {"expected_close", "2026-12-01"}})
                .find("works at co-litware, not co-contoso"),
            std::string::npos);
  EXPECT_NE(Err("crm_create_deal", {{"name", "D"},
                                    {"company_id", "co-contoso"},
                                    {"amount_cents", 100},
                                    {"owner_id", "Mia"},
                                    {"expected_close", "2026-12-01"}})
                .find("not a Northwind person id"),
            std::string::npos);
  EXPECT_NE(Err("crm_log_activity", {{"kind", "note"}, {"subject", "x"}})
                .find("contact_id, deal_id or both"),
            std::string::npos);
  nlohmann::json a =
      Ok("crm_log_activity", {{"kind", "note"}, {"subject", "Intro"}, {"contact_id", "ct-14"}});
  EXPECT_EQ(a["company_id"], "co-woodgrove");
  EXPECT_EQ(a["date"], "2026-01-01");
}

TEST_F(CrmTools, CompaniesAreUniqueByName) {
  nlohmann::json co = Ok("crm_create_company", {{"name", "Northwind Traders"}});
  EXPECT_NE(Err("crm_create_company", {{"name", "northwind traders"}})
                .find("already exists as " + co["id"].get<std::string>()),
            std::string::npos);
  Ok("crm_create_contact",
     {{"name", "Ann Lee"}, {"email", "ann@northwindtraders.example"}, {"company_id", co["id"]}});
  EXPECT_EQ(Ok("crm_get_company", {{"company_id", co["id"]}})["contacts"].size(), 1u);
}

TEST(CrmTasks, ReassigningAClosedDealIsCollateralDamage) {
  testing::ExpectCollateral("crm", "crm-reassign-sam", "crm_update_deal",
                            R"({"deal_id":"dl-309","owner_id":"u-mjohansson"})",
                            "/crm/deals/dl-309/owner_id");
}

}  // namespace
}  // namespace workplace

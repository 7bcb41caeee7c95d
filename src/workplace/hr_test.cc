// The hr app: time off with balances and manager approval, payroll inputs and gross pay, tasks.
#include "workplace/hr.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "workplace/apps_test_util.h"

namespace workplace {
namespace {

int64_t Balance(const Session& s, const std::string& employee, const std::string& kind) {
  return s.world().Get("hr").At("/employees/" + employee + "/balances/" + kind)->AsInt();
}

class HrTools : public WorkplaceTest {};

TEST_F(HrTools, SeedHasTheCompanysPeopleWithManagers) {
  nlohmann::json all = Ok("hr_list_employees", nlohmann::json::object());
  EXPECT_EQ(all.size(), 25u);
  nlohmann::json finance = Ok("hr_list_employees", {{"manager_id", "u-dwhitfield"}});
  EXPECT_EQ(finance.size(), 3u);
  nlohmann::json dana = Ok("hr_get_employee", {{"employee_id", "u-dwhitfield"}});
  EXPECT_EQ(dana["title"], "Controller");
  EXPECT_EQ(dana["direct_reports"].size(), 3u);
  EXPECT_NE(Err("hr_get_employee", {{"employee_id", "dana"}}).find("u-dwhitfield"),
            std::string::npos);
}

TEST_F(HrTools, OnlyTheManagerDecidesAndApprovalDeductsTheBalance) {
  std::string err =
      Err("hr_approve_time_off", {{"request_id", "tor-2001"}, {"approver_id", "u-salvarez"}});
  EXPECT_NE(err.find("u-salvarez is not Ravi Patel's manager; only u-jpark (Jin Park)"),
            std::string::npos)
      << err;
  EXPECT_EQ(Balance(*session_, "u-rpatel", "vacation"), 64);
  Ok("hr_approve_time_off", {{"request_id", "tor-2001"}, {"approver_id", "u-jpark"}});
  EXPECT_EQ(Balance(*session_, "u-rpatel", "vacation"), 40);
  EXPECT_NE(Err("hr_approve_time_off", {{"request_id", "tor-2001"}, {"approver_id", "u-jpark"}})
                .find("already approved"),
            std::string::npos);
  err = Err("hr_approve_time_off", {{"request_id", "tor-2002"}, {"approver_id", "u-jpark"}});
  EXPECT_NE(err.find("has 40 h of vacation left and the request is for 64 h"), std::string::npos)
      << err;
  Ok("hr_deny_time_off",
     {{"request_id", "tor-2002"}, {"approver_id", "u-jpark"}, {"reason", "balance"}});
  EXPECT_EQ(Balance(*session_, "u-enovak", "vacation"), 40);
  // Schema: a denial needs a reason.
  EXPECT_NE(Err("hr_deny_time_off", {{"request_id", "tor-2005"}, {"approver_id", "u-jpark"}})
                .find("reason"),
            std::string::npos);
}

TEST_F(HrTools, RequestsCountPendingHoursAgainstTheBalance) {
  // Leo has 56 h of vacation and 8 h pending: 48 h can still be requested.
  std::string err = Err("hr_request_time_off", {{"employee_id", "u-lmartins"},
                                                {"kind", "vacation"},
                                                {"start_date", "2026-02-16"},
                                                {"end_date", "2026-02-24"},
                                                {"hours", 56}});
  EXPECT_NE(err.find("48 h available (56 h balance, 8 h pending), requested 56 h"),
            std::string::npos)
      << err;
  EXPECT_NE(Err("hr_request_time_off", {{"employee_id", "u-lmartins"},
                                        {"kind", "vacation"},
                                        {"start_date", "2026-02-16"},
                                        {"end_date", "2026-02-16"},
                                        {"hours", 16}})
                .find("more than 8 h a day over 1 day"),
            std::string::npos);
  nlohmann::json r = Ok("hr_request_time_off", {{"employee_id", "u-lmartins"},
                                                {"kind", "vacation"},
                                                {"start_date", "2026-03-02"},
                                                {"end_date", "2026-03-06"},
                                                {"hours", 40}});
  EXPECT_EQ(r["status"], "pending");
  EXPECT_EQ(r["approver_id"], "u-dwhitfield");
  EXPECT_EQ(Ok("hr_list_time_off", {{"manager_id", "u-dwhitfield"}, {"status", "pending"}}).size(),
            3u);
  Ok("hr_cancel_time_off", {{"request_id", r["id"]}});
  EXPECT_EQ(Ok("hr_get_employee", {{"employee_id", "u-lmartins"}})["pending_hours"]["vacation"], 8);
}

TEST_F(HrTools, PayrollInputsFeedGrossPay) {
  // Period A: 23 salaried at salary/24 plus two hourly at 80 h.
  EXPECT_EQ(HrPeriodGrossCents(session_->world().Get("hr"), "2025-12-A"), 13863000);
  // Period B adds two commissions and Ivan's 4 h of overtime at 1.5 x $42.00.
  EXPECT_EQ(HrPeriodGrossCents(session_->world().Get("hr"), "2025-12-B"),
            13863000 + 275000 + 25200);
  EXPECT_EQ(HrPeriodGrossCents(session_->world().Get("hr"), "2025-13-X"), -1);
  EXPECT_NE(Err("hr_set_payroll_input",
                {{"period_id", "2025-12-B"}, {"employee_id", "u-rpatel"}, {"overtime_hours", 3}})
                .find("salaried (exempt)"),
            std::string::npos);
  EXPECT_NE(Err("hr_set_payroll_input",
                {{"period_id", "2025-12-A"}, {"employee_id", "u-rpatel"}, {"bonus_cents", 1}})
                .find("is paid"),
            std::string::npos);
  Ok("hr_set_payroll_input",
     {{"period_id", "2025-12-B"}, {"employee_id", "u-obrooks"}, {"overtime_hours", 2.5}});
  Ok("hr_set_payroll_input",
     {{"period_id", "2025-12-B"}, {"employee_id", "u-lmartins"}, {"bonus_cents", 250000}});
  nlohmann::json sum = Ok("hr_payroll_summary", {{"period_id", "2025-12-B"}});
  EXPECT_EQ(sum["total_gross_cents"], 13863000 + 275000 + 25200 + 11813 + 250000);
}

TEST_F(HrTools, ManagerChangesCannotMakeLoops) {
  EXPECT_NE(Err("hr_update_employee", {{"employee_id", "u-jpark"}, {"manager_id", "u-rpatel"}})
                .find("reporting loop"),
            std::string::npos);
  Ok("hr_update_employee", {{"employee_id", "u-rpatel"}, {"manager_id", "u-salvarez"}});
  EXPECT_EQ(Ok("hr_list_employees", {{"manager_id", "u-jpark"}}).size(), 3u);
}

TEST(HrTasks, ApprovingTheWrongRequestIsCollateralDamage) {
  testing::ExpectCollateral("hr", "hr-approve-ravi", "hr_approve_time_off",
                            R"({"request_id":"tor-2005","approver_id":"u-jpark"})",
                            "/hr/time_off_requests/tor-2005");
}

}  // namespace
}  // namespace workplace

#include "env/tau2/retail.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace env::tau2 {
namespace {

const std::string kDir = std::string(ASSAY_SHARED_DATA_DIR) + "/tau2-retail";

TEST(Tau2Retail, InitialHashMatchesReference) {
  auto db = LoadRetailDb(kDir + "/db.json");
  ASSERT_TRUE(db.has_value()) << db.error().ToString();
  EXPECT_EQ(db->Sha256(), kRetailInitialHash);
}

}  // namespace
}  // namespace env::tau2

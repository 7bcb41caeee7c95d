#include "cli/offline.h"

#include <iostream>

#include "base/rng.h"
#include "storage/migrations.h"

namespace cli {

std::unique_ptr<OfflineWork> OpenOfflineWork(const std::string& db_url, std::string_view command) {
  base::SystemClock clock;
  auto db = storage::OpenAndMigrate(db_url, clock);
  if (!db) {
    std::cerr << "assay " << command << ": " << db.error().ToString() << "\n";
    return nullptr;
  }
  uint64_t seed;
  base::SecureRandomBytes(&seed, sizeof seed);
  return std::make_unique<OfflineWork>(std::move(*db), seed);
}

}  // namespace cli

#include "env/apps/apps.h"

namespace env::apps {

base::Result<std::vector<Task>> CrossAppTasks(const World& /*workplace*/,
                                              const ToolRegistry& /*tools*/) {
  return std::vector<Task>{};
}

}  // namespace env::apps

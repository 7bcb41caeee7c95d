// `assay env agent` (env_agent_cmd.cc), added under `assay env` by env_cmd.cc.
#pragma once

namespace CLI {
class App;
}

namespace cli {

void AddEnvAgentCommand(CLI::App* env_cmd);

}  // namespace cli

#include "cli/commands.h"

#include <CLI/CLI.hpp>

namespace cli {

// One line per command; each is defined in its own *_cmd.cc.
void AddVersionInfoCommand(CLI::App& app);
void AddMigrateCommand(CLI::App& app);
void AddImportCommand(CLI::App& app);
void AddExportCommand(CLI::App& app);
void AddTokenCommand(CLI::App& app);
void AddQualityCommand(CLI::App&);
void AddEnvCommand(CLI::App&);
void AddServeCommand(CLI::App&);
void AddDemoCommand(CLI::App&);
void AddMcpCommand(CLI::App&);
void AddLedgerCommand(CLI::App&);
void AddPayoutsCommand(CLI::App&);

const std::vector<CommandRegistrar>& AllCommands() {
  static const std::vector<CommandRegistrar> kCommands = {
      AddVersionInfoCommand,
      AddMigrateCommand,
      AddImportCommand,
      AddExportCommand,
      AddTokenCommand,
      AddQualityCommand,
      AddEnvCommand,
      AddServeCommand,
      AddDemoCommand,
      AddMcpCommand,
      AddLedgerCommand,
      AddPayoutsCommand,
  };
  return kCommands;
}

namespace {
int g_exit_code = 0;  // process exit status; only main reads it
}
void SetExitCode(int code) { g_exit_code = code; }
int ExitCode() { return g_exit_code; }

}  // namespace cli

// The command table: every subcommand is one function that adds itself to the CLI11 app.
// Adding a command = writing foo_cmd.cc with `void AddFooCommand(CLI::App&)` and one line in
// commands.cc.
#pragma once

#include <functional>
#include <vector>

namespace CLI { class App; }

namespace cli {

using CommandRegistrar = std::function<void(CLI::App&)>;
const std::vector<CommandRegistrar>& AllCommands();

// Commands run inside CLI11 callbacks; they record their exit status here.
void SetExitCode(int code);
int ExitCode();

}  // namespace cli

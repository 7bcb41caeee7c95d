// assay — one binary, many commands. Wiring only: each command lives in its own *_cmd.cc and
// registers itself through the table below.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"assay — the open platform for expert human data for AI"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("assay 0.1.0"));
  for (const cli::CommandRegistrar& add : cli::AllCommands()) add(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 2, as Unix tools do.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return cli::ExitCode();
}

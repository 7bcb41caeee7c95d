#include <CLI/CLI.hpp>
#include <iostream>

namespace cli {

void AddVersionInfoCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Print what this build contains");
  cmd->callback([] { std::cout << "assay 0.1.0 (C++20)\n"; });
}

}  // namespace cli

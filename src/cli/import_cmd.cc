// assay import --db PATH --project ID FILE: items from JSONL or a JSON array, offline.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/offline.h"
#include "work/render.h"
#include "work/service.h"

namespace cli {
namespace {

void DrawProgress(size_t done, size_t total) {
  constexpr int kWidth = 40;
  double f = total ? static_cast<double>(done) / total : 1.0;
  int filled = static_cast<int>(f * kWidth);
  std::fprintf(stderr, "\r[%s%s] %5.1f%% of %.1f MiB", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, ' ').c_str(), f * 100, total / 1048576.0);
  std::fflush(stderr);
}

}  // namespace

void AddImportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("import", "Import items into a project from JSONL or a JSON array");
  struct Opts {
    std::string db, project, file;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--db", o->db, "Database: PATH, sqlite:PATH or postgresql://…")->required();
  cmd->add_option("--project", o->project, "Project id")->required();
  cmd->add_option("file", o->file, "JSONL file (one {\"id\"?, \"data\", \"gold\"?} a line) or a JSON array; - for stdin")
      ->required();
  cmd->callback([o] {
    std::string body;
    if (o->file == "-") {
      std::ostringstream ss;
      ss << std::cin.rdbuf();
      body = ss.str();
    } else {
      auto text = base::ReadFile(o->file);
      if (!text) {
        std::cerr << "assay import: cannot read " << o->file << "\n";
        return SetExitCode(1);
      }
      body = std::move(text).value();
    }
    auto offline = OpenOfflineWork(o->db, "import");
    if (!offline) return SetExitCode(1);
    work::Service& service = offline->service;
    const bool tty = ::isatty(STDERR_FILENO);
    auto result = service.ImportItems(work::Caller::System(), o->project, body,
                                      tty ? work::ImportProgressFn(DrawProgress) : work::ImportProgressFn());
    if (tty) std::fprintf(stderr, "\n");
    if (!result) {
      std::cerr << "assay import: " << result.error().ToString() << "\n";
      return SetExitCode(1);
    }
    for (const work::ImportError& e : result->errors) std::cerr << o->file << ":" << e.line << ": " << e.message << "\n";
    std::cerr << "imported " << result->imported << ", skipped " << result->skipped << " (already present), "
              << result->error_count << " bad line(s)\n";
    std::cout << work::RenderImportResult(*result) << "\n";
    if (result->error_count > 0) SetExitCode(2);
  });
}

}  // namespace cli

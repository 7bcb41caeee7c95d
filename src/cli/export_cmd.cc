// assay export --db PATH --project ID [--out FILE]: one JSON line per item with all submissions.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/offline.h"
#include "work/service.h"

namespace cli {

void AddExportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "Export a project's items and submissions as JSONL");
  struct Opts {
    std::string db, project, out, format = "jsonl";
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--db", o->db, "Database: PATH, sqlite:PATH or postgresql://…")->required();
  cmd->add_option("--project", o->project, "Project id")->required();
  cmd->add_option("--out", o->out, "Output file (default: stdout)");
  cmd->add_option("--format", o->format, "jsonl")->check(CLI::IsMember({"jsonl"}));
  cmd->callback([o] {
    auto offline = OpenOfflineWork(o->db, "export");
    if (!offline) return SetExitCode(1);
    work::Service& service = offline->service;
    std::FILE* out = stdout;
    std::string tmp;
    if (!o->out.empty()) {
      tmp = o->out + ".partial";
      out = std::fopen(tmp.c_str(), "wb");
      if (!out) {
        std::cerr << "assay export: cannot write " << tmp << "\n";
        return SetExitCode(1);
      }
    }
    int64_t lines = 0;
    base::Status st = service.ExportJsonl(work::Caller::System(), o->project, [&](std::string_view line) -> base::Status {
      if (std::fwrite(line.data(), 1, line.size(), out) != line.size() || std::fputc('\n', out) == EOF) {
        return base::Error::Internal("write failed");
      }
      ++lines;
      return base::Ok();
    });
    if (out != stdout) {
      bool closed = std::fclose(out) == 0;
      if (st && closed) std::rename(tmp.c_str(), o->out.c_str());
      else std::remove(tmp.c_str());
    } else {
      std::fflush(stdout);
    }
    if (!st) {
      std::cerr << "assay export: " << st.error().ToString() << "\n";
      return SetExitCode(1);
    }
    std::cerr << "exported " << lines << " item(s)\n";
  });
}

}  // namespace cli

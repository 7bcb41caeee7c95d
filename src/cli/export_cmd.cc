// assay export --db PATH --project ID [--format F] [--out FILE]: the records of
// GET /api/v1/projects/{id}/export?format=F (datasets/export.h), offline. With --out the file is
// written whole or not at all, and its manifest lands beside it in FILE.manifest.json.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/offline.h"
#include "datasets/export.h"

namespace cli {
namespace {

struct ExportOpts {
  std::string db, project, out, format = "jsonl", states = "approved,pending", pairs = "best_worst";
};

bool WriteManifest(const std::string& path, const datasets::ExportManifest& m) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const std::string text = datasets::RenderManifest(m) + "\n";
  const bool wrote = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && wrote;
}

void RunExport(const ExportOpts& o) {
  auto offline = OpenOfflineWork(o.db, "export");
  if (!offline) return SetExitCode(1);
  datasets::ExportOptions options;
  options.format = datasets::ParseExportFormat(o.format).value();  // CLI11 checked the name
  options.approved_only = o.states == "approved";
  options.all_pairs = o.pairs == "all";
  datasets::Exporter exporter(*offline->db, offline->clock, offline->ids);
  auto exp = exporter.Open(accounts::Caller::System(), o.project, options);
  if (!exp) {
    std::cerr << "assay export: " << exp.error().ToString() << "\n";
    return SetExitCode(1);
  }
  std::FILE* out = stdout;
  const std::string tmp = o.out + ".partial";
  if (!o.out.empty() && !(out = std::fopen(tmp.c_str(), "wb"))) {
    std::cerr << "assay export: cannot write " << tmp << "\n";
    return SetExitCode(1);
  }
  auto manifest = exp->Stream([&](std::string_view text) -> base::Status {
    if (std::fwrite(text.data(), 1, text.size(), out) != text.size()) return base::Error::Internal("write failed");
    return base::Ok();
  });
  bool ok = manifest.has_value();
  if (out != stdout) {
    ok = std::fclose(out) == 0 && ok;
    if (ok) ok = std::rename(tmp.c_str(), o.out.c_str()) == 0;
    else std::remove(tmp.c_str());
    if (ok) ok = WriteManifest(o.out + ".manifest.json", *manifest);
  } else {
    std::fflush(stdout);
  }
  if (!ok) {
    std::cerr << "assay export: " << (manifest ? "cannot write " + o.out : manifest.error().ToString()) << "\n";
    return SetExitCode(1);
  }
  std::cerr << "exported " << manifest->items << " item(s) as " << manifest->records << " record(s)\n";
  if (o.out.empty()) std::cerr << datasets::RenderManifest(*manifest) << "\n";
}

}  // namespace

void AddExportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "Export a project: jsonl, sft, dpo, openai, labelstudio or csv");
  auto o = std::make_shared<ExportOpts>();
  cmd->add_option("--db", o->db, "Database: PATH, sqlite:PATH or postgresql://…")->required();
  cmd->add_option("--project", o->project, "Project id")->required();
  cmd->add_option("--out", o->out, "Output file (default: stdout); its manifest goes to FILE.manifest.json");
  cmd->add_option("--format", o->format, "jsonl, sft, dpo, openai, labelstudio or csv")
      ->check(CLI::IsMember({"jsonl", "sft", "dpo", "openai", "labelstudio", "csv"}));
  cmd->add_option("--states", o->states, "approved,pending (default) or approved")
      ->check(CLI::IsMember({"approved,pending", "approved"}));
  cmd->add_option("--pairs", o->pairs, "dpo from rankings: best_worst (default) or all")
      ->check(CLI::IsMember({"best_worst", "all"}));
  cmd->callback([o] { RunExport(*o); });
}

}  // namespace cli

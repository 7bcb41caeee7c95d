// assay import --db PATH --project ID [--format F] [--mapping JSON] FILE: items streamed from a
// file (or stdin) into a project, offline: JSONL or a JSON array, CSV with a column mapping, Label
// Studio tasks, "prompt + N responses" lines (datasets/import.h).
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/offline.h"
#include "datasets/import.h"

namespace cli {
namespace {

void DrawProgress(const datasets::ImportProgress& p) {
  constexpr int kWidth = 40;
  const double total = static_cast<double>(p.total_bytes);
  const double f = p.total_bytes > 0 ? std::min(1.0, p.bytes_read / total) : 1.0;
  const int filled = static_cast<int>(f * kWidth);
  std::fprintf(stderr, "\r[%s%s] %5.1f%% of %.1f MiB, %lld item(s)", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, ' ').c_str(), f * 100, total / 1048576.0,
               static_cast<long long>(p.imported));
  std::fflush(stderr);
}

struct ImportOpts {
  std::string db, project, file, format = "jsonl", mapping;
};

void RunImport(const ImportOpts& o) {
  auto format = datasets::ParseFormat(o.format);
  datasets::ImportOptions options;
  if (format) options.format = *format;
  if (!o.mapping.empty()) {
    auto mapping = datasets::CsvMapping::FromJson(o.mapping);
    if (!mapping) {
      std::cerr << "assay import: --mapping: " << mapping.error().ToString() << "\n";
      return SetExitCode(1);
    }
    options.mapping = std::move(*mapping);
  }
  auto source = datasets::FileSource::Open(o.file);
  if (!source) {
    std::cerr << "assay import: cannot read " << o.file << "\n";
    return SetExitCode(1);
  }
  auto offline = OpenOfflineWork(o.db, "import");
  if (!offline) return SetExitCode(1);
  datasets::Importer importer(*offline->db, offline->clock, offline->ids);
  const bool tty = ::isatty(STDERR_FILENO) && (*source)->size_bytes() > 0;
  auto result = importer.Import(accounts::Caller::System(), o.project, **source, options,
                                tty ? datasets::ImportProgressFn(DrawProgress) : datasets::ImportProgressFn());
  if (tty) std::fprintf(stderr, "\n");
  if (!result) {
    std::cerr << "assay import: " << result.error().ToString() << "\n";
    return SetExitCode(1);
  }
  for (const work::ImportError& e : result->errors) std::cerr << o.file << ":" << e.line << ": " << e.message << "\n";
  std::cerr << "imported " << result->imported << ", skipped " << result->skipped << " (already present), "
            << result->error_count << " bad line(s)";
  if (result->awaiting_responses) std::cerr << ", " << result->awaiting_responses << " awaiting model responses";
  if (result->prior_labels) std::cerr << ", " << result->prior_labels << " prior label(s) kept";
  std::cerr << "\n";
  std::cout << datasets::RenderImportOutcome(*result) << "\n";
  if (result->error_count > 0) SetExitCode(2);
}

}  // namespace

void AddImportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("import", "Import items into a project (JSONL, JSON array, CSV, Label Studio, responses)");
  auto o = std::make_shared<ImportOpts>();
  cmd->add_option("--db", o->db, "Database: PATH, sqlite:PATH or postgresql://…")->required();
  cmd->add_option("--project", o->project, "Project id")->required();
  cmd->add_option("--format", o->format,
                  "jsonl (one {\"id\"?, \"data\", \"gold\"?} a line, or a JSON array), csv, labelstudio, responses")
      ->check(CLI::IsMember({"jsonl", "json", "ndjson", "csv", "labelstudio", "responses"}));
  cmd->add_option("--mapping", o->mapping,
                  "CSV columns to item fields, a JSON object: {\"question\":\"prompt\",\"a\":\"responses.0\"}");
  cmd->add_option("file", o->file, "The file to import; - for stdin")->required();
  cmd->callback([o] { RunImport(*o); });
}

}  // namespace cli

// export_bench: a pairwise project with S submissions (3 experts an item, approved, answers
// a : b ≈ 2 : 1) in SQLite, exported in every format by a fresh process each, into a sink that
// counts bytes; prints rows/s and that process's peak resident memory, next to the reference
// (work::Service::ExportJsonl, the export before src/datasets) from the same run. Run it at two
// sizes to see that memory does not grow with the project. See README.md.
//
//   export_bench [--submissions 1000000]
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "accounts/service.h"
#include "base/clock.h"
#include "base/uuid7.h"
#include "datasets/export.h"
#include "datasets/import.h"
#include "storage/migrations.h"
#include "work/service.h"

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "export_bench: " << what << "\n";
  std::exit(1);
}

template <typename T>
T Check(base::Result<T> r, const char* what) {
  if (!r) Die(std::string(what) + ": " + r.error().ToString());
  return std::move(r).value();
}

void CheckOk(base::Status s, const char* what) {
  if (!s) Die(std::string(what) + ": " + s.error().ToString());
}

double PeakMiB() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024;
  }
  return 0;
}

// The project: items from JSONL through the importer, then 3 approved submissions an item.
std::string Seed(const std::string& db_path, int64_t submissions) {
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, 11);
  auto db = Check(storage::OpenAndMigrate("sqlite:" + db_path, clock), "open");
  accounts::Service accounts(*db, clock, ids);
  work::Service svc(*db, clock, ids);
  work::User manager = Check(accounts.EnsureUser("manager@bench.local", work::Role::kManager), "manager");
  for (int e = 0; e < 3; ++e) Check(accounts.EnsureUser("e" + std::to_string(e) + "@bench.local", work::Role::kExpert), "expert");
  work::ProjectFields f;
  f.name = "export bench";
  f.overlap = 3;
  f.template_json = R"([{"type":"markdown","source":"prompt"},{"type":"responses","source":"responses"},{"type":"pairwise","name":"preference"}])";
  const std::string project = Check(svc.CreateProject(work::Caller{manager.id, manager.role}, f), "project").id;
  std::string body;
  const int64_t items = (submissions + 2) / 3;
  for (int64_t i = 0; i < items; ++i) {
    body += R"({"id":"q)" + std::to_string(i) + R"(","data":{"prompt":"Question )" + std::to_string(i) +
            R"(?","responses":[{"id":"a","content":"The first answer."},{"id":"b","content":"The second one."}]}})" "\n";
  }
  datasets::Importer importer(*db, clock, ids);
  datasets::StringSource source(body);
  Check(importer.Import(accounts::Caller::System(), project, source, {}), "import");
  CheckOk(db->Write([&](storage::Conn& c) -> base::Status {
          ASSAY_TRY(c.Exec("INSERT INTO assignments (id, project_id, item_id, expert_id, state, lease_token, leased_at_us, "
                           "lease_expires_at_us, finished_at_us) SELECT i.id || ':' || u.id, i.project_id, i.id, u.id, "
                           "'submitted', 't', 1, 2, 2 FROM items i, users u WHERE i.project_id = ? AND u.role = 'expert'",
                           {project}));
          ASSAY_TRY(c.Exec("INSERT INTO submissions (id, assignment_id, project_id, item_id, expert_id, client_submission_id, "
                           "answer, answer_hash, active_ms, submitted_at_us, state) SELECT 's' || a.id, a.id, a.project_id, "
                           "a.item_id, a.expert_id, a.id, CASE WHEN abs(random()) % 3 = 0 THEN "
                           "'{\"preference\":{\"choice\":\"b\"}}' ELSE '{\"preference\":{\"choice\":\"a\"}}' END, 'h', "
                           "1000, 3, 'approved' FROM assignments a WHERE a.project_id = ?",
                           {project}));
          return base::Ok();
        }),
        "submissions");
  return project;
}

// One export in this process: "<rows> <bytes> <seconds> <peak MiB>" on stdout.
int Measure(const std::string& db_path, const std::string& project, const std::string& format) {
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, 12);
  auto db = Check(storage::OpenAndMigrate("sqlite:" + db_path, clock), "open");
  int64_t rows = 0, bytes = 0;
  const auto t0 = Clock::now();
  if (format == "reference") {
    work::Service svc(*db, clock, ids);
    CheckOk(svc.ExportJsonl(work::Caller::System(), project, [&](std::string_view line) -> base::Status {
      bytes += static_cast<int64_t>(line.size()) + 1;
      ++rows;
      return base::Ok();
    }), "export");
  } else {
    datasets::Exporter exporter(*db, clock, ids);
    auto e = Check(exporter.Open(accounts::Caller::System(), project, {.format = Check(datasets::ParseExportFormat(format), "format")}), "open export");
    auto m = Check(e.Stream([&](std::string_view text) -> base::Status {
      bytes += static_cast<int64_t>(text.size());
      return base::Ok();
    }), "export");
    rows = m.records;
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("%lld %lld %.3f %.1f\n", static_cast<long long>(rows), static_cast<long long>(bytes), s, PeakMiB());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--measure") return Measure(argv[2], argv[3], argv[4]);
  int64_t submissions = 1'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--submissions") submissions = std::stoll(argv[i + 1]);
    else Die(std::string("unknown flag ") + argv[i]);
  }
  const auto dir = std::filesystem::temp_directory_path() / ("export_bench." + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string db_path = (dir / "bench.db").string();
  const std::string project = Seed(db_path, submissions);
  std::printf("export_bench: %lld submissions on %lld items, SQLite\n", static_cast<long long>(submissions),
              static_cast<long long>((submissions + 2) / 3));
  std::printf("%-22s %10s %12s %8s %12s %14s %10s\n", "format", "records", "bytes", "seconds", "records/s",
              "submissions/s", "peak MiB");
  for (const char* format : {"reference", "jsonl", "csv", "labelstudio", "dpo"}) {
    std::fflush(stdout);
    int fds[2];
    if (pipe(fds) != 0) Die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
      dup2(fds[1], 1);
      execl("/proc/self/exe", "export_bench", "--measure", db_path.c_str(), project.c_str(), format, static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    char buf[256] = {};
    const ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    waitpid(pid, nullptr, 0);
    long long rows = 0, bytes = 0;
    double s = 0, peak = 0;
    if (n <= 0 || std::sscanf(buf, "%lld %lld %lf %lf", &rows, &bytes, &s, &peak) != 4) Die(std::string("measuring ") + format);
    std::printf("%-22s %10lld %12lld %8.2f %12.0f %14.0f %10.1f\n",
                std::string(format) == "reference" ? "reference (work jsonl)" : format, rows, bytes, s, rows / s,
                static_cast<double>(submissions) / s, peak);
  }
  std::filesystem::remove_all(dir);
  return 0;
}

// import_bench: small items (`{"id","data":{"t"}}`, ~40 bytes a line) imported into SQLite four
// ways, each into its own project of one database: `assay import` (the CLI, streamed, a child
// process), datasets::Importer in process, and over HTTP against a real `assay serve` with
// ?format=jsonl (the streamed importer) and without (work::Service::ImportItems, the reference:
// what the server did before). Prints items/s and the server's resident memory. See README.md.
//
//   import_bench [--items 1000000] [--assay PATH]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <string>

#include "accounts/service.h"
#include "base/clock.h"
#include "base/uuid7.h"
#include "datasets/import.h"
#include "http/client.h"
#include "storage/migrations.h"
#include "storage/sqlite_db.h"
#include "support/serve_process.h"
#include "work/service.h"

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "import_bench: " << what << "\n";
  std::exit(1);
}

template <typename T>
T Check(base::Result<T> r, const char* what) {
  if (!r) Die(std::string(what) + ": " + r.error().ToString());
  return std::move(r).value();
}

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// VmRSS / VmHWM of a process, in MiB.
double MemoryMiB(pid_t pid, const char* field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(std::string(field).size() + 1)) / 1024;
  }
  return 0;
}

struct Setup {
  std::string token;
  std::vector<std::string> projects;
};

Setup Prepare(const std::string& db_path, int projects) {
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, static_cast<uint64_t>(clock.NowMicros()));
  auto db = Check(storage::OpenAndMigrate("sqlite:" + db_path, clock, {}), "open");
  accounts::Service accounts(*db, clock, ids);
  work::Service svc(*db, clock, ids);
  work::User manager = Check(accounts.EnsureUser("manager@bench.local", work::Role::kManager), "manager");
  work::Caller m{manager.id, manager.role};
  Setup s;
  s.token = Check(accounts.CreateApiToken(m), "token").secret;
  for (int i = 0; i < projects; ++i) {
    work::ProjectFields f;
    f.name = "import bench " + std::to_string(i);
    f.template_json = R"([{"type":"text","name":"t","source":"t"},{"type":"choice","name":"c","options":["x","y"]}])";
    s.projects.push_back(Check(svc.CreateProject(m, f), "project").id);
  }
  return s;
}

void Report(const char* what, int64_t items, double seconds, const std::string& extra = "") {
  std::printf("%-44s %9lld items in %6.2f s = %9.0f items/s%s\n", what, static_cast<long long>(items), seconds,
              items / seconds, extra.c_str());
  std::fflush(stdout);
}

double RunCli(const std::string& assay, const std::string& db_path, const std::string& project, const std::string& file) {
  std::fflush(stdout);
  const auto t0 = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(assay.c_str(), assay.c_str(), "import", "--db", ("sqlite:" + db_path).c_str(), "--project", project.c_str(),
          file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Die("assay import failed");
  return Seconds(t0);
}

double RunHttp(uint16_t port, const std::string& token, const std::string& project, const std::string& body,
               const std::string& query, int64_t items) {
  http::Client c("127.0.0.1", port, 600'000);
  const auto t0 = Clock::now();
  auto r = c.Send("POST", "/api/v1/projects/" + project + "/items" + query, body,
                  {{"Authorization", "Bearer " + token}, {"Content-Type", "application/x-ndjson"}});
  const double s = Seconds(t0);
  if (!r || r->status != 200) Die("HTTP import: " + (r ? std::to_string(r->status) + " " + r->body.substr(0, 300) : r.error().ToString()));
  if (r->body.find("\"imported\":" + std::to_string(items)) == std::string::npos) Die("HTTP import: " + r->body.substr(0, 300));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t items = 1'000'000;
  std::string assay = ASSAY_BINARY;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--items") items = std::stoll(argv[i + 1]);
    else if (a == "--assay") assay = argv[i + 1];
    else Die("unknown flag " + a);
  }
  const auto dir = std::filesystem::temp_directory_path() / ("import_bench." + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string db_path = (dir / "bench.db").string(), file = (dir / "items.jsonl").string();
  std::string body;
  body.reserve(static_cast<size_t>(items) * 40);
  for (int64_t i = 0; i < items; ++i) body += "{\"id\":\"i" + std::to_string(i) + "\",\"data\":{\"t\":\"item " + std::to_string(i) + "\"}}\n";
  std::ofstream(file, std::ios::binary) << body;
  std::printf("import_bench: %lld items, %.1f MiB of JSONL, SQLite (synchronous=FULL), %u hardware threads\n",
              static_cast<long long>(items), body.size() / 1048576.0, std::thread::hardware_concurrency());
  Setup s = Prepare(db_path, 4);

  Report("assay import (CLI, streamed)", items, RunCli(assay, db_path, s.projects[0], file));
  {
    base::SystemClock clock;
    base::Uuid7Generator ids(clock, 7);
    auto db = Check(storage::OpenAndMigrate("sqlite:" + db_path, clock, {}), "open");
    datasets::Importer importer(*db, clock, ids);
    auto source = Check(datasets::FileSource::Open(file), "open file");
    const auto t0 = Clock::now();
    auto r = Check(importer.Import(accounts::Caller::System(), s.projects[1], *source, {}), "import");
    if (r.imported != items) Die("imported " + std::to_string(r.imported));
    Report("datasets::Importer in process", items, Seconds(t0));
  }
  test::ServeProcess server = test::StartServe(assay, {"--db", "sqlite:" + db_path, "--log-level", "off"});
  if (server.port == 0) Die("assay serve did not start");
  const double idle = MemoryMiB(server.pid, "VmRSS:");
  const double ours = RunHttp(server.port, s.token, s.projects[2], body, "?format=jsonl", items);
  Report("HTTP ?format=jsonl (streamed importer)", items, ours,
         "  server RSS idle " + std::to_string(static_cast<int>(idle)) + " MiB, peak " +
             std::to_string(static_cast<int>(MemoryMiB(server.pid, "VmHWM:"))) + " MiB");
  const double reference = RunHttp(server.port, s.token, s.projects[3], body, "", items);
  Report("HTTP, no format (work::ImportItems, reference)", items, reference,
         "  peak " + std::to_string(static_cast<int>(MemoryMiB(server.pid, "VmHWM:"))) + " MiB");
  kill(server.pid, SIGTERM);
  waitpid(server.pid, nullptr, 0);
  std::filesystem::remove_all(dir);
  return 0;
}

#include "workplace/files.h"

#include <algorithm>

#include "workplace/app_util.h"
#include "workplace/people.h"

namespace workplace {
namespace {

const std::string kApp(kFilesApp);
constexpr std::string_view kRoot = "fo-root";

Value Folder(std::string_view name, std::string_view parent) {
  return Value::Object(
      {{"name", Value::String(std::string(name))}, {"parent", Value::String(std::string(parent))}});
}

Value File(std::string_view name, std::string_view folder, std::string_view mime,
           std::string_view owner, std::string_view created, std::string content) {
  return Value::Object({{"name", Value::String(std::string(name))},
                        {"folder", Value::String(std::string(folder))},
                        {"mime", Value::String(std::string(mime))},
                        {"owner", Value::String(std::string(owner))},
                        {"created", Value::String(std::string(created))},
                        {"modified", Value::String(std::string(created))},
                        {"content", Value::String(std::move(content))},
                        {"shared_with", Value::Array({})},
                        {"trashed", Value::Bool(false)}});
}

}  // namespace

const std::vector<StatementLine>& OctoberStatementLines() {
  static const std::vector<StatementLine> kLines = {
      {"2025-10-02", "ACH CREDIT BLUEPEAK LOGISTICS INV-2025-118", 1842500},
      {"2025-10-06", "ACH DEBIT GUSTO PAYROLL", -6412833},
      {"2025-10-08", "CARD PURCHASE CLOUDNINE HOSTING", -289900},
      {"2025-10-10", "WIRE IN HALCYON HEALTH INV-2025-121", 2475000},
      {"2025-10-14", "CHECK 1187 BRIGHTSPACE OFFICE LEASE", -1150000},
      {"2025-10-17", "ACH DEBIT NORTHSTAR INSURANCE", -84217},
      {"2025-10-20", "ACH DEBIT GUSTO PAYROLL", -6398512},
      {"2025-10-22", "ACH CREDIT VERDANT FOODS INV-2025-124", 960075},
      {"2025-10-27", "ACH DEBIT TABLEAU SOFTWARE", -42000},
      {"2025-10-31", "MONTHLY SERVICE FEE", -3500},
      {"2025-10-31", "INTEREST PAID", 1287},
  };
  return kLines;
}

namespace {

// The statement as the bank's CSV export, with running balances.
std::string OctoberStatementCsv() {
  std::string csv = "date,description,amount_cents,balance_cents\n";
  int64_t balance = kOctoberOpeningCents;
  csv += "2025-10-01,OPENING BALANCE,0," + std::to_string(balance) + "\n";
  for (const StatementLine& line : OctoberStatementLines()) {
    balance += line.amount_cents;
    csv += std::string(line.date) + "," + std::string(line.description) + "," +
           std::to_string(line.amount_cents) + "," + std::to_string(balance) + "\n";
  }
  return csv + "2025-10-31,CLOSING BALANCE,0," + std::to_string(balance) + "\n";
}

}  // namespace

Value FilesSeed() {
  Value folders = Value::Object({
      {"fo-root", Folder("Northwind Shared", "")},
      {"fo-finance", Folder("Finance", "fo-root")},
      {"fo-finance-invoices", Folder("Invoices", "fo-finance")},
      {"fo-finance-bank", Folder("Bank statements", "fo-finance")},
      {"fo-finance-close", Folder("Month-end close", "fo-finance")},
      {"fo-people", Folder("People", "fo-root")},
      {"fo-people-policies", Folder("Policies", "fo-people")},
      {"fo-eng", Folder("Engineering", "fo-root")},
      {"fo-sales", Folder("Sales", "fo-root")},
      {"fo-ops", Folder("Operations", "fo-root")},
      {"fo-mail", Folder("Mail attachments", "fo-root")},
  });
  Value files = Value::Object({
      {"f-inv-4471",
       File("CloudNine_INV-4471.pdf", "fo-mail", "application/pdf", "u-lmartins",
            "2025-12-29T14:05:00Z",
            "CloudNine Hosting Inc. — INVOICE INV-4471\nBill to: Northwind Analytics, Accounts "
            "Payable\nInvoice date: 2025-12-29   Due: 2026-01-28 (net 30)\nService period: "
            "December 2025\n  Managed Postgres cluster (3 nodes)   1,950.00\n  Object storage "
            "18 TB                  612.00\n  Support plan, business               337.00\nTotal "
            "due: USD 2,899.00\nPay by ACH to CloudNine Hosting, routing 021000089, account "
            "77120045.\n")},
      {"f-inv-4388",
       File("CloudNine_INV-4388.pdf", "fo-finance-invoices", "application/pdf", "u-achen",
            "2025-11-28T10:00:00Z",
            "CloudNine Hosting Inc. — INVOICE INV-4388\nService period: November 2025\nTotal "
            "due: USD 2,899.00 (paid 2025-12-19)\n")},
      {"f-bank-2025-10", File("FirstHarbor_Statement_2025-10.csv", "fo-mail", "text/csv",
                              "u-lmartins", "2025-11-03T07:30:00Z", OctoberStatementCsv())},
      {"f-bank-2025-09",
       File("FirstHarbor_Statement_2025-09.csv", "fo-finance-bank", "text/csv", "u-lmartins",
            "2025-10-02T07:30:00Z",
            "date,description,amount_cents,balance_cents\n2025-09-01,OPENING BALANCE,0,"
            "17988010\n2025-09-30,CLOSING BALANCE,0,18452310\n")},
      {"f-close-2025-09",
       File("Month-end close report - September 2025.md", "fo-finance-close", "text/markdown",
            "u-lmartins", "2025-10-06T16:00:00Z",
            "# Month-end close — September 2025\nBank (First Harbor ****4417) closing balance: "
            "$184,523.10, reconciled to the ledger, no differences.\nOpen AP: 3 invoices, "
            "$8,412.00.\nPrepared by Leo Martins; reviewed by Dana Whitfield.\n")},
      {"f-close-checklist",
       File("Month-end close checklist.md", "fo-finance-close", "text/markdown", "u-dwhitfield",
            "2025-06-30T12:00:00Z",
            "# Month-end close checklist\n- [ ] Bank reconciliation\n- [ ] AP cut-off and "
            "accruals\n- [ ] AR aging review\n- [ ] Payroll journal\n- [ ] Close report to the "
            "Controller\n")},
      {"f-pto-policy",
       File("PTO and Leave Policy 2026.md", "fo-people-policies", "text/markdown", "u-gkim",
            "2025-12-15T09:00:00Z",
            "# PTO and Leave Policy (effective 2026-01-01)\nFull-time employees accrue 1.75 days "
            "of PTO per month (21 days a year); up to 5 unused days carry over to the next year.\n"
            "Requests of 3 days or more need two weeks' notice to your manager.\nSick leave: 10 "
            "days a year, separate from PTO.\nParental leave: 16 weeks paid.\n")},
      {"f-expense-policy",
       File("Travel and Expense Policy.md", "fo-people-policies", "text/markdown", "u-gkim",
            "2025-03-01T09:00:00Z",
            "# Travel and Expense Policy\nSubmit receipts within 30 days. Meals: up to $75 a day "
            "while travelling. Economy class for flights under 6 hours.\n")},
      {"f-expense-policy-copy",
       File("Travel and Expense Policy (1).md", "fo-people-policies", "text/markdown", "u-nfischer",
            "2025-09-12T11:20:00Z",
            "# Travel and Expense Policy\nSubmit receipts within 30 days. Meals: up to $75 a day "
            "while travelling. Economy class for flights under 6 hours.\n")},
      {"f-remote-policy",
       File("Remote Work Policy.md", "fo-people-policies", "text/markdown", "u-gkim",
            "2025-01-10T09:00:00Z",
            "# Remote Work Policy\nEmployees may work remotely up to 3 days a week; core hours "
            "are 10:00-15:00 in the team's time zone.\n")},
      {"f-eng-roadmap",
       File("Data Platform Roadmap Q1 2026.md", "fo-eng", "text/markdown", "u-jpark",
            "2025-12-10T15:00:00Z",
            "# Data Platform Roadmap Q1 2026\n1. Move batch jobs off the legacy cluster (Ravi)\n"
            "2. Cost dashboards per customer (Emma)\n3. Cut CloudNine storage spend by 20%\n")},
      {"f-pipeline-q4",
       File("Pipeline review Q4.csv", "fo-sales", "text/csv", "u-zadams", "2025-12-20T10:00:00Z",
            "account,stage,amount_cents,owner\nBluepeak Logistics,renewal,4800000,u-mjohansson\n"
            "Halcyon Health,expansion,7200000,u-sreyes\nVerdant Foods,new,2500000,u-mjohansson\n")},
      {"f-offsite-agenda",
       File("Offsite agenda draft.md", "fo-ops", "text/markdown", "u-hlee", "2025-12-18T13:00:00Z",
            "# Company offsite — 2026-01-22\n09:00 Strategy 2026 (Marcus)\n11:00 Team breakouts\n"
            "14:00 Customer panel (Kate)\n16:00 Awards and drinks\n")},
  });
  return Value::Object({{"folders", folders}, {"files", files}});
}

std::string FileLink(std::string_view file_id) {
  return "https://files.northwind.example/d/" + std::string(file_id);
}

const Value* FindFile(const Value& files_state, std::string_view file_id) {
  const Value* files = files_state.Find("files");
  return files != nullptr ? files->Find(file_id) : nullptr;
}

namespace {

// A folder by id ("fo-finance-invoices") or by path from the root ("Finance/Invoices",
// case-insensitive, "/" or "" for the root). Returns the id or "". Each part of the path scans
// the folders, which is charged: a long path over many folders is parts × folders of work.
std::string ResolveFolder(const Value& state, std::string_view ref, env::Budget& budget) {
  const Value& folders = *state.Find("folders");
  if (folders.Find(ref) != nullptr) return std::string(ref);
  std::string current(kRoot);
  size_t pos = 0;
  while (pos <= ref.size()) {
    size_t end = ref.find('/', pos);
    if (end == std::string_view::npos) end = ref.size();
    std::string_view part = ref.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty()) continue;
    if (!budget.Spend(1 + static_cast<int64_t>(folders.size()), "folders scanned")) return "";
    std::string next;
    for (const auto& [id, folder] : folders.members()) {
      const std::string& name = Field(folder, "name");
      if (Field(folder, "parent") == current && name.size() == part.size() &&
          ContainsIgnoreCase(name, part)) {
        next = id;
        break;
      }
    }
    if (next.empty()) return "";
    current = next;
  }
  return current;
}

std::string FolderPath(const Value& state, const std::string& id) {
  const Value& folders = *state.Find("folders");
  std::string path;
  std::string at = id;
  for (int depth = 0; depth < 32 && at != kRoot && !at.empty(); ++depth) {
    const Value* f = folders.Find(at);
    if (f == nullptr) break;
    path = "/" + Field(*f, "name") + path;
    at = Field(*f, "parent");
  }
  return path.empty() ? "/" : path;
}

ToolResult UnknownFolder(std::string_view ref) {
  return ToolResult::Error("no folder '" + std::string(ref) +
                           "'; give a folder id from files_list or a path like Finance/Invoices");
}

ToolResult UnknownFile(std::string_view id) {
  return ToolResult::Error("no file with id '" + std::string(id) +
                           "'; find ids with files_search or files_list");
}

bool NameTaken(const Value& state, const std::string& folder, std::string_view name,
               std::string_view except_id = "") {
  for (const auto& [id, file] : state.Find("files")->members()) {
    if (id != except_id && Field(file, "folder") == folder && Field(file, "name") == name &&
        !file.Find("trashed")->AsBool())
      return true;
  }
  return false;
}

nlohmann::json Summary(const Value& state, const std::string& id, const Value& file) {
  return {{"id", id},
          {"name", Field(file, "name")},
          {"folder", Field(file, "folder")},
          {"path", FolderPath(state, Field(file, "folder"))},
          {"modified", Field(file, "modified")},
          {"owner", Field(file, "owner")}};
}

ToolResult List(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string ref = Arg(args, "folder", std::string(kRoot));
  const std::string folder = ResolveFolder(state, ref, ctx.budget());
  if (folder.empty()) return UnknownFolder(ref);
  nlohmann::json subfolders = nlohmann::json::array(), files = nlohmann::json::array();
  for (const auto& [id, f] : state.Find("folders")->members()) {
    if (Field(f, "parent") == folder)
      subfolders.push_back({{"id", id}, {"name", Field(f, "name")}});
  }
  for (const auto& [id, f] : state.Find("files")->members()) {
    if (Field(f, "folder") == folder && !f.Find("trashed")->AsBool())
      files.push_back(Summary(state, id, f));
  }
  return OkJson({{"folder", folder},
                 {"path", FolderPath(state, folder)},
                 {"folders", subfolders},
                 {"files", files}});
}

ToolResult Read(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "id");
  const Value* file = FindFile(state, id);
  if (file == nullptr) return UnknownFile(id);
  nlohmann::json out = file->ToJson();
  out["id"] = id;
  out["path"] = FolderPath(state, Field(*file, "folder"));
  out["link"] = FileLink(id);
  return OkJson(out);
}

ToolResult Search(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string query = Arg(args, "query");
  std::string within;
  if (args.contains("folder")) {
    within = ResolveFolder(state, Arg(args, "folder"), ctx.budget());
    if (within.empty()) return UnknownFolder(Arg(args, "folder"));
  }
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& [id, f] : state.Find("files")->members()) {
    if (f.Find("trashed")->AsBool()) continue;
    if (!within.empty() && Field(f, "folder") != within) continue;
    if (MatchesQuery(query, {Field(f, "name"), Field(f, "content")}, ctx.budget()))
      hits.push_back(Summary(state, id, f));
  }
  return OkJson({{"files", hits}});
}

ToolResult Create(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string name = Arg(args, "name");
  const std::string folder = ResolveFolder(state, Arg(args, "folder"), ctx.budget());
  if (folder.empty()) return UnknownFolder(Arg(args, "folder"));
  if (NameTaken(state, folder, name))
    return ToolResult::Error("a file named '" + name + "' already exists in " +
                             FolderPath(state, folder) + "; pick another name or files_update it");
  const std::string id = ctx.NewId();
  Value file = File(name, folder, Arg(args, "mime", "text/markdown"), kMeId, NowText(ctx),
                    Arg(args, "content"));
  ctx.SetState(kApp, Put(state, Ptr({"files", id}), std::move(file)));
  return OkJson({{"id", id}, {"link", FileLink(id)}, {"path", FolderPath(state, folder)}});
}

ToolResult Update(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "id");
  const Value* file = FindFile(state, id);
  if (file == nullptr) return UnknownFile(id);
  if (file->Find("trashed")->AsBool())
    return ToolResult::Error("file " + id + " is in the trash; it cannot be edited");
  std::string content = Arg(args, "content");
  if (Arg(args, "mode", "replace") == "append") content = Field(*file, "content") + content;
  Value next = file->With("content", Value::String(std::move(content)))
                   .With("modified", Value::String(NowText(ctx)));
  ctx.SetState(kApp, Put(state, Ptr({"files", id}), std::move(next)));
  return OkJson({{"id", id}, {"updated", true}});
}

ToolResult Move(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "id");
  const Value* file = FindFile(state, id);
  if (file == nullptr) return UnknownFile(id);
  const std::string folder = ResolveFolder(state, Arg(args, "folder"), ctx.budget());
  if (folder.empty()) return UnknownFolder(Arg(args, "folder"));
  if (Field(*file, "folder") == folder)
    return ToolResult::Error("file " + id + " is already in " + FolderPath(state, folder));
  if (NameTaken(state, folder, Field(*file, "name"), id))
    return ToolResult::Error("a file named '" + Field(*file, "name") + "' already exists in " +
                             FolderPath(state, folder));
  ctx.SetState(kApp, Put(state, Ptr({"files", id, "folder"}), Value::String(folder)));
  return OkJson({{"id", id}, {"path", FolderPath(state, folder)}});
}

ToolResult CreateFolder(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string name = Arg(args, "name");
  const std::string parent = ResolveFolder(state, Arg(args, "parent", "/"), ctx.budget());
  if (parent.empty()) return UnknownFolder(Arg(args, "parent"));
  if (name.find('/') != std::string::npos)
    return ToolResult::Error("a folder name cannot contain '/'");
  for (const auto& [id, f] : state.Find("folders")->members()) {
    if (Field(f, "parent") == parent && Field(f, "name") == name)
      return ToolResult::Error("folder '" + name + "' already exists in " +
                               FolderPath(state, parent) + " (id " + id + ")");
  }
  const std::string id = ctx.NewId();
  ctx.SetState(kApp, Put(state, Ptr({"folders", id}), Folder(name, parent)));
  return OkJson({{"id", id}, {"path", FolderPath(state, parent) + "/" + name}});
}

ToolResult Share(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "id");
  const Value* file = FindFile(state, id);
  if (file == nullptr) return UnknownFile(id);
  std::vector<std::string> with = Strings(file->Find("shared_with"));
  for (const std::string& who : ArgList(args, "people")) {
    const Person* p = FindPerson(who);
    if (p == nullptr)
      return ToolResult::Error("unknown person '" + who +
                               "'; use a name, e-mail or id from chat_list_users");
    if (std::find(with.begin(), with.end(), p->id) == with.end()) with.emplace_back(p->id);
  }
  std::sort(with.begin(), with.end());
  ctx.SetState(kApp, Put(state, Ptr({"files", id, "shared_with"}), StringArray(with)));
  return OkJson({{"id", id}, {"link", FileLink(id)}, {"shared_with", with}});
}

ToolResult Delete(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "id");
  const Value* file = FindFile(state, id);
  if (file == nullptr) return UnknownFile(id);
  if (file->Find("trashed")->AsBool())
    return ToolResult::Error("file " + id + " is already in the trash");
  ctx.SetState(kApp, Put(state, Ptr({"files", id, "trashed"}), Value::Bool(true)));
  return OkJson({{"id", id}, {"trashed", true}});
}

}  // namespace

base::Status RegisterFilesTools(ToolRegistry& r) {
  const std::string kId = R"("id":{"type":"string","description":"file id, e.g. f-inv-4471"})";
  const std::string kFolder =
      R"("folder":{"type":"string","description":"folder id or path from the root, e.g. Finance/Invoices"})";
  // object(properties, required) → the two halves AddTool takes.
  using Params = std::pair<std::string, std::string>;
  auto object = [](std::string props, std::string required) {
    return Params{std::move(props), std::move(required)};
  };
  auto add = [&](const char* name, const char* description, const Params& params, bool read_only,
                 ToolHandler handler) {
    return AddTool(r, kApp, name, description, params.first, params.second, read_only,
                   std::move(handler));
  };
  ASSAY_TRY(add("files_list", "List the subfolders and files of a folder (default: the root).",
                object(kFolder, ""), true, List));
  ASSAY_TRY(add("files_read", "Read a file: its content, folder path and share link.",
                object(kId, R"("id")"), true, Read));
  ASSAY_TRY(add(
      "files_search", "Find files whose name or content contains every word of the query.",
      object(R"("query":{"type":"string","minLength":1},)" + kFolder, R"("query")"), true, Search));
  ASSAY_TRY(
      add("files_create", "Create a text document in a folder; returns its id and link.",
          object(R"("name":{"type":"string","minLength":1,"maxLength":200},)" + kFolder +
                     R"(,"content":{"type":"string","maxLength":100000},"mime":{"type":"string"})",
                 R"("name","folder","content")"),
          false, Create));
  ASSAY_TRY(add("files_update", "Replace a document's content, or append to it.",
                object(kId + R"(,"content":{"type":"string","maxLength":100000},)" +
                           R"("mode":{"type":"string","enum":["replace","append"]})",
                       R"("id","content")"),
                false, Update));
  ASSAY_TRY(add("files_move", "Move a file into another folder.",
                object(kId + "," + kFolder, R"("id","folder")"), false, Move));
  ASSAY_TRY(add("files_create_folder", "Create a folder under a parent folder (default: root).",
                object(R"("name":{"type":"string","minLength":1,"maxLength":100},)"
                       R"("parent":{"type":"string","description":"folder id or path"})",
                       R"("name")"),
                false, CreateFolder));
  ASSAY_TRY(add("files_share", "Share a file with people; returns its link.",
                object(kId + R"(,"people":{"type":"array","minItems":1,"items":{"type":"string"},)"
                             R"("description":"names, e-mails or user ids"})",
                       R"("id","people")"),
                false, Share));
  ASSAY_TRY(
      add("files_delete", "Move a file to the trash.", object(kId, R"("id")"), false, Delete));
  return base::Ok();
}

}  // namespace workplace

namespace workplace {
namespace {

// The file record at the end of a task, or null.
const Value* FinalFile(const World& w, std::string_view id) { return FindFile(w.Get(kApp), id); }

Predicate FileField(std::string id, std::string key, std::string description,
                    std::function<bool(const Value& field)> ok) {
  return {std::move(description), [id, key, ok](const World& w) -> std::optional<std::string> {
            const Value* f = FinalFile(w, id);
            const Value* v = f != nullptr ? f->Find(key) : nullptr;
            if (v == nullptr) return "file " + id + " has no " + key;
            if (!ok(*v)) return "file " + id + " " + key + " is " + v->Canonical();
            return std::nullopt;
          }};
}

}  // namespace

base::Result<std::vector<Task>> FilesTasks(const World& w, const ToolRegistry& tools) {
  std::vector<Task> tasks;
  tasks.push_back(
      TaskBuilder("files-file-invoice",
                  "The CloudNine invoice INV-4471 that arrived by mail is sitting in 'Mail "
                  "attachments'. File it in Finance/Invoices next to last month's invoice.",
                  w)
          .Do("files_search", {{"query", "INV-4471"}})
          .Do("files_move", {{"id", "f-inv-4471"}, {"folder", "Finance/Invoices"}})
          .Expect(
              PathEquals("/files/files/f-inv-4471/folder", Value::String("fo-finance-invoices")))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("files-file-statement",
                  "Move the October 2025 First Harbor bank statement out of 'Mail attachments' "
                  "into the folder where the September statement is kept.",
                  w)
          .Do("files_search", {{"query", "FirstHarbor"}})
          .Do("files_move", {{"id", "f-bank-2025-10"}, {"folder", "fo-finance-bank"}})
          .Expect(
              PathEquals("/files/files/f-bank-2025-10/folder", Value::String("fo-finance-bank")))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("files-share-pto",
                  "Share the 2026 PTO and Leave Policy with the whole Sales team: Ben Carter, "
                  "Mia Johansson, Sam Reyes and Zoe Adams.",
                  w)
          .Do("files_search", {{"query", "PTO policy"}})
          .Do("files_share",
              {{"id", "f-pto-policy"},
               {"people", {"Ben Carter", "Mia Johansson", "Sam Reyes", "Zoe Adams"}}})
          .Expect(PathEquals("/files/files/f-pto-policy/shared_with",
                             StringArray({"u-bcarter", "u-mjohansson", "u-sreyes", "u-zadams"})))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("files-trash-duplicate",
                  "There are two copies of the Travel and Expense Policy in People/Policies. Move "
                  "the duplicate '(1)' copy to the trash and keep the original.",
                  w)
          .Do("files_list", {{"folder", "People/Policies"}})
          .Do("files_delete", {{"id", "f-expense-policy-copy"}})
          .Expect(PathEquals("/files/files/f-expense-policy-copy/trashed", Value::Bool(true)))
          .Expect(PathEquals("/files/files/f-expense-policy/trashed", Value::Bool(false)))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("files-close-report",
                  "Write 'Month-end close report - October 2025.md' in Finance/Month-end close, "
                  "following September's report: give the First Harbor closing balance for "
                  "October 2025 from the bank statement.",
                  w)
          .Do("files_read", {{"id", "f-close-2025-09"}})
          .Do("files_read", {{"id", "f-bank-2025-10"}})
          .Do("files_create",
              {{"name", "Month-end close report - October 2025.md"},
               {"folder", "Finance/Month-end close"},
               {"content",
                "# Month-end close — October 2025\nBank (First Harbor ****4417) closing balance: "
                "$" +
                    FormatCents(kOctoberClosingCents) + ".\nPrepared by Leo Martins.\n"}})
          .ExpectNew("/files/files", "the October report in Month-end close with the balance",
                     [](const Value& f) {
                       return HasString(f, "name", "Month-end close report - October 2025.md") &&
                              HasString(f, "folder", "fo-finance-close") &&
                              TextHas(f, "content", {FormatCents(kOctoberClosingCents)});
                     })
          .Build());
  tasks.push_back(
      TaskBuilder("files-archive-september",
                  "Create a folder 'Q3 2025' inside Finance/Month-end close and move the "
                  "September 2025 close report into it.",
                  w)
          .Do("files_create_folder", {{"name", "Q3 2025"}, {"parent", "Finance/Month-end close"}})
          .Do("files_move",
              {{"id", "f-close-2025-09"}, {"folder", "Finance/Month-end close/Q3 2025"}})
          .ExpectNew("/files/folders", "folder 'Q3 2025' under Month-end close",
                     [](const Value& f) {
                       return HasString(f, "name", "Q3 2025") &&
                              HasString(f, "parent", "fo-finance-close");
                     })
          .Expect({"the September report is in a folder named 'Q3 2025'",
                   [](const World& fw) -> std::optional<std::string> {
                     const Value& files = fw.Get(kApp);
                     const std::string& folder =
                         Field(*FindFile(files, "f-close-2025-09"), "folder");
                     const Value* f = files.Find("folders")->Find(folder);
                     if (f != nullptr && HasString(*f, "name", "Q3 2025")) return std::nullopt;
                     return "the report is in folder " + folder;
                   }})
          .Changes("/files/files/f-close-2025-09/folder")
          .Build());
  tasks.push_back(
      TaskBuilder("files-tick-checklist",
                  "In the Month-end close checklist, append the line "
                  "'- [x] October 2025 bank statement received (First Harbor)' at the end; "
                  "leave the existing items as they are.",
                  w)
          .Do("files_update",
              {{"id", "f-close-checklist"},
               {"mode", "append"},
               {"content", "- [x] October 2025 bank statement received (First Harbor)\n"}})
          .Expect(FileField(
              "f-close-checklist", "content", "checklist keeps its items and gains the new line",
              [](const Value& v) {
                const std::string& s = v.AsString();
                return s.rfind("# Month-end close checklist\n- [ ] Bank reconciliation", 0) == 0 &&
                       ContainsIgnoreCase(s, "Close report to the Controller") &&
                       ContainsIgnoreCase(s, "- [x] October 2025 bank statement received");
              }))
          .Changes("/files/files/f-close-checklist")
          .Build());
  return tasks;
}

}  // namespace workplace

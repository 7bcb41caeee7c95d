#include "workplace/books.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "workplace/app_kit.h"
#include "workplace/files.h"
#include "workplace/people.h"

namespace workplace {
namespace {

using kit::Field;
using kit::IntField;
using kit::Money;
using kit::Params;
using kit::Ptr;

const std::string kApp(kBooksApp);
const std::string kBankAccount = "1000";  // Cash - First Harbor Operating
constexpr size_t kMaxLines = 50;

std::string PeriodOf(const std::string& date) { return date.substr(0, 7); }

const Value& Books(const ToolContext& ctx) { return ctx.State(kApp); }

std::string AccountLabel(const Value& books, const std::string& code) {
  const Value* a = books.At(Ptr({"accounts", code}));
  return a == nullptr ? code : code + " " + Field(*a, "name");
}

// Why nothing may be posted on `date`, or nullopt.
std::optional<std::string> NotPostable(const Value& books, const std::string& date) {
  if (!kit::IsDate(date)) return "date '" + date + "' must be YYYY-MM-DD";
  const std::string period = PeriodOf(date);
  const Value* p = books.At(Ptr({"periods", period}));
  if (p == nullptr) {
    std::string open;
    for (const auto& [id, rec] : books.Find("periods")->members()) {
      if (Field(rec, "status") == "open") open += (open.empty() ? "" : ", ") + id;
    }
    return "no accounting period " + period + "; open periods: " + open;
  }
  if (Field(*p, "status") == "closed") {
    return "period " + period + " is closed; nothing can be posted dated " + date +
           ". Post it in an open period (e.g. dated the first day you can) instead";
  }
  return std::nullopt;
}

// Net movement of an entry through an account, debit positive.
int64_t NetThrough(const Value& entry, const std::string& account) {
  int64_t net = 0;
  for (const Value& line : entry.Find("lines")->elements()) {
    if (Field(line, "account") == account) {
      net += IntField(line, "debit_cents") - IntField(line, "credit_cents");
    }
  }
  return net;
}

struct Line {
  std::string account;
  int64_t debit_cents = 0;
  int64_t credit_cents = 0;
  std::string description;
};

// Validates lines (known accounts, one side each, balanced) and builds the entry record.
base::Result<Value> BuildEntry(const Value& books, const std::string& id, const std::string& date,
                               const std::string& memo, const std::vector<Line>& lines,
                               const std::string& source, const std::string& document_id,
                               int64_t now_us) {
  if (auto why = NotPostable(books, date)) return base::Error::Invalid(*why);
  if (lines.size() < 2 || lines.size() > kMaxLines) {
    return base::Error::Invalid("an entry needs 2 to " + std::to_string(kMaxLines) + " lines");
  }
  int64_t debits = 0, credits = 0;
  std::vector<Value> line_values;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    const std::string where = "line " + std::to_string(i + 1) + ": ";
    if (books.At(Ptr({"accounts", l.account})) == nullptr) {
      return base::Error::Invalid(where + "unknown account '" + l.account +
                                  "'; books_list_accounts lists the chart of accounts");
    }
    if ((l.debit_cents > 0) == (l.credit_cents > 0)) {
      return base::Error::Invalid(where + "give either debit_cents or credit_cents (> 0), not " +
                                  (l.debit_cents > 0 ? "both" : "neither"));
    }
    debits += l.debit_cents;
    credits += l.credit_cents;
    line_values.push_back(Value::Object({{"account", Value::String(l.account)},
                                         {"debit_cents", Value::Int(l.debit_cents)},
                                         {"credit_cents", Value::Int(l.credit_cents)},
                                         {"description", Value::String(l.description)}}));
  }
  if (debits != credits) {
    return base::Error::Invalid("entry does not balance: debits " + Money(debits) + ", credits " +
                                Money(credits) + " (difference " + Money(debits - credits) +
                                "); nothing was posted");
  }
  return Value::Object({{"id", Value::String(id)},
                        {"date", Value::String(date)},
                        {"period", Value::String(PeriodOf(date))},
                        {"memo", Value::String(memo)},
                        {"lines", Value::Array(std::move(line_values))},
                        {"source", Value::String(source)},
                        {"document_id", Value::String(document_id)},
                        {"posted_at_us", Value::Int(now_us)}});
}

// Marks a bank line matched to `entry` (already built, maybe not yet stored). The entry must
// move exactly the line's amount through the line's account.
base::Result<Value> Reconcile(const Value& books, const std::string& line_id, const Value& entry,
                              int64_t now_us) {
  const Value* line = books.At(Ptr({"bank_lines", line_id}));
  if (line == nullptr) {
    return base::Error::NotFound("bank line '" + line_id +
                                 "' not found; books_list_bank_lines lists them");
  }
  if (Field(*line, "status") == "reconciled") {
    return base::Error::Invalid("bank line " + line_id + " is already reconciled with entry " +
                                Field(*line, "entry_id"));
  }
  const std::string entry_id = Field(entry, "id");
  for (const auto& [id, other] : books.Find("bank_lines")->members()) {
    if (Field(other, "entry_id") == entry_id) {
      return base::Error::Invalid("entry " + entry_id + " is already matched to bank line " + id);
    }
  }
  const std::string account = Field(*line, "account");
  const int64_t amount = IntField(*line, "amount_cents");
  const int64_t net = NetThrough(entry, account);
  if (net != amount) {
    return base::Error::Invalid("entry " + entry_id + " moves " + Money(net) + " through " +
                                AccountLabel(books, account) + " but bank line " + line_id +
                                " is " + Money(amount) + "; match an entry with the same amount");
  }
  Value updated = line->With("status", Value::String("reconciled"))
                      .With("entry_id", Value::String(entry_id))
                      .With("reconciled_at_us", Value::Int(now_us));
  return kit::Put(books, Ptr({"bank_lines", line_id}), updated);
}

std::vector<Line> LinesFromArgs(const nlohmann::json& lines) {
  std::vector<Line> out;
  for (const auto& l : lines) {
    out.push_back({l["account"].get<std::string>(), l.value("debit_cents", int64_t{0}),
                   l.value("credit_cents", int64_t{0}), l.value("description", "")});
  }
  return out;
}

// Posts an entry (and optionally reconciles a bank line with it): the shared tail of every
// tool that posts.
base::Result<Value> PostEntry(ToolContext& ctx, const Value& books, const std::string& date,
                              const std::string& memo, const std::vector<Line>& lines,
                              const std::string& source, const std::string& document_id,
                              const std::string& bank_line_id, std::string* entry_id) {
  *entry_id = ctx.NewId();
  ASSAY_ASSIGN_OR_RETURN(Value entry, BuildEntry(books, *entry_id, date, memo, lines, source,
                                                 document_id, ctx.NowMicros()));
  Value next = kit::Put(books, Ptr({"entries", *entry_id}), entry);
  if (!bank_line_id.empty()) {
    ASSAY_ASSIGN_OR_RETURN(next, Reconcile(next, bank_line_id, entry, ctx.NowMicros()));
  }
  return next;
}

// --- tools -----------------------------------------------------------------------------------

ToolResult ListAccounts(ToolContext& ctx, const nlohmann::json& args) {
  const std::string type = Arg(args, "type");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [code, a] : Books(ctx).Find("accounts")->members()) {
    if (type.empty() || Field(a, "type") == type) out.push_back(a.ToJson());
  }
  return kit::OkJson(out);
}

ToolResult CreateAccount(ToolContext& ctx, const nlohmann::json& args) {
  const std::string code = Arg(args, "code"), name = Arg(args, "name"), type = Arg(args, "type");
  const Value& books = Books(ctx);
  if (const Value* a = books.At(Ptr({"accounts", code}))) {
    return ToolResult::Error("account " + code + " already exists: " + Field(*a, "name"));
  }
  const bool debit_normal = type == "asset" || type == "expense";
  Value account = Value::Object({{"code", Value::String(code)},
                                 {"name", Value::String(name)},
                                 {"type", Value::String(type)},
                                 {"normal", Value::String(debit_normal ? "debit" : "credit")}});
  ctx.SetState(kApp, kit::Put(books, Ptr({"accounts", code}), account));
  return kit::OkValue(account);
}

ToolResult PostEntryTool(ToolContext& ctx, const nlohmann::json& args) {
  std::string entry_id;
  ASSAY_ASSIGN_OR_RETURN_TOOL(
      Value next,
      PostEntry(ctx, Books(ctx), Arg(args, "date"), Arg(args, "memo"), LinesFromArgs(args["lines"]),
                "manual", "", Arg(args, "bank_line_id"), &entry_id));
  ctx.SetState(kApp, next);
  nlohmann::json out = {{"entry_id", entry_id}, {"period", PeriodOf(Arg(args, "date"))}};
  if (args.contains("bank_line_id")) out["reconciled_bank_line"] = Arg(args, "bank_line_id");
  return kit::OkJson(out);
}

ToolResult ListEntries(ToolContext& ctx, const nlohmann::json& args) {
  const std::string period = Arg(args, "period"), account = Arg(args, "account");
  std::vector<std::pair<std::string, nlohmann::json>> rows;
  for (const auto& [id, e] : Books(ctx).Find("entries")->members()) {
    if (!period.empty() && Field(e, "period") != period) continue;
    if (!account.empty()) {
      bool touches = false;
      for (const Value& l : e.Find("lines")->elements()) touches |= Field(l, "account") == account;
      if (!touches) continue;
    }
    rows.emplace_back(Field(e, "date") + id, e.ToJson());
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  nlohmann::json out = nlohmann::json::array();
  for (auto& [key, j] : rows) out.push_back(std::move(j));
  return kit::OkJson(out);
}

ToolResult ListBankLines(ToolContext& ctx, const nlohmann::json& args) {
  const std::string status = Arg(args, "status", "all");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, l] : Books(ctx).Find("bank_lines")->members()) {
    if (status != "all" && Field(l, "status") != status) continue;
    out.push_back(l.ToJson());
  }
  return kit::OkJson(out);
}

ToolResult ReconcileTool(ToolContext& ctx, const nlohmann::json& args) {
  const Value& books = Books(ctx);
  const std::string entry_id = Arg(args, "entry_id");
  const Value* entry = books.At(Ptr({"entries", entry_id}));
  if (entry == nullptr) {
    return ToolResult::Error("entry '" + entry_id + "' not found; books_list_entries lists them");
  }
  ASSAY_ASSIGN_OR_RETURN_TOOL(Value next,
                              Reconcile(books, Arg(args, "bank_line_id"), *entry, ctx.NowMicros()));
  ctx.SetState(kApp, next);
  return kit::OkJson({{"bank_line_id", Arg(args, "bank_line_id")},
                      {"entry_id", entry_id},
                      {"status", "reconciled"}});
}

ToolResult TrialBalance(ToolContext& ctx, const nlohmann::json& args) {
  const Value& books = Books(ctx);
  const std::string period = Arg(args, "period");
  if (books.At(Ptr({"periods", period})) == nullptr) {
    return ToolResult::Error("no accounting period '" + period + "' (use YYYY-MM, e.g. 2025-10)");
  }
  struct Totals {
    int64_t opening = 0, debits = 0, credits = 0;
  };
  std::map<std::string, Totals> by_account;
  for (const auto& [id, e] : books.Find("entries")->members()) {
    const std::string& p = Field(e, "period");
    if (p > period) continue;
    for (const Value& l : e.Find("lines")->elements()) {
      Totals& t = by_account[Field(l, "account")];
      if (p < period) {
        t.opening += IntField(l, "debit_cents") - IntField(l, "credit_cents");
      } else {
        t.debits += IntField(l, "debit_cents");
        t.credits += IntField(l, "credit_cents");
      }
    }
  }
  nlohmann::json rows = nlohmann::json::array();
  int64_t total_debit = 0, total_credit = 0;
  for (const auto& [code, t] : by_account) {
    const int64_t closing = t.opening + t.debits - t.credits;
    total_debit += closing > 0 ? closing : 0;
    total_credit += closing < 0 ? -closing : 0;
    const Value* a = books.At(Ptr({"accounts", code}));
    rows.push_back({{"account", code},
                    {"name", a ? Field(*a, "name") : ""},
                    {"type", a ? Field(*a, "type") : ""},
                    {"opening_cents", t.opening},
                    {"period_debit_cents", t.debits},
                    {"period_credit_cents", t.credits},
                    {"closing_debit_cents", closing > 0 ? closing : 0},
                    {"closing_credit_cents", closing < 0 ? -closing : 0}});
  }
  return kit::OkJson({{"period", period},
                      {"accounts", rows},
                      {"total_debit_cents", total_debit},
                      {"total_credit_cents", total_credit},
                      {"balanced", total_debit == total_credit},
                      {"note",
                       "opening and closing are debit-positive; period columns are the "
                       "period's activity"}});
}

ToolResult ClosePeriod(ToolContext& ctx, const nlohmann::json& args) {
  const Value& books = Books(ctx);
  const std::string period = Arg(args, "period");
  const Value* p = books.At(Ptr({"periods", period}));
  if (p == nullptr) return ToolResult::Error("no accounting period '" + period + "'");
  if (Field(*p, "status") == "closed") {
    return ToolResult::Error("period " + period + " is already closed");
  }
  for (const auto& [id, other] : books.Find("periods")->members()) {
    if (id < period && Field(other, "status") != "closed") {
      return ToolResult::Error("close " + id + " first: periods close in order");
    }
  }
  std::string open_lines;
  for (const auto& [id, l] : books.Find("bank_lines")->members()) {
    if (PeriodOf(Field(l, "date")) == period && Field(l, "status") != "reconciled") {
      open_lines += (open_lines.empty() ? "" : ", ") + id + " (" + Field(l, "date") + " " +
                    Field(l, "description") + " " + Money(IntField(l, "amount_cents")) + ")";
    }
  }
  if (!open_lines.empty()) {
    return ToolResult::Error("cannot close " + period + ": unreconciled bank lines: " + open_lines +
                             ". Reconcile them (post missing entries first) and try again");
  }
  Value closed =
      p->With("status", Value::String("closed")).With("closed_at_us", Value::Int(ctx.NowMicros()));
  ctx.SetState(kApp, kit::Put(books, Ptr({"periods", period}), closed));
  return kit::OkJson({{"period", period}, {"status", "closed"}});
}

// Invoices (AR, customer) and bills (AP, vendor) share their shape and flows.
struct DocKind {
  const char* collection;  // "invoices" | "bills"
  const char* party;       // "customer" | "vendor"
  const char* control;     // 1200 AR | 2000 AP
};
const DocKind kInvoice{"invoices", "customer", "1200"};
const DocKind kBill{"bills", "vendor", "2000"};

ToolResult CreateDocument(ToolContext& ctx, const nlohmann::json& args, const DocKind& kind) {
  const Value& books = Books(ctx);
  const std::string number = Arg(args, "number"), party = Arg(args, kind.party);
  const std::string date = Arg(args, "issue_date"), due = Arg(args, "due_date");
  const int64_t amount = args["amount_cents"].get<int64_t>();
  const bool is_invoice = kind.collection == kInvoice.collection;
  const std::string other =
      Arg(args, is_invoice ? "revenue_account" : "expense_account", is_invoice ? "4000" : "");
  if (kit::FindRecord(books.Find(kind.collection), [&](const Value& d) {
        return Field(d, "number") == number && Field(d, kind.party) == party;
      })) {
    return ToolResult::Error(std::string(is_invoice ? "invoice " : "bill ") + number +
                             " already exists for " + party);
  }
  if (!kit::IsDate(due) || due < date) {
    return ToolResult::Error("due_date must be YYYY-MM-DD on or after issue_date");
  }
  const Value* acct = books.At(Ptr({"accounts", other}));
  const char* want = is_invoice ? "revenue" : "expense";
  if (acct == nullptr || Field(*acct, "type") != want) {
    return ToolResult::Error("'" + other + "' is not " + (is_invoice ? "a " : "an ") + want +
                             " account; books_list_accounts with type=" + want + " lists them");
  }
  const std::string id = ctx.NewId();
  std::vector<Line> lines =
      is_invoice ? std::vector<Line>{{kind.control, amount, 0, number}, {other, 0, amount, number}}
                 : std::vector<Line>{{other, amount, 0, number}, {kind.control, 0, amount, number}};
  std::string entry_id;
  const std::string memo = std::string(is_invoice ? "Invoice " : "Bill ") + number + " " + party;
  ASSAY_ASSIGN_OR_RETURN_TOOL(
      Value next,
      PostEntry(ctx, books, date, memo, lines, is_invoice ? "invoice" : "bill", id, "", &entry_id));
  Value doc = Value::Object({{"id", Value::String(id)},
                             {"number", Value::String(number)},
                             {kind.party, Value::String(party)},
                             {"description", Value::String(Arg(args, "description"))},
                             {"issue_date", Value::String(date)},
                             {"due_date", Value::String(due)},
                             {"amount_cents", Value::Int(amount)},
                             {"paid_cents", Value::Int(0)},
                             {"status", Value::String("open")},
                             {"account", Value::String(other)},
                             {"entry_id", Value::String(entry_id)},
                             {"payments", Value::Array({})}});
  ctx.SetState(kApp, kit::Put(next, Ptr({kind.collection, id}), doc));
  return kit::OkValue(doc);
}

ToolResult RecordPayment(ToolContext& ctx, const nlohmann::json& args) {
  const Value& books = Books(ctx);
  const std::string doc_id = Arg(args, "document_id");
  const DocKind* kind = nullptr;
  const Value* doc = nullptr;
  for (const DocKind* k : {&kInvoice, &kBill}) {
    if (const Value* d = books.At(Ptr({k->collection, doc_id}))) kind = k, doc = d;
  }
  if (doc == nullptr) {
    return ToolResult::Error("no invoice or bill '" + doc_id +
                             "'; books_list_invoices / books_list_bills list them");
  }
  const int64_t amount = args["amount_cents"].get<int64_t>();
  const int64_t open = IntField(*doc, "amount_cents") - IntField(*doc, "paid_cents");
  if (open == 0) return ToolResult::Error(Field(*doc, "number") + " is already paid in full");
  if (amount > open) {
    return ToolResult::Error("payment " + Money(amount) + " exceeds the open balance " +
                             Money(open) + " of " + Field(*doc, "number"));
  }
  const bool is_invoice = kind == &kInvoice;
  const std::string number = Field(*doc, "number");
  std::vector<Line> lines = is_invoice ? std::vector<Line>{{kBankAccount, amount, 0, number},
                                                           {kind->control, 0, amount, number}}
                                       : std::vector<Line>{{kind->control, amount, 0, number},
                                                           {kBankAccount, 0, amount, number}};
  const std::string date = Arg(args, "date");
  std::string entry_id;
  ASSAY_ASSIGN_OR_RETURN_TOOL(
      Value next, PostEntry(ctx, books, date, "Payment " + number + " " + Field(*doc, kind->party),
                            lines, "payment", doc_id, Arg(args, "bank_line_id"), &entry_id));
  const int64_t paid = IntField(*doc, "paid_cents") + amount;
  Value payment = Value::Object({{"date", Value::String(date)},
                                 {"amount_cents", Value::Int(amount)},
                                 {"entry_id", Value::String(entry_id)}});
  Value updated =
      doc->With("paid_cents", Value::Int(paid))
          .With("status",
                Value::String(paid == IntField(*doc, "amount_cents") ? "paid" : "partially_paid"))
          .With("payments", doc->Find("payments")->Appended(payment));
  ctx.SetState(kApp, kit::Put(next, Ptr({kind->collection, doc_id}), updated));
  return kit::OkJson({{"document_id", doc_id},
                      {"entry_id", entry_id},
                      {"status", Field(updated, "status")},
                      {"open_cents", open - amount}});
}

ToolResult ListDocuments(ToolContext& ctx, const nlohmann::json& args, const DocKind& kind) {
  const std::string status = Arg(args, "status", "all");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, d] : Books(ctx).Find(kind.collection)->members()) {
    if (status == "all" || Field(d, "status") == status) out.push_back(d.ToJson());
  }
  return kit::OkJson(out);
}

const char* kLinesSchema = R"("lines":{"type":"array","minItems":2,"maxItems":50,"items":{
    "type":"object","properties":{"account":{"type":"string","description":"account code, e.g. 6800"},
    "debit_cents":{"type":"integer","minimum":0},"credit_cents":{"type":"integer","minimum":0},
    "description":{"type":"string"}},"required":["account"],"additionalProperties":false}})";
const char* kDocSchema = R"("number":{"type":"string","minLength":1},
    "issue_date":{"type":"string","description":"YYYY-MM-DD; posts in its period"},
    "due_date":{"type":"string"},"amount_cents":{"type":"integer","minimum":1},
    "description":{"type":"string"})";

}  // namespace

base::Status RegisterBooksTools(ToolRegistry& r) {
  const std::string status_enum =
      R"("status":{"type":"string","enum":["open","partially_paid","paid","all"]})";
  const std::vector<Tool> tools = {
      {"books_list_accounts", "The chart of accounts (code, name, type, normal side).",
       Params(
           R"("type":{"type":"string","enum":["asset","liability","equity","revenue","expense"]})",
           ""),
       true, kApp, ListAccounts},
      {"books_create_account", "Add an account to the chart of accounts.",
       Params(
           R"("code":{"type":"string","minLength":4,"maxLength":4},"name":{"type":"string","minLength":1},
              "type":{"type":"string","enum":["asset","liability","equity","revenue","expense"]})",
           R"("code","name","type")"),
       false, kApp, CreateAccount},
      {"books_post_entry",
       "Post a journal entry. Amounts in integer cents; each line is a debit or a credit; debits "
       "must equal credits; the date's period must be open. Give bank_line_id to reconcile a "
       "First Harbor bank line with the new entry in the same step.",
       Params(std::string(R"("date":{"type":"string","description":"YYYY-MM-DD"},
              "memo":{"type":"string","minLength":1},"bank_line_id":{"type":"string"},)") +
                  kLinesSchema,
              R"("date","memo","lines")"),
       false, kApp, PostEntryTool},
      {"books_list_entries", "Journal entries, by date; filter by period (YYYY-MM) or account.",
       Params(R"("period":{"type":"string"},"account":{"type":"string"})", ""), true, kApp,
       ListEntries},
      {"books_list_bank_lines", "First Harbor Bank statement lines imported into the books.",
       Params(R"("status":{"type":"string","enum":["unreconciled","reconciled","all"]})", ""), true,
       kApp, ListBankLines},
      {"books_reconcile",
       "Match a bank line to a posted entry that moves the same amount through the bank account.",
       Params(R"("bank_line_id":{"type":"string"},"entry_id":{"type":"string"})",
              R"("bank_line_id","entry_id")"),
       false, kApp, ReconcileTool},
      {"books_trial_balance",
       "Trial balance for a period: per account the opening balance, the period's debits and "
       "credits, and the closing balance; totals must balance.",
       Params(R"("period":{"type":"string","description":"YYYY-MM"})", R"("period")"), true, kApp,
       TrialBalance},
      {"books_close_period",
       "Close an accounting period (in order); refused while its bank lines are unreconciled. A "
       "closed period takes no more postings.",
       Params(R"("period":{"type":"string"})", R"("period")"), false, kApp, ClosePeriod},
      {"books_create_invoice",
       "Invoice a customer (AR): posts Dr 1200 Accounts receivable / Cr the revenue account.",
       Params(std::string(kDocSchema) + R"(,"customer":{"type":"string","minLength":1},
              "revenue_account":{"type":"string","description":"default 4000"})",
              R"("customer","number","issue_date","due_date","amount_cents")"),
       false, kApp,
       [](ToolContext& ctx, const nlohmann::json& a) { return CreateDocument(ctx, a, kInvoice); }},
      {"books_create_bill",
       "Record a vendor bill (AP): posts Dr the expense account / Cr 2000 Accounts payable.",
       Params(std::string(kDocSchema) + R"(,"vendor":{"type":"string","minLength":1},
              "expense_account":{"type":"string"})",
              R"("vendor","number","issue_date","due_date","amount_cents","expense_account")"),
       false, kApp,
       [](ToolContext& ctx, const nlohmann::json& a) { return CreateDocument(ctx, a, kBill); }},
      {"books_record_payment",
       "Record a payment of an invoice (money in) or a bill (money out) through the First Harbor "
       "operating account (1000); optionally reconcile the bank line it appears on.",
       Params(R"("document_id":{"type":"string","description":"invoice or bill id"},
              "date":{"type":"string"},"amount_cents":{"type":"integer","minimum":1},
              "bank_line_id":{"type":"string"})",
              R"("document_id","date","amount_cents")"),
       false, kApp, RecordPayment},
      {"books_list_invoices", "Customer invoices (AR) with paid amounts and status.",
       Params(status_enum, ""), true, kApp,
       [](ToolContext& ctx, const nlohmann::json& a) { return ListDocuments(ctx, a, kInvoice); }},
      {"books_list_bills", "Vendor bills (AP) with paid amounts and status.",
       Params(status_enum, ""), true, kApp,
       [](ToolContext& ctx, const nlohmann::json& a) { return ListDocuments(ctx, a, kBill); }},
  };
  for (const Tool& tool : tools) ASSAY_TRY(r.Register(tool));
  return base::Ok();
}

// --- seed ------------------------------------------------------------------------------------

namespace {

constexpr int64_t kSeedPostedUs = 1'759'000'000'000'000;  // 2025-09-27, before any task runs

nlohmann::json SeedEntry(const char* id, const char* date, const char* memo,
                         std::initializer_list<std::tuple<const char*, int64_t, int64_t>> lines,
                         const char* source = "manual", const char* document_id = "") {
  nlohmann::json ls = nlohmann::json::array();
  for (const auto& [account, debit, credit] : lines) {
    ls.push_back({{"account", account},
                  {"debit_cents", debit},
                  {"credit_cents", credit},
                  {"description", ""}});
  }
  return {{"id", id},
          {"date", date},
          {"period", std::string(date).substr(0, 7)},
          {"memo", memo},
          {"lines", ls},
          {"source", source},
          {"document_id", document_id},
          {"posted_at_us", kSeedPostedUs}};
}

nlohmann::json SeedDoc(const char* id, const char* party_key, const char* party, const char* number,
                       const char* description, const char* issue, const char* due, int64_t amount,
                       const char* account, const char* entry, nlohmann::json payments) {
  int64_t paid = 0;
  for (const auto& p : payments) paid += p["amount_cents"].get<int64_t>();
  return {{"id", id},
          {party_key, party},
          {"number", number},
          {"description", description},
          {"issue_date", issue},
          {"due_date", due},
          {"amount_cents", amount},
          {"paid_cents", paid},
          {"status", paid == amount ? "paid" : "open"},
          {"account", account},
          {"entry_id", entry},
          {"payments", payments}};
}

nlohmann::json Paid(const char* date, int64_t amount, const char* entry) {
  return nlohmann::json::array({{{"date", date}, {"amount_cents", amount}, {"entry_id", entry}}});
}

nlohmann::json BankLine(const std::string& id, const StatementLine& line, const char* entry) {
  nlohmann::json j = {{"id", id},
                      {"account", "1000"},
                      {"bank", "First Harbor Bank"},
                      {"date", std::string(line.date)},
                      {"description", std::string(line.description)},
                      {"amount_cents", line.amount_cents},
                      {"status", entry ? "reconciled" : "unreconciled"},
                      {"entry_id", entry ? entry : ""}};
  if (entry) j["reconciled_at_us"] = kSeedPostedUs;
  return j;
}

}  // namespace

Value BooksSeed() {
  nlohmann::json accounts = nlohmann::json::object();
  const std::tuple<const char*, const char*, const char*> chart[] = {
      {"1000", "Cash - First Harbor Operating", "asset"},
      {"1010", "Cash - First Harbor Savings", "asset"},
      {"1200", "Accounts Receivable", "asset"},
      {"1300", "Prepaid Expenses", "asset"},
      {"1500", "Computer Equipment", "asset"},
      {"1510", "Accumulated Depreciation", "asset"},
      {"2000", "Accounts Payable", "liability"},
      {"2100", "Accrued Liabilities", "liability"},
      {"2200", "Accrued Payroll", "liability"},
      {"2210", "Payroll Taxes Payable", "liability"},
      {"2300", "Deferred Revenue", "liability"},
      {"2400", "Credit Card Payable", "liability"},
      {"3000", "Common Stock", "equity"},
      {"3100", "Retained Earnings", "equity"},
      {"4000", "Consulting Revenue", "revenue"},
      {"4100", "Subscription Revenue", "revenue"},
      {"4900", "Interest Income", "revenue"},
      {"5000", "Contractor Costs", "expense"},
      {"6000", "Salaries & Wages", "expense"},
      {"6010", "Payroll Taxes", "expense"},
      {"6020", "Insurance & Benefits", "expense"},
      {"6100", "Rent", "expense"},
      {"6200", "Software & Hosting", "expense"},
      {"6300", "Office Supplies", "expense"},
      {"6400", "Travel", "expense"},
      {"6500", "Marketing", "expense"},
      {"6600", "Professional Fees", "expense"},
      {"6700", "Depreciation Expense", "expense"},
      {"6800", "Bank Fees", "expense"},
      {"6900", "Meals & Entertainment", "expense"},
  };
  for (const auto& [code, name, type] : chart) {
    const std::string t = type;
    // Accumulated depreciation is a contra-asset: credit-normal.
    const bool debit = (t == "asset" || t == "expense") && std::string(code) != "1510";
    accounts[code] = {
        {"code", code}, {"name", name}, {"type", type}, {"normal", debit ? "debit" : "credit"}};
  }
  nlohmann::json entries = nlohmann::json::object();
  for (nlohmann::json e : {
           SeedEntry("je-0930", "2025-09-30", "Opening balances carried from the September close",
                     {{"1000", kOctoberOpeningCents, 0},
                      {"1010", 8000000, 0},
                      {"1200", 4917500, 0},
                      {"1300", 600000, 0},
                      {"1500", 4800000, 0},
                      {"1510", 0, 1200000},
                      {"2100", 0, 400000},
                      {"3000", 0, 10000000},
                      {"3100", 0,
                       kOctoberOpeningCents + 8000000 + 4917500 + 600000 + 4800000 - 1200000 -
                           400000 - 10000000}}),
           SeedEntry("je-1001", "2025-10-02", "Payment INV-2025-118 BluePeak Logistics",
                     {{"1000", 1842500, 0}, {"1200", 0, 1842500}}, "payment", "inv-2025-118"),
           SeedEntry("je-1002", "2025-10-06", "Payroll 2025-09-B, paid via Gusto",
                     {{"6000", 8550444, 0}, {"2210", 0, 2137611}, {"1000", 0, 6412833}}),
           SeedEntry("je-1003", "2025-10-08", "CloudNine Hosting, October (company card)",
                     {{"6200", 289900, 0}, {"1000", 0, 289900}}),
           SeedEntry("je-1004", "2025-10-14", "Check 1187 Brightspace office lease, October",
                     {{"6100", 1150000, 0}, {"1000", 0, 1150000}}),
           SeedEntry("je-1005", "2025-10-17", "Northstar Insurance premium, October",
                     {{"6020", 84217, 0}, {"1000", 0, 84217}}),
           SeedEntry("je-1006", "2025-10-20", "Payroll 2025-10-A, paid via Gusto",
                     {{"6000", 8531349, 0}, {"2210", 0, 2132837}, {"1000", 0, 6398512}}),
           SeedEntry("je-1007", "2025-10-01", "Invoice INV-2025-124 Verdant Foods",
                     {{"1200", 960075, 0}, {"4100", 0, 960075}}, "invoice", "inv-2025-124"),
           SeedEntry("je-1008", "2025-10-22", "Payment INV-2025-124 Verdant Foods",
                     {{"1000", 960075, 0}, {"1200", 0, 960075}}, "payment", "inv-2025-124"),
           SeedEntry("je-1009", "2025-10-27", "Tableau Software subscription, October",
                     {{"6200", 42000, 0}, {"1000", 0, 42000}}),
           SeedEntry("je-1010", "2025-10-27", "Bill B-2290 Brightline Legal",
                     {{"6600", 280000, 0}, {"2000", 0, 280000}}, "bill", "bill-2290"),
           SeedEntry("je-1011", "2025-10-08", "Invoice INV-2025-125 Fabrikam Inc",
                     {{"1200", 2400000, 0}, {"4000", 0, 2400000}}, "invoice", "inv-2025-125"),
       }) {
    entries[e["id"].get<std::string>()] = e;
  }
  nlohmann::json invoices = {
      {"inv-2025-118", SeedDoc("inv-2025-118", "customer", "BluePeak Logistics", "INV-2025-118",
                               "Route analytics, September", "2025-09-02", "2025-10-02", 1842500,
                               "4000", "je-0930", Paid("2025-10-02", 1842500, "je-1001"))},
      {"inv-2025-119",
       SeedDoc("inv-2025-119", "customer", "Tailspin Toys", "INV-2025-119", "Churn model workshop",
               "2025-09-15", "2025-10-15", 600000, "4000", "je-0930", nlohmann::json::array())},
      // Paid by wire on Oct 10 (bank line), never recorded: why AR thought it was late.
      {"inv-2025-121", SeedDoc("inv-2025-121", "customer", "Halcyon Health", "INV-2025-121",
                               "Clinical capacity dashboards, Q3", "2025-09-15", "2025-10-15",
                               2475000, "4100", "je-0930", nlohmann::json::array())},
      {"inv-2025-124", SeedDoc("inv-2025-124", "customer", "Verdant Foods", "INV-2025-124",
                               "Demand forecast subscription, Q4", "2025-10-01", "2025-10-31",
                               960075, "4100", "je-1007", Paid("2025-10-22", 960075, "je-1008"))},
      {"inv-2025-125", SeedDoc("inv-2025-125", "customer", "Fabrikam Inc", "INV-2025-125",
                               "Forecasting pilot, phase 1", "2025-10-08", "2025-11-07", 2400000,
                               "4000", "je-1011", nlohmann::json::array())},
  };
  nlohmann::json bills = {
      {"bill-2290",
       SeedDoc("bill-2290", "vendor", "Brightline Legal", "B-2290", "Contract review, Fabrikam MSA",
               "2025-10-27", "2025-11-26", 280000, "6600", "je-1010", nlohmann::json::array())},
  };
  // The First Harbor lines are the statement the bank mailed (files.h), line for line; the
  // first two were matched before the books were handed over.
  nlohmann::json bank_lines = nlohmann::json::object();
  const char* matched[] = {"je-1001", "je-1002"};
  int n = 0;
  for (const StatementLine& line : OctoberStatementLines()) {
    const std::string id = "bl-" + std::to_string(1001 + n);
    bank_lines[id] = BankLine(id, line, n < 2 ? matched[n] : nullptr);
    ++n;
  }
  nlohmann::json periods = {
      {"2025-09", {{"id", "2025-09"}, {"status", "closed"}, {"closed_at_us", kSeedPostedUs}}},
      {"2025-10", {{"id", "2025-10"}, {"status", "open"}}},
      {"2025-11", {{"id", "2025-11"}, {"status", "open"}}},
      {"2025-12", {{"id", "2025-12"}, {"status", "open"}}},
      {"2026-01", {{"id", "2026-01"}, {"status", "open"}}},
  };
  return Value::FromJson({{"company", std::string(kCompanyName)},
                          {"currency", "USD"},
                          {"bank_account", "First Harbor Bank, business checking ****4417"},
                          {"accounts", accounts},
                          {"periods", periods},
                          {"entries", entries},
                          {"invoices", invoices},
                          {"bills", bills},
                          {"bank_lines", bank_lines}});
}

// --- tasks -----------------------------------------------------------------------------------

Predicate BooksHasEntry(std::string description, std::string period, std::vector<EntryLine> lines) {
  std::sort(lines.begin(), lines.end(), [](const EntryLine& a, const EntryLine& b) {
    return std::tie(a.account, a.debit_cents, a.credit_cents) <
           std::tie(b.account, b.debit_cents, b.credit_cents);
  });
  return kit::Holds(
      std::move(description), [period, lines](const World& w) -> std::optional<std::string> {
        const Value* found = kit::FindRecord(w.Get(kApp).Find("entries"), [&](const Value& e) {
          if (Field(e, "period") != period || e.Find("lines")->size() != lines.size()) return false;
          std::vector<EntryLine> have;
          for (const Value& l : e.Find("lines")->elements()) {
            have.push_back(
                {Field(l, "account"), IntField(l, "debit_cents"), IntField(l, "credit_cents")});
          }
          std::sort(have.begin(), have.end(), [](const EntryLine& a, const EntryLine& b) {
            return std::tie(a.account, a.debit_cents, a.credit_cents) <
                   std::tie(b.account, b.debit_cents, b.credit_cents);
          });
          return std::equal(have.begin(), have.end(), lines.begin(),
                            [](const auto& a, const auto& b) {
                              return a.account == b.account && a.debit_cents == b.debit_cents &&
                                     a.credit_cents == b.credit_cents;
                            });
        });
        if (found == nullptr) return "no entry in " + period + " with exactly those lines";
        return std::nullopt;
      });
}

Predicate BooksHasDocument(std::string collection, std::string number,
                           std::vector<std::pair<std::string, std::string>> fields,
                           int64_t amount_cents) {
  std::string description = collection + " " + number + " for " + Money(amount_cents);
  for (const auto& [key, value] : fields) description += ", " + key + " " + value;
  return kit::Holds(description, [=](const World& w) -> std::optional<std::string> {
    const Value* doc = kit::FindRecord(
        w.Get(kApp).Find(collection), [&](const Value& d) { return Field(d, "number") == number; });
    if (doc == nullptr) return "no " + number + " in " + collection;
    bool ok = IntField(*doc, "amount_cents") == amount_cents;
    for (const auto& [key, value] : fields) {
      ok = ok && ContainsIgnoreCase(Field(*doc, key), value) &&
           (key == "customer" || key == "vendor" || Field(*doc, key) == value);
    }
    if (!ok) return number + " is " + doc->Canonical();
    return std::nullopt;
  });
}

namespace {

std::string BooksPath(std::initializer_list<std::string_view> tokens) {
  return kit::AppPath(kApp, tokens);
}

// Bank line `id` is reconciled with an entry that has a line on `account` (the other side).
Predicate LineReconciledAgainst(std::string line_id, std::string account) {
  return kit::Holds("bank line " + line_id + " reconciled with an entry on " + account,
                    [line_id, account](const World& w) -> std::optional<std::string> {
                      const Value& books = w.Get(kApp);
                      const Value* line = books.At(Ptr({"bank_lines", line_id}));
                      if (line == nullptr || Field(*line, "status") != "reconciled") {
                        return line_id + " is not reconciled";
                      }
                      const Value* e = books.At(Ptr({"entries", Field(*line, "entry_id")}));
                      if (e == nullptr || NetThrough(*e, account) == 0) {
                        return line_id + "'s entry does not touch account " + account;
                      }
                      return std::nullopt;
                    });
}

Predicate DocStatus(const char* collection, const char* id, const char* status) {
  return PathEquals(BooksPath({collection, id, "status"}), Value::String(status));
}

Action ReconcileAct(const char* line, const char* entry) {
  return kit::Act("books_reconcile", {{"bank_line_id", line}, {"entry_id", entry}});
}

nlohmann::json Lines(std::initializer_list<std::tuple<const char*, int64_t, int64_t>> lines) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [account, debit, credit] : lines) {
    nlohmann::json l = {{"account", account}};
    if (debit > 0) l["debit_cents"] = debit;
    if (credit > 0) l["credit_cents"] = credit;
    out.push_back(l);
  }
  return out;
}

}  // namespace

// Bank line -> the posted entry it matches, for the lines that only need matching.
const std::vector<std::pair<const char*, const char*>>& MatchedLines() {
  static const std::vector<std::pair<const char*, const char*>> kMatches = {
      {"bl-1003", "je-1003"}, {"bl-1005", "je-1004"}, {"bl-1006", "je-1005"},
      {"bl-1007", "je-1006"}, {"bl-1008", "je-1008"}, {"bl-1009", "je-1009"}};
  return kMatches;
}

std::vector<Action> BooksMonthEndActions() {
  std::vector<Action> actions;
  for (const auto& [line, entry] : MatchedLines()) actions.push_back(ReconcileAct(line, entry));
  actions.push_back(kit::Act("books_record_payment", {{"document_id", "inv-2025-121"},
                                                      {"date", "2025-10-10"},
                                                      {"amount_cents", 2475000},
                                                      {"bank_line_id", "bl-1004"}}));
  actions.push_back(
      kit::Act("books_post_entry", {{"date", "2025-10-31"},
                                    {"memo", "First Harbor monthly service fee"},
                                    {"bank_line_id", "bl-1010"},
                                    {"lines", Lines({{"6800", 3500, 0}, {"1000", 0, 3500}})}}));
  actions.push_back(
      kit::Act("books_post_entry", {{"date", "2025-10-31"},
                                    {"memo", "First Harbor interest"},
                                    {"bank_line_id", "bl-1011"},
                                    {"lines", Lines({{"1000", 1287, 0}, {"4900", 0, 1287}})}}));
  return actions;
}

std::vector<Predicate> BooksMonthEndPredicates() {
  std::vector<Predicate> out;
  out.push_back(kit::Holds("every October bank line is reconciled",
                           [](const World& w) -> std::optional<std::string> {
                             std::string open;
                             for (const auto& [id, l] : w.Get(kApp).Find("bank_lines")->members()) {
                               if (Field(l, "status") != "reconciled") open += " " + id;
                             }
                             if (!open.empty()) return "unreconciled:" + open;
                             return std::nullopt;
                           }));
  for (const auto& [line, entry] : MatchedLines()) {
    out.push_back(PathEquals(BooksPath({"bank_lines", line, "entry_id"}), Value::String(entry)));
  }
  out.push_back(DocStatus("invoices", "inv-2025-121", "paid"));
  out.push_back(LineReconciledAgainst("bl-1004", "1200"));
  out.push_back(LineReconciledAgainst("bl-1010", "6800"));
  out.push_back(LineReconciledAgainst("bl-1011", "4900"));
  return out;
}

std::vector<ExpectedChange> BooksMonthEndChanges() {
  return kit::Changes(
      {BooksPath({"bank_lines"}), BooksPath({"entries"}), BooksPath({"invoices", "inv-2025-121"})});
}

base::Result<std::vector<Task>> BooksTasks(const World& w, const ToolRegistry& /*tools*/) {
  std::vector<Task> tasks;
  tasks.push_back(kit::MakeTask(
      "books-bank-fee",
      "First Harbor Bank charged its $35.00 monthly service fee on Oct 31, 2025 (it is on the "
      "bank lines). Book it to Bank Fees and reconcile the bank line.",
      w,
      {kit::Act("books_post_entry", {{"date", "2025-10-31"},
                                     {"memo", "First Harbor monthly service fee"},
                                     {"bank_line_id", "bl-1010"},
                                     {"lines", Lines({{"6800", 3500, 0}, {"1000", 0, 3500}})}})},
      {BooksHasEntry("Dr 6800 / Cr 1000 $35.00 in October", "2025-10",
                     {{"6800", 3500, 0}, {"1000", 0, 3500}}),
       LineReconciledAgainst("bl-1010", "6800")},
      kit::Changes({BooksPath({"entries"}), BooksPath({"bank_lines", "bl-1010"})})));

  {
    std::vector<Action> actions;
    std::vector<Predicate> predicates;
    std::vector<ExpectedChange> changes;
    for (const auto& [line, entry] : MatchedLines()) {
      actions.push_back(ReconcileAct(line, entry));
      predicates.push_back(
          PathEquals(BooksPath({"bank_lines", line, "entry_id"}), Value::String(entry)));
      changes.push_back({BooksPath({"bank_lines", line}), std::nullopt});
    }
    tasks.push_back(kit::MakeTask(
        "books-reconcile-matches",
        "Reconcile every unreconciled October 2025 bank line that already has a matching posted "
        "entry. Leave lines without an entry alone.",
        w, actions, std::move(predicates), std::move(changes)));
  }

  tasks.push_back(kit::MakeTask(
      "books-halcyon-payment",
      "Halcyon Health says they wired the full $24,750.00 for INV-2025-121 on Oct 10, 2025 — the "
      "wire is on the First Harbor bank lines but the payment was never recorded. Record it on "
      "that date and reconcile the bank line.",
      w,
      {kit::Act("books_record_payment", {{"document_id", "inv-2025-121"},
                                         {"date", "2025-10-10"},
                                         {"amount_cents", 2475000},
                                         {"bank_line_id", "bl-1004"}})},
      {DocStatus("invoices", "inv-2025-121", "paid"),
       PathEquals(BooksPath({"invoices", "inv-2025-121", "paid_cents"}), Value::Int(2475000)),
       BooksHasEntry("Dr 1000 / Cr 1200 $24,750.00", "2025-10",
                     {{"1000", 2475000, 0}, {"1200", 0, 2475000}}),
       LineReconciledAgainst("bl-1004", "1200")},
      kit::Changes({BooksPath({"invoices", "inv-2025-121"}), BooksPath({"entries"}),
                    BooksPath({"bank_lines", "bl-1004"})})));

  tasks.push_back(kit::MakeTask(
      "books-new-invoice",
      "Invoice Contoso Retail for the December dashboard build: invoice number INV-2025-130, "
      "$8,400.00 of consulting revenue, issued 2025-12-31, due 2026-01-30.",
      w,
      {kit::Act("books_create_invoice", {{"customer", "Contoso Retail"},
                                         {"number", "INV-2025-130"},
                                         {"issue_date", "2025-12-31"},
                                         {"due_date", "2026-01-30"},
                                         {"amount_cents", 840000},
                                         {"description", "December dashboard build"},
                                         {"revenue_account", "4000"}})},
      {BooksHasDocument("invoices", "INV-2025-130",
                        {{"customer", "Contoso Retail"}, {"due_date", "2026-01-30"}}, 840000),
       BooksHasEntry("Dr 1200 / Cr 4000 $8,400.00", "2025-12",
                     {{"1200", 840000, 0}, {"4000", 0, 840000}})},
      kit::Changes({BooksPath({"invoices"}), BooksPath({"entries"})})));

  tasks.push_back(kit::MakeTask(
      "books-pay-legal-bill",
      "We paid Brightline Legal's bill B-2290 in full from the operating account on "
      "2025-12-31. Record the payment.",
      w,
      {kit::Act("books_record_payment",
                {{"document_id", "bill-2290"}, {"date", "2025-12-31"}, {"amount_cents", 280000}})},
      {DocStatus("bills", "bill-2290", "paid"),
       BooksHasEntry("Dr 2000 / Cr 1000 $2,800.00", "2025-12",
                     {{"2000", 280000, 0}, {"1000", 0, 280000}})},
      kit::Changes({BooksPath({"bills", "bill-2290"}), BooksPath({"entries"})})));

  tasks.push_back(kit::MakeTask(
      "books-depreciation",
      "Post December's depreciation on computer equipment: $1,000.00, dated 2025-12-31 "
      "(Depreciation Expense against Accumulated Depreciation).",
      w,
      {kit::Act("books_post_entry",
                {{"date", "2025-12-31"},
                 {"memo", "December depreciation"},
                 {"lines", Lines({{"6700", 100000, 0}, {"1510", 0, 100000}})}})},
      {BooksHasEntry("Dr 6700 / Cr 1510 $1,000.00", "2025-12",
                     {{"6700", 100000, 0}, {"1510", 0, 100000}})},
      kit::Changes({BooksPath({"entries"})})));

  tasks.push_back(kit::MakeTask(
      "books-late-september-bill",
      "A $600.00 Paperclip Office Supply bill (P-5512, office supplies) dated Sep 28, 2025 "
      "arrived only now. September is closed: record it as a bill dated 2025-10-31, due "
      "2025-11-30.",
      w,
      {kit::Act("books_create_bill", {{"vendor", "Paperclip Office Supply"},
                                      {"number", "P-5512"},
                                      {"issue_date", "2025-10-31"},
                                      {"due_date", "2025-11-30"},
                                      {"amount_cents", 60000},
                                      {"description", "Office supplies (September)"},
                                      {"expense_account", "6300"}})},
      {BooksHasEntry("Dr 6300 / Cr 2000 $600.00 in October", "2025-10",
                     {{"6300", 60000, 0}, {"2000", 0, 60000}}),
       BooksHasDocument("bills", "P-5512", {{"vendor", "Paperclip"}}, 60000),
       PathEquals(BooksPath({"periods", "2025-09", "status"}), Value::String("closed"))},
      kit::Changes({BooksPath({"bills"}), BooksPath({"entries"})})));

  {
    std::vector<Action> actions = BooksMonthEndActions();
    actions.push_back(kit::Act("books_close_period", {{"period", "2025-10"}}));
    std::vector<Predicate> predicates = BooksMonthEndPredicates();
    predicates.push_back(
        PathEquals(BooksPath({"periods", "2025-10", "status"}), Value::String("closed")));
    std::vector<ExpectedChange> changes = BooksMonthEndChanges();
    changes.push_back({BooksPath({"periods", "2025-10"}), std::nullopt});
    tasks.push_back(kit::MakeTask(
        "books-close-october",
        "Close October 2025 in the books: every October bank line must be reconciled first — "
        "match the ones with posted entries, record Halcyon Health's Oct 10 wire for "
        "INV-2025-121, book the bank fee to Bank Fees and the interest to Interest Income — then "
        "close the period.",
        w, actions, std::move(predicates), std::move(changes)));
  }
  return tasks;
}

}  // namespace workplace

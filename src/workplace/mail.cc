#include "workplace/mail.h"

#include <algorithm>

#include "workplace/app_util.h"
#include "workplace/files.h"
#include "workplace/people.h"

namespace workplace {
namespace {

const std::string kApp(kMailApp);
constexpr size_t kMaxBodyChars = 50000;  // a message's body, written or forwarded
const std::vector<std::string> kSystemLabels = {"inbox", "sent", "starred", "unread"};

std::string Email(std::string_view person_id) { return std::string(FindPerson(person_id)->email); }
std::string MyEmail() { return Email(kMeId); }

struct SeedMessage {
  const char* id;
  const char* thread;
  std::string from;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  const char* date;
  std::string subject;
  std::string body;
  std::vector<std::string> labels;
  std::vector<std::pair<std::string, std::string>> attachments;  // file id, name
  const char* in_reply_to = "";
};

Value Attachments(const std::vector<std::pair<std::string, std::string>>& items) {
  std::vector<Value> out;
  for (const auto& [id, name] : items) {
    out.push_back(Value::Object({{"file_id", Value::String(id)}, {"name", Value::String(name)}}));
  }
  return Value::Array(std::move(out));
}

Value Message(const std::string& thread, const std::string& from,
              const std::vector<std::string>& to, const std::vector<std::string>& cc,
              const std::string& date, const std::string& subject, const std::string& body,
              std::vector<std::string> labels, Value attachments, const std::string& in_reply_to) {
  std::sort(labels.begin(), labels.end());
  return Value::Object({{"thread", Value::String(thread)},
                        {"from", Value::String(from)},
                        {"to", StringArray(to)},
                        {"cc", StringArray(cc)},
                        {"date", Value::String(date)},
                        {"subject", Value::String(subject)},
                        {"body", Value::String(body)},
                        {"labels", StringArray(labels)},
                        {"attachments", std::move(attachments)},
                        {"in_reply_to", Value::String(in_reply_to)}});
}

std::string StatementBody() {
  std::string body =
      "Dear Northwind Analytics,\n\nYour statement for business checking account ending 4417 "
      "(1 October 2025 - 31 October 2025) is ready. The CSV export is attached.\n\n"
      "Opening balance 2025-10-01: $" +
      FormatCents(kOctoberOpeningCents) + "\n";
  for (const StatementLine& line : OctoberStatementLines()) {
    body += std::string(line.date) + "  " + std::string(line.description) + "  " +
            (line.amount_cents >= 0 ? "+" : "") + FormatCents(line.amount_cents) + "\n";
  }
  return body + "Closing balance 2025-10-31: $" + FormatCents(kOctoberClosingCents) +
         "\n\nFirst Harbor Bank Business Services. Please do not reply to this message.\n";
}

}  // namespace

Value MailSeed() {
  const std::string me = MyEmail();
  const std::vector<SeedMessage> seed = {
      {"m-001",
       "t-001",
       "billing@cloudnine-hosting.example",
       {me},
       {},
       "2025-12-29T14:05:00Z",
       "CloudNine Hosting invoice INV-4471 (December 2025)",
       "Hello Leo,\n\nPlease find attached invoice INV-4471 for December 2025 hosting services: "
       "USD 2,899.00, due 2026-01-28 (net 30). Payment details are on the invoice.\n\nThank "
       "you,\nCloudNine Hosting Billing\n",
       {"inbox", "unread"},
       {{"f-inv-4471", "CloudNine_INV-4471.pdf"}}},
      {"m-002",
       "t-002",
       "statements@firstharborbank.example",
       {me},
       {},
       "2025-11-03T07:30:00Z",
       "Your October 2025 statement - account ending 4417",
       StatementBody(),
       {"inbox"},
       {{"f-bank-2025-10", "FirstHarbor_Statement_2025-10.csv"}}},
      {"m-003",
       "t-003",
       Email("u-dwhitfield"),
       {me},
       {Email("u-praman")},
       "2025-12-30T08:45:00Z",
       "October close before the audit",
       "Leo,\n\nThe auditors start fieldwork on Jan 19 and October is still not formally "
       "closed. I posted the details in #month-end-close. Please make the October close report "
       "your priority next week: bank reconciliation against the First Harbor statement, open "
       "AP, and anything unusual.\n\nThanks,\nDana\n",
       {"inbox"},
       {}},
      {"m-004",
       "t-004",
       Email("u-jpark"),
       {me},
       {Email("u-rpatel")},
       "2025-12-30T15:10:00Z",
       "Meeting request: data platform cost review",
       "Hi Leo,\n\nCould you set up a 45-minute 'Data platform cost review' for you, Ravi and "
       "me on Wednesday Jan 7, at the earliest time all three of us are free (working hours "
       "09:00-17:00 UTC)? We want to go through the CloudNine bill before we commit to the Q1 "
       "storage cuts. Just reply with the time once it's booked.\n\nJin\n",
       {"inbox", "unread"},
       {}},
      {"m-005",
       "t-005",
       Email("u-gkim"),
       {"all@northwind.example"},
       {},
       "2025-12-15T09:05:00Z",
       "Updated PTO and Leave Policy for 2026",
       "Hi all,\n\nThe PTO and Leave Policy for 2026 is attached and in Files under "
       "People/Policies. Main change: PTO accrual goes to 1.75 days a month.\n\nGrace\n",
       {"inbox"},
       {{"f-pto-policy", "PTO and Leave Policy 2026.md"}}},
      {"m-006",
       "t-006",
       "newsletter@saasweekly.example",
       {me},
       {},
       "2025-12-31T06:00:00Z",
       "SaaS Weekly: 10 finance metrics for 2026",
       "This week: net revenue retention, burn multiple, and why your close takes 12 days.\n"
       "Unsubscribe: https://saasweekly.example/u\n",
       {"inbox", "unread"},
       {}},
      {"m-007",
       "t-007",
       Email("u-achen"),
       {me},
       {},
       "2025-12-31T09:30:00Z",
       "Payment run Friday Jan 2",
       "Hi Leo,\n\nI'm preparing Friday's payment run. If you have vendor invoices that need "
       "paying, forward them to me by Thursday evening.\n\nAmy\n",
       {"inbox"},
       {}},
      {"m-008",
       "t-008",
       me,
       {Email("u-dwhitfield")},
       {},
       "2025-10-06T16:10:00Z",
       "September close report",
       "Dana,\n\nThe September close report is attached: bank reconciled, no differences.\n\n"
       "Leo\n",
       {"sent"},
       {{"f-close-2025-09", "Month-end close report - September 2025.md"}}},
      {"m-009",
       "t-009",
       Email("u-kmorgan"),
       {me},
       {Email("u-ahassan"), Email("u-dwhitfield")},
       "2025-12-31T10:02:00Z",
       "Halcyon Health disputes late fee on INV-2025-121",
       "Hi Leo,\n\nHalcyon Health's AP team says we charged them a $250.00 late fee on "
       "INV-2025-121 although they paid on time. Can finance look into it?\n\nKate\n",
       {"inbox", "unread"},
       {}},
      {"m-010",
       "t-009",
       Email("u-ahassan"),
       {Email("u-kmorgan"), me},
       {Email("u-dwhitfield")},
       "2025-12-31T11:15:00Z",
       "Re: Halcyon Health disputes late fee on INV-2025-121",
       "Their controller says the invoice was due Oct 15 and they wired the full $24,750.00 on "
       "Oct 10. The late fee went out with the November statement.\n\nAli\n",
       {"inbox", "unread"},
       {},
       "m-009"},
      {"m-011",
       "t-009",
       Email("u-kmorgan"),
       {me},
       {Email("u-ahassan"), Email("u-dwhitfield")},
       "2025-12-31T13:40:00Z",
       "Re: Halcyon Health disputes late fee on INV-2025-121",
       "If the wire really arrived on Oct 10, can we issue a $250.00 credit memo? They are "
       "mid-renewal (expansion worth $72,000) and want this settled by Jan 9.\n\nKate\n",
       {"inbox", "unread"},
       {},
       "m-010"},
      {"m-012",
       "t-012",
       Email("u-ipetrov"),
       {"all@northwind.example"},
       {},
       "2025-12-22T12:00:00Z",
       "Reminder: password rotation by Jan 15",
       "Please rotate your SSO password before Jan 15. VPN tokens will be re-issued on request.\n"
       "Ivan\n",
       {"inbox"},
       {}},
  };
  std::vector<Value::Member> messages;
  for (const SeedMessage& m : seed) {
    messages.emplace_back(m.id, Message(m.thread, m.from, m.to, m.cc, m.date, m.subject, m.body,
                                        m.labels, Attachments(m.attachments), m.in_reply_to));
  }
  std::vector<Value::Member> labels;
  for (const std::string& l : kSystemLabels) {
    labels.emplace_back(l, Value::Object({{"system", Value::Bool(true)}}));
  }
  for (const char* l : {"bank", "vendors", "hr"}) {
    labels.emplace_back(l, Value::Object({{"system", Value::Bool(false)}}));
  }
  return Value::Object({{"owner", Value::String(me)},
                        {"labels", Value::Object(std::move(labels))},
                        {"messages", Value::Object(std::move(messages))}});
}

namespace {

ToolResult UnknownMessage(std::string_view id) {
  return ToolResult::Error("no message with id '" + std::string(id) +
                           "'; find ids with mail_search");
}

bool HasLabel(const Value& message, std::string_view label) {
  return ListHas(message, "labels", label);
}

nlohmann::json Summary(const std::string& id, const Value& m) {
  std::string snippet = Field(m, "body").substr(0, 120);
  return {{"id", id},
          {"thread", Field(m, "thread")},
          {"from", Field(m, "from")},
          {"to", Strings(m.Find("to"))},
          {"subject", Field(m, "subject")},
          {"date", Field(m, "date")},
          {"labels", Strings(m.Find("labels"))},
          {"attachments", m.Find("attachments")->size()},
          {"snippet", snippet}};
}

nlohmann::json Full(const std::string& id, const Value& m) {
  nlohmann::json out = m.ToJson();
  out["id"] = id;
  for (auto& a : out["attachments"]) a["link"] = FileLink(a["file_id"].get<std::string>());
  return out;
}

// Recipients as e-mail addresses: names and user ids of colleagues resolve to their address;
// company addresses must belong to someone (or be a list). Error text names the bad one.
base::Result<std::vector<std::string>> Recipients(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const std::string& r : given) {
    if (const Person* p = FindPerson(r)) {
      out.emplace_back(p->email);
      continue;
    }
    const size_t at = r.find('@');
    if (at == std::string::npos || at == 0 || r.find('.', at) == std::string::npos) {
      return base::Error::Invalid("'" + r +
                                  "' is neither an e-mail address nor a colleague's name");
    }
    if (r.substr(at + 1) == kCompanyDomain && r != "all@northwind.example") {
      return base::Error::Invalid("no one at " + std::string(kCompanyName) + " has the address '" +
                                  r + "'; look people up with chat_list_users");
    }
    out.push_back(r);
  }
  return out;
}

base::Result<Value> AttachmentsFor(const ToolContext& ctx, const std::vector<std::string>& ids) {
  std::vector<std::pair<std::string, std::string>> items;
  for (const std::string& id : ids) {
    const Value* file = FindFile(ctx.State(kFilesApp), id);
    if (file == nullptr || file->Find("trashed")->AsBool()) {
      return base::Error::Invalid("attachment '" + id +
                                  "' is not a file in Files; find its id with files_search");
    }
    items.emplace_back(id, Field(*file, "name"));
  }
  return Attachments(items);
}

ToolResult Search(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string query = Arg(args, "query"), label = Arg(args, "label"),
                    from = Arg(args, "from");
  if (!label.empty() && state.Find("labels")->Find(label) == nullptr)
    return ToolResult::Error("no label '" + label + "'; see mail_list_labels");
  const bool unread_only = args.value("unread_only", false);
  std::vector<std::pair<std::string, const Value*>> hits;
  for (const auto& [id, m] : state.Find("messages")->members()) {
    if (!label.empty() && !HasLabel(m, label)) continue;
    if (unread_only && !HasLabel(m, "unread")) continue;
    if (!from.empty() && !ContainsIgnoreCase(Field(m, "from"), from)) continue;
    if (!MatchesQuery(query, {Field(m, "subject"), Field(m, "body"), Field(m, "from")},
                      ctx.budget()))
      continue;
    hits.emplace_back(id, &m);
  }
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    return Field(*a.second, "date") > Field(*b.second, "date");
  });
  const size_t limit = args.value("limit", 20);
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < hits.size() && i < limit; ++i)
    out.push_back(Summary(hits[i].first, *hits[i].second));
  return OkJson({{"total", hits.size()}, {"messages", out}});
}

ToolResult Read(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "id");
  const Value* m = ctx.State(kApp).Find("messages")->Find(id);
  if (m == nullptr) return UnknownMessage(id);
  return OkJson(Full(id, *m));
}

ToolResult ReadThread(ToolContext& ctx, const nlohmann::json& args) {
  const std::string thread = Arg(args, "thread");
  std::vector<std::pair<std::string, const Value*>> found;
  for (const auto& [id, m] : ctx.State(kApp).Find("messages")->members()) {
    if (Field(m, "thread") == thread) found.emplace_back(id, &m);
  }
  if (found.empty())
    return ToolResult::Error("no thread '" + thread + "'; a message's \"thread\" field names it");
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return Field(*a.second, "date") < Field(*b.second, "date");
  });
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, m] : found) out.push_back(Full(id, *m));
  return OkJson({{"thread", thread}, {"messages", out}});
}

// Commits a new message in the sent folder; returns its id.
std::string Store(ToolContext& ctx, const std::string& thread_or_empty,
                  const std::vector<std::string>& to, const std::vector<std::string>& cc,
                  const std::string& subject, const std::string& body, Value attachments,
                  const std::string& in_reply_to) {
  const std::string id = ctx.NewId();
  const std::string thread = thread_or_empty.empty() ? id : thread_or_empty;
  Value m = Message(thread, MyEmail(), to, cc, NowText(ctx), subject, body, {"sent"},
                    std::move(attachments), in_reply_to);
  ctx.SetState(kApp, Put(ctx.State(kApp), Ptr({"messages", id}), std::move(m)));
  return id;
}

ToolResult Send(ToolContext& ctx, const nlohmann::json& args) {
  ASSAY_ASSIGN_OR_RETURN_TOOL(auto to, Recipients(ArgList(args, "to")));
  ASSAY_ASSIGN_OR_RETURN_TOOL(auto cc, Recipients(ArgList(args, "cc")));
  ASSAY_ASSIGN_OR_RETURN_TOOL(Value attachments, AttachmentsFor(ctx, ArgList(args, "attachments")));
  const std::string id =
      Store(ctx, "", to, cc, Arg(args, "subject"), Arg(args, "body"), std::move(attachments), "");
  return OkJson({{"id", id}, {"thread", id}, {"sent", true}});
}

std::string Prefixed(std::string_view prefix, const std::string& subject) {
  if (subject.size() >= prefix.size() &&
      ContainsIgnoreCase(subject.substr(0, prefix.size()), prefix))
    return subject;
  return std::string(prefix) + subject;
}

ToolResult Reply(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "id");
  const Value* m = ctx.State(kApp).Find("messages")->Find(id);
  if (m == nullptr) return UnknownMessage(id);
  const std::string me = MyEmail();
  std::vector<std::string> to, cc;
  if (Field(*m, "from") == me) {
    to = Strings(m->Find("to"));
  } else {
    to = {Field(*m, "from")};
  }
  if (args.value("reply_all", false)) {
    auto add = [&](std::vector<std::string>& into, const std::vector<std::string>& from) {
      for (const std::string& a : from) {
        if (a != me && std::find(to.begin(), to.end(), a) == to.end() &&
            std::find(cc.begin(), cc.end(), a) == cc.end())
          into.push_back(a);
      }
    };
    add(to, Strings(m->Find("to")));
    add(cc, Strings(m->Find("cc")));
  }
  if (Field(*m, "from").rfind("statements@", 0) == 0 ||
      Field(*m, "from").rfind("newsletter@", 0) == 0)
    return ToolResult::Error("the sender " + Field(*m, "from") + " does not accept replies");
  ASSAY_ASSIGN_OR_RETURN_TOOL(Value attachments, AttachmentsFor(ctx, ArgList(args, "attachments")));
  const std::string reply =
      Store(ctx, Field(*m, "thread"), to, cc, Prefixed("Re: ", Field(*m, "subject")),
            Arg(args, "body"), std::move(attachments), id);
  return OkJson({{"id", reply}, {"thread", Field(*m, "thread")}, {"to", to}, {"cc", cc}});
}

ToolResult Forward(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "id");
  const Value* m = ctx.State(kApp).Find("messages")->Find(id);
  if (m == nullptr) return UnknownMessage(id);
  ASSAY_ASSIGN_OR_RETURN_TOOL(auto to, Recipients(ArgList(args, "to")));
  ASSAY_ASSIGN_OR_RETURN_TOOL(auto cc, Recipients(ArgList(args, "cc")));
  const std::string body =
      Arg(args, "body") +
      "\n\n---------- Forwarded message ----------\nFrom: " + Field(*m, "from") +
      "\nDate: " + Field(*m, "date") + "\nSubject: " + Field(*m, "subject") + "\n\n" +
      Field(*m, "body");
  // The forward holds a copy of the original: without this bound, forwarding a forward grows a
  // message by the whole chain each time (n forwards store n²/2 copies of the first body).
  if (body.size() > kMaxBodyChars) {
    return ToolResult::Error("the forwarded message would be " + std::to_string(body.size()) +
                             " characters, over the " + std::to_string(kMaxBodyChars) +
                             " a message may hold; send a shorter note with mail_send instead");
  }
  const std::string fwd =
      Store(ctx, Field(*m, "thread"), to, cc, Prefixed("Fwd: ", Field(*m, "subject")), body,
            *m->Find("attachments"), id);
  return OkJson({{"id", fwd}, {"to", to}, {"attachments", m->Find("attachments")->size()}});
}

ToolResult Label(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "id");
  const Value* m = state.Find("messages")->Find(id);
  if (m == nullptr) return UnknownMessage(id);
  const std::vector<std::string> add = ArgList(args, "add"), remove = ArgList(args, "remove");
  if (add.empty() && remove.empty()) return ToolResult::Error("give labels to add or remove");
  std::vector<std::string> labels = Strings(m->Find("labels"));
  for (const std::string& l : add) {
    if (state.Find("labels")->Find(l) == nullptr)
      return ToolResult::Error("no label '" + l + "'; create it with mail_create_label first");
    if (l == "sent") return ToolResult::Error("'sent' is set by sending; it cannot be added");
    if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
  }
  for (const std::string& l : remove) {
    if (state.Find("labels")->Find(l) == nullptr)
      return ToolResult::Error("no label '" + l + "'; see mail_list_labels");
    labels.erase(std::remove(labels.begin(), labels.end(), l), labels.end());
  }
  std::sort(labels.begin(), labels.end());
  ctx.SetState(kApp, Put(state, Ptr({"messages", id, "labels"}), StringArray(labels)));
  return OkJson({{"id", id}, {"labels", labels}});
}

ToolResult ListLabels(ToolContext& ctx, const nlohmann::json&) {
  const Value& state = ctx.State(kApp);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, label] : state.Find("labels")->members()) {
    size_t total = 0, unread = 0;
    for (const auto& [id, m] : state.Find("messages")->members()) {
      if (!HasLabel(m, name)) continue;
      ++total;
      unread += HasLabel(m, "unread") ? 1 : 0;
    }
    out.push_back({{"name", name},
                   {"system", label.Find("system")->AsBool()},
                   {"messages", total},
                   {"unread", unread}});
  }
  return OkJson({{"labels", out}});
}

ToolResult CreateLabel(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string name = Arg(args, "name");
  if (state.Find("labels")->Find(name) != nullptr)
    return ToolResult::Error("label '" + name + "' already exists");
  ctx.SetState(kApp,
               Put(state, Ptr({"labels", name}), Value::Object({{"system", Value::Bool(false)}})));
  return OkJson({{"name", name}, {"created", true}});
}

}  // namespace

base::Status RegisterMailTools(ToolRegistry& r) {
  auto add = [&](const char* name, const char* description, const std::string& props,
                 const std::string& required, bool read_only, ToolHandler handler) {
    return AddTool(r, kApp, name, description, props, required, read_only, std::move(handler));
  };
  const std::string kId = R"("id":{"type":"string","description":"message id, e.g. m-001"})";
  const std::string kList =
      R"({"type":"array","items":{"type":"string","minLength":1},"maxItems":50,"description":"e-mail addresses or colleagues' names"})";
  const std::string kAttach =
      R"("attachments":{"type":"array","items":{"type":"string"},"maxItems":10,"description":"file ids from Files"})";
  const std::string kBody =
      R"("body":{"type":"string","maxLength":)" + std::to_string(kMaxBodyChars) + "}";
  ASSAY_TRY(add(
      "mail_search",
      "Search the mailbox, newest first: words in subject/body/sender, a label, a sender, "
      "unread only.",
      R"("query":{"type":"string"},"label":{"type":"string"},"from":{"type":"string"},)"
      R"("unread_only":{"type":"boolean"},"limit":{"type":"integer","minimum":1,"maximum":100})",
      "", true, Search));
  ASSAY_TRY(add("mail_read", "Read one message in full, with attachment links.", kId, R"("id")",
                true, Read));
  ASSAY_TRY(add("mail_read_thread", "Read every message of a thread, oldest first.",
                R"("thread":{"type":"string","description":"thread id, e.g. t-009"})",
                R"("thread")", true, ReadThread));
  ASSAY_TRY(add("mail_send", "Send a new message; attachments are file ids from Files.",
                R"("to":)" + kList + R"(,"cc":)" + kList +
                    R"(,"subject":{"type":"string","minLength":1,"maxLength":300},)" + kBody + "," +
                    kAttach,
                R"("to","subject","body")", false, Send));
  ASSAY_TRY(add("mail_reply",
                "Reply to a message in its thread (reply_all: also to its other recipients).",
                kId + "," + kBody + R"(,"reply_all":{"type":"boolean"},)" + kAttach,
                R"("id","body")", false, Reply));
  ASSAY_TRY(add("mail_forward", "Forward a message with its attachments, adding a note on top.",
                kId + R"(,"to":)" + kList + R"(,"cc":)" + kList + "," + kBody, R"("id","to")",
                false, Forward));
  ASSAY_TRY(
      add("mail_label",
          "Add or remove labels on a message (remove 'inbox' to archive, 'unread' to mark read).",
          kId + R"(,"add":{"type":"array","items":{"type":"string"}},)"
                R"("remove":{"type":"array","items":{"type":"string"}})",
          R"("id")", false, Label));
  ASSAY_TRY(add("mail_list_labels", "List labels with message and unread counts.", "", "", true,
                ListLabels));
  ASSAY_TRY(add("mail_create_label", "Create a label.",
                R"("name":{"type":"string","minLength":1,"maxLength":60})", R"("name")", false,
                CreateLabel));
  return base::Ok();
}

}  // namespace workplace

namespace workplace {

std::function<bool(const Value&)> SentTo(std::string to, std::vector<std::string> words,
                                         std::string thread) {
  return
      [to = std::move(to), words = std::move(words), thread = std::move(thread)](const Value& m) {
        if (!ListHas(m, "labels", "sent") || !ListHas(m, "to", to)) return false;
        if (!thread.empty() && Field(m, "thread") != thread) return false;
        return std::all_of(words.begin(), words.end(), [&](const std::string& w) {
          return ContainsIgnoreCase(Field(m, "body"), w);
        });
      };
}

namespace {

bool Attached(const Value& m, std::string_view file_id) {
  for (const Value& a : m.Find("attachments")->elements()) {
    if (Field(a, "file_id") == file_id) return true;
  }
  return false;
}

}  // namespace

base::Result<std::vector<Task>> MailTasks(const World& w, const ToolRegistry& tools) {
  std::vector<Task> tasks;
  tasks.push_back(
      TaskBuilder(
          "mail-archive-newsletter",
          "Archive the SaaS Weekly newsletter and mark it read. Leave everything else alone.", w)
          .Do("mail_search", {{"query", "SaaS Weekly"}})
          .Do("mail_label", {{"id", "m-006"}, {"remove", {"inbox", "unread"}}})
          .Expect(PathEquals("/mail/messages/m-006/labels", Value::Array({})))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("mail-label-statement",
                  "Create a mail label 'close/2025-10' and put it on the First Harbor Bank "
                  "October 2025 statement e-mail.",
                  w)
          .Do("mail_create_label", {{"name", "close/2025-10"}})
          .Do("mail_search", {{"query", "October statement"}, {"from", "firstharbor"}})
          .Do("mail_label", {{"id", "m-002"}, {"add", {"close/2025-10"}}})
          .Expect(PathExists("/mail/labels/close~12025-10"))
          .Expect(
              PathEquals("/mail/messages/m-002/labels", StringArray({"close/2025-10", "inbox"})))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("mail-star-invoice", "Star the CloudNine invoice e-mail and mark it as read.", w)
          .Do("mail_search", {{"query", "CloudNine invoice"}})
          .Do("mail_label", {{"id", "m-001"}, {"add", {"starred"}}, {"remove", {"unread"}}})
          .Expect(PathEquals("/mail/messages/m-001/labels", StringArray({"inbox", "starred"})))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("mail-forward-invoice",
                  "Amy Chen is preparing Friday's payment run. Forward her the CloudNine invoice "
                  "e-mail (with its attachment) and ask her to include it in the run.",
                  w)
          .Do("mail_search", {{"query", "CloudNine invoice"}})
          .Do("mail_forward",
              {{"id", "m-001"},
               {"to", {"amy.chen@northwind.example"}},
               {"body", "Amy, please include this in Friday's payment run. Thanks, Leo"}})
          .ExpectNew("/mail/messages", "a forward to Amy with INV-4471 attached",
                     [](const Value& m) {
                       return SentTo("amy.chen@northwind.example", {"payment run"})(m) &&
                              ContainsIgnoreCase(Field(m, "subject"), "INV-4471") &&
                              Attached(m, "f-inv-4471");
                     })
          .Build());
  tasks.push_back(
      TaskBuilder("mail-reply-halcyon",
                  "Kate asks whether Halcyon Health's wire for INV-2025-121 really arrived on "
                  "Oct 10. Check the October bank statement and reply to everyone on her latest "
                  "message with the date and the amount received.",
                  w)
          .Do("mail_read_thread", {{"thread", "t-009"}})
          .Do("mail_read", {{"id", "m-002"}})
          .Do("mail_reply",
              {{"id", "m-011"},
               {"reply_all", true},
               {"body",
                "Kate, confirmed: the First Harbor statement shows WIRE IN HALCYON HEALTH "
                "INV-2025-121 of $24,750.00 on 2025-10-10, before the due date. Leo"}})
          .ExpectNew("/mail/messages", "a reply-all in the Halcyon thread with the wire",
                     [](const Value& m) {
                       return SentTo("kate.morgan@northwind.example", {"24,750.00"})(m) &&
                              HasString(m, "thread", "t-009") &&
                              (ListHas(m, "cc", "ali.hassan@northwind.example") ||
                               ListHas(m, "to", "ali.hassan@northwind.example")) &&
                              (ContainsIgnoreCase(Field(m, "body"), "Oct 10") ||
                               ContainsIgnoreCase(Field(m, "body"), "2025-10-10") ||
                               ContainsIgnoreCase(Field(m, "body"), "October 10"));
                     })
          .Build());
  tasks.push_back(
      TaskBuilder("mail-send-accruals",
                  "E-mail Omar Haddad asking him to prepare the October accruals schedule by "
                  "Jan 7, and attach the Month-end close checklist from Files.",
                  w)
          .Do("files_search", {{"query", "close checklist"}})
          .Do("mail_send", {{"to", {"Omar Haddad"}},
                            {"subject", "October accruals schedule"},
                            {"body",
                             "Hi Omar, could you prepare the October accruals schedule "
                             "by Jan 7? The close checklist is attached. Thanks, Leo"},
                            {"attachments", {"f-close-checklist"}}})
          .ExpectNew("/mail/messages", "a message to Omar about accruals with the checklist",
                     [](const Value& m) {
                       return SentTo("omar.haddad@northwind.example", {"accrual"})(m) &&
                              Attached(m, "f-close-checklist");
                     })
          .Build());
  return tasks;
}

}  // namespace workplace

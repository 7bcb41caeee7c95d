#include "workplace/crm.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "workplace/app_kit.h"
#include "workplace/people.h"

namespace workplace {
namespace {

using kit::IntField;
using kit::Money;
using kit::Params;

const std::string kApp(kCrmApp);
constexpr const char* kStages[] = {"lead", "qualified", "proposal", "negotiation", "won", "lost"};
constexpr int kProbabilityPercent[] = {10, 25, 50, 75, 100, 0};

const Value& Crm(const ToolContext& ctx) { return ctx.State(kApp); }

int StageIndex(const std::string& stage) {
  for (int i = 0; i < 6; ++i) {
    if (stage == kStages[i]) return i;
  }
  return -1;
}
bool IsClosed(const std::string& stage) { return stage == "won" || stage == "lost"; }

std::string Today(const ToolContext& ctx) { return NowText(ctx).substr(0, 10); }

ToolResult NotFound(const char* what, const std::string& id, const char* how) {
  return ToolResult::Error(std::string("no ") + what + " '" + id + "'; " + how + " finds them");
}

std::optional<ToolResult> CheckOwner(const std::string& owner) {
  const Person* p = FindPerson(owner);
  if (p == nullptr || p->id != owner) {
    return ToolResult::Error("owner '" + owner +
                             "' is not a Northwind person id (e.g. u-mjohansson)");
  }
  return std::nullopt;
}

bool ValidEmail(const std::string& e) {
  const size_t at = e.find('@');
  return at != std::string::npos && at > 0 && e.find('.', at) != std::string::npos &&
         e.find(' ') == std::string::npos;
}

// --- tools -----------------------------------------------------------------------------------

ToolResult SearchContacts(ToolContext& ctx, const nlohmann::json& args) {
  const Value& crm = Crm(ctx);
  const std::string query = Arg(args, "query");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, c] : crm.Find("contacts")->members()) {
    const Value* co = crm.At(Ptr({"companies", Field(c, "company_id")}));
    const std::string company = co ? Field(*co, "name") : "";
    if (!MatchesQuery(query, {Field(c, "name"), Field(c, "email"), Field(c, "title"), company},
                      ctx.budget())) {
      continue;
    }
    nlohmann::json j = c.ToJson();
    j["company_name"] = company;
    out.push_back(std::move(j));
  }
  return OkJson(out);
}

ToolResult GetCompany(ToolContext& ctx, const nlohmann::json& args) {
  const Value& crm = Crm(ctx);
  const std::string id = Arg(args, "company_id");
  const Value* co = crm.At(Ptr({"companies", id}));
  if (co == nullptr) return NotFound("company", id, "crm_search_contacts or crm_list_deals");
  nlohmann::json out = co->ToJson();
  out["contacts"] = nlohmann::json::array();
  out["deals"] = nlohmann::json::array();
  out["activities"] = nlohmann::json::array();
  for (const auto& [cid, c] : crm.Find("contacts")->members()) {
    if (Field(c, "company_id") == id) out["contacts"].push_back(c.ToJson());
  }
  for (const auto& [did, d] : crm.Find("deals")->members()) {
    if (Field(d, "company_id") == id) out["deals"].push_back(d.ToJson());
  }
  for (const auto& [aid, a] : crm.Find("activities")->members()) {
    if (Field(a, "company_id") == id) out["activities"].push_back(a.ToJson());
  }
  return OkJson(out);
}

ToolResult ListDeals(ToolContext& ctx, const nlohmann::json& args) {
  const std::string stage = Arg(args, "stage"), owner = Arg(args, "owner_id"),
                    company = Arg(args, "company_id");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, d] : Crm(ctx).Find("deals")->members()) {
    if (!stage.empty() && stage != "open" && Field(d, "stage") != stage) continue;
    if (stage == "open" && IsClosed(Field(d, "stage"))) continue;
    if (!owner.empty() && Field(d, "owner_id") != owner) continue;
    if (!company.empty() && Field(d, "company_id") != company) continue;
    out.push_back(d.ToJson());
  }
  return OkJson(out);
}

ToolResult CreateCompany(ToolContext& ctx, const nlohmann::json& args) {
  const Value& crm = Crm(ctx);
  const std::string name = Arg(args, "name");
  if (const Value* dup = kit::FindRecord(crm.Find("companies"), [&](const Value& c) {
        return ContainsIgnoreCase(Field(c, "name"), name) && Field(c, "name").size() == name.size();
      })) {
    return ToolResult::Error("company '" + name + "' already exists as " + Field(*dup, "id"));
  }
  const std::string id = ctx.NewId();
  Value co = Value::Object({{"id", Value::String(id)},
                            {"name", Value::String(name)},
                            {"industry", Value::String(Arg(args, "industry"))},
                            {"website", Value::String(Arg(args, "website"))}});
  ctx.SetState(kApp, Put(crm, Ptr({"companies", id}), co));
  return kit::OkValue(co);
}

ToolResult CreateContact(ToolContext& ctx, const nlohmann::json& args) {
  const Value& crm = Crm(ctx);
  const std::string email = Arg(args, "email"), company = Arg(args, "company_id");
  if (!ValidEmail(email)) return ToolResult::Error("'" + email + "' is not an e-mail address");
  if (crm.At(Ptr({"companies", company})) == nullptr) {
    return NotFound("company", company, "crm_get_company / crm_search_contacts");
  }
  if (const Value* dup = kit::FindRecord(crm.Find("contacts"), [&](const Value& c) {
        return ContainsIgnoreCase(Field(c, "email"), email) &&
               Field(c, "email").size() == email.size();
      })) {
    return ToolResult::Error("a contact with " + email + " already exists: " + Field(*dup, "id") +
                             " (" + Field(*dup, "name") + ")");
  }
  const std::string id = ctx.NewId();
  Value c = Value::Object({{"id", Value::String(id)},
                           {"name", Value::String(Arg(args, "name"))},
                           {"email", Value::String(email)},
                           {"phone", Value::String(Arg(args, "phone"))},
                           {"title", Value::String(Arg(args, "title"))},
                           {"company_id", Value::String(company)}});
  ctx.SetState(kApp, Put(crm, Ptr({"contacts", id}), c));
  return kit::OkValue(c);
}

ToolResult UpdateContact(ToolContext& ctx, const nlohmann::json& args) {
  const Value& crm = Crm(ctx);
  const std::string id = Arg(args, "contact_id");
  const Value* c = crm.At(Ptr({"contacts", id}));
  if (c == nullptr) return NotFound("contact", id, "crm_search_contacts");
  Value updated = *c;
  if (args.contains("email")) {
    const std::string email = Arg(args, "email");
    if (!ValidEmail(email)) return ToolResult::Error("'" + email + "' is not an e-mail address");
    updated = updated.With("email", Value::String(email));
  }
  if (args.contains("company_id")) {
    const std::string company = Arg(args, "company_id");
    if (crm.At(Ptr({"companies", company})) == nullptr) {
      return NotFound("company", company, "crm_get_company / crm_search_contacts");
    }
    updated = updated.With("company_id", Value::String(company));
  }
  for (const char* key : {"name", "title", "phone"}) {
    if (args.contains(key)) updated = updated.With(key, Value::String(Arg(args, key)));
  }
  ctx.SetState(kApp, Put(crm, Ptr({"contacts", id}), updated));
  return kit::OkValue(updated);
}

// A contact, if given, must work at the deal's company.
std::optional<ToolResult> CheckContactAt(const Value& crm, const std::string& contact,
                                         const std::string& company) {
  if (contact.empty()) return std::nullopt;
  const Value* c = crm.At(Ptr({"contacts", contact}));
  if (c == nullptr) return NotFound("contact", contact, "crm_search_contacts");
  if (Field(*c, "company_id") != company) {
    return ToolResult::Error("contact " + contact + " (" + Field(*c, "name") + ") works at " +
                             Field(*c, "company_id") + ", not " + company);
  }
  return std::nullopt;
}

ToolResult CreateDeal(ToolContext& ctx, const nlohmann::json& args) {
  const Value& crm = Crm(ctx);
  const std::string company = Arg(args, "company_id"), contact = Arg(args, "contact_id");
  const std::string owner = Arg(args, "owner_id"), stage = Arg(args, "stage", "lead");
  const std::string close = Arg(args, "expected_close");
  if (crm.At(Ptr({"companies", company})) == nullptr) {
    return NotFound("company", company, "crm_search_contacts");
  }
  if (auto err = CheckContactAt(crm, contact, company)) return *err;
  if (auto err = CheckOwner(owner)) return *err;
  if (IsClosed(stage))
    return ToolResult::Error("a new deal starts open; move it to won/lost later");
  if (!kit::IsDate(close)) return ToolResult::Error("expected_close must be YYYY-MM-DD");
  const std::string id = ctx.NewId();
  Value d = Value::Object({{"id", Value::String(id)},
                           {"name", Value::String(Arg(args, "name"))},
                           {"company_id", Value::String(company)},
                           {"contact_id", Value::String(contact)},
                           {"amount_cents", Value::Int(args["amount_cents"].get<int64_t>())},
                           {"stage", Value::String(stage)},
                           {"owner_id", Value::String(owner)},
                           {"expected_close", Value::String(close)},
                           {"closed_on", Value::String("")},
                           {"lost_reason", Value::String("")},
                           {"history", Value::Array({})}});
  ctx.SetState(kApp, Put(crm, Ptr({"deals", id}), d));
  return kit::OkValue(d);
}

ToolResult MoveDeal(ToolContext& ctx, const nlohmann::json& args) {
  const Value& crm = Crm(ctx);
  const std::string id = Arg(args, "deal_id"), stage = Arg(args, "stage");
  const Value* d = crm.At(Ptr({"deals", id}));
  if (d == nullptr) return NotFound("deal", id, "crm_list_deals");
  const std::string from = Field(*d, "stage");
  if (IsClosed(from)) {
    return ToolResult::Error("deal " + id + " is closed (" + from +
                             "); open a new deal instead of reopening it");
  }
  if (from == stage) return ToolResult::Error("deal " + id + " is already in " + stage);
  Value updated = d->With("stage", Value::String(stage));
  if (stage == "lost") {
    const std::string reason = Arg(args, "lost_reason");
    if (reason.empty()) return ToolResult::Error("give lost_reason when marking a deal lost");
    updated = updated.With("lost_reason", Value::String(reason));
  }
  if (stage == "won" && Field(*d, "contact_id").empty()) {
    return ToolResult::Error("deal " + id +
                             " has no contact; set contact_id (crm_update_deal) "
                             "before marking it won");
  }
  if (IsClosed(stage)) updated = updated.With("closed_on", Value::String(Today(ctx)));
  Value step = Value::Object({{"from", Value::String(from)},
                              {"to", Value::String(stage)},
                              {"at_us", Value::Int(ctx.NowMicros())}});
  updated = updated.With("history", d->Find("history")->Appended(step));
  ctx.SetState(kApp, Put(crm, Ptr({"deals", id}), updated));
  return kit::OkValue(updated);
}

ToolResult UpdateDeal(ToolContext& ctx, const nlohmann::json& args) {
  const Value& crm = Crm(ctx);
  const std::string id = Arg(args, "deal_id");
  const Value* d = crm.At(Ptr({"deals", id}));
  if (d == nullptr) return NotFound("deal", id, "crm_list_deals");
  const bool closed = IsClosed(Field(*d, "stage"));
  Value updated = *d;
  if (auto amount = kit::OptInt(args, "amount_cents")) {
    if (closed) return ToolResult::Error("deal " + id + " is closed; its amount is final");
    updated = updated.With("amount_cents", Value::Int(*amount));
  }
  if (args.contains("owner_id")) {
    if (auto err = CheckOwner(Arg(args, "owner_id"))) return *err;
    updated = updated.With("owner_id", Value::String(Arg(args, "owner_id")));
  }
  if (args.contains("contact_id")) {
    if (auto err = CheckContactAt(crm, Arg(args, "contact_id"), Field(*d, "company_id"))) {
      return *err;
    }
    updated = updated.With("contact_id", Value::String(Arg(args, "contact_id")));
  }
  if (args.contains("expected_close")) {
    if (!kit::IsDate(Arg(args, "expected_close"))) {
      return ToolResult::Error("expected_close must be YYYY-MM-DD");
    }
    updated = updated.With("expected_close", Value::String(Arg(args, "expected_close")));
  }
  ctx.SetState(kApp, Put(crm, Ptr({"deals", id}), updated));
  return kit::OkValue(updated);
}

ToolResult LogActivity(ToolContext& ctx, const nlohmann::json& args) {
  const Value& crm = Crm(ctx);
  const std::string contact = Arg(args, "contact_id"), deal = Arg(args, "deal_id");
  if (contact.empty() && deal.empty()) {
    return ToolResult::Error("give contact_id, deal_id or both: an activity is about someone");
  }
  std::string company;
  if (!deal.empty()) {
    const Value* d = crm.At(Ptr({"deals", deal}));
    if (d == nullptr) return NotFound("deal", deal, "crm_list_deals");
    company = Field(*d, "company_id");
    if (auto err = CheckContactAt(crm, contact, company)) return *err;
  } else {
    const Value* c = crm.At(Ptr({"contacts", contact}));
    if (c == nullptr) return NotFound("contact", contact, "crm_search_contacts");
    company = Field(*c, "company_id");
  }
  const std::string date = Arg(args, "date", Today(ctx));
  if (!kit::IsDate(date)) return ToolResult::Error("date must be YYYY-MM-DD");
  const std::string id = ctx.NewId();
  Value a = Value::Object({{"id", Value::String(id)},
                           {"kind", Value::String(Arg(args, "kind"))},
                           {"subject", Value::String(Arg(args, "subject"))},
                           {"body", Value::String(Arg(args, "body"))},
                           {"contact_id", Value::String(contact)},
                           {"deal_id", Value::String(deal)},
                           {"company_id", Value::String(company)},
                           {"date", Value::String(date)},
                           {"logged_by", Value::String(std::string(kMeId))},
                           {"logged_at_us", Value::Int(ctx.NowMicros())}});
  ctx.SetState(kApp, Put(crm, Ptr({"activities", id}), a));
  return kit::OkValue(a);
}

ToolResult PipelineSummary(ToolContext& ctx, const nlohmann::json& args) {
  const std::string owner = Arg(args, "owner_id");
  int64_t count[6] = {}, total[6] = {};
  for (const auto& [id, d] : Crm(ctx).Find("deals")->members()) {
    if (!owner.empty() && Field(d, "owner_id") != owner) continue;
    int i = StageIndex(Field(d, "stage"));
    if (i < 0) continue;
    ++count[i];
    total[i] += IntField(d, "amount_cents");
  }
  nlohmann::json stages = nlohmann::json::array();
  int64_t weighted = 0, open_total = 0;
  for (int i = 0; i < 6; ++i) {
    stages.push_back({{"stage", kStages[i]},
                      {"deals", count[i]},
                      {"amount_cents", total[i]},
                      {"probability_percent", kProbabilityPercent[i]}});
    if (!IsClosed(kStages[i])) {
      weighted += total[i] * kProbabilityPercent[i] / 100;
      open_total += total[i];
    }
  }
  return OkJson({{"stages", stages},
                 {"open_pipeline_cents", open_total},
                 {"weighted_pipeline_cents", weighted}});
}

}  // namespace

base::Status RegisterCrmTools(ToolRegistry& r) {
  const std::string stage_enum =
      R"({"type":"string","enum":["lead","qualified","proposal","negotiation","won","lost"]})";
  const std::vector<Tool> tools = {
      {"crm_search_contacts", "Find contacts by words in name, e-mail, title or company name.",
       Params(R"("query":{"type":"string"})", R"("query")"), true, kApp, SearchContacts},
      {"crm_get_company", "A company with its contacts, deals and activities.",
       Params(R"("company_id":{"type":"string"})", R"("company_id")"), true, kApp, GetCompany},
      {"crm_list_deals",
       "Deals; filter by stage (or \"open\" for every stage but won/lost), owner or company.",
       Params(
           R"("stage":{"type":"string","enum":["lead","qualified","proposal","negotiation","won","lost","open"]},
              "owner_id":{"type":"string"},"company_id":{"type":"string"})",
           ""),
       true, kApp, ListDeals},
      {"crm_create_company", "Add a company.",
       Params(
           R"("name":{"type":"string","minLength":1},"industry":{"type":"string"},"website":{"type":"string"})",
           R"("name")"),
       false, kApp, CreateCompany},
      {"crm_create_contact", "Add a contact at a company (e-mail must be new).",
       Params(R"("name":{"type":"string","minLength":1},"email":{"type":"string"},
              "company_id":{"type":"string"},"title":{"type":"string"},"phone":{"type":"string"})",
              R"("name","email","company_id")"),
       false, kApp, CreateContact},
      {"crm_update_contact", "Change a contact's name, title, e-mail, phone or company.",
       Params(R"("contact_id":{"type":"string"},"name":{"type":"string","minLength":1},
              "title":{"type":"string"},"email":{"type":"string"},"phone":{"type":"string"},
              "company_id":{"type":"string"})",
              R"("contact_id")"),
       false, kApp, UpdateContact},
      {"crm_create_deal", "Open a deal (stage lead..negotiation) for a company.",
       Params(R"("name":{"type":"string","minLength":1},"company_id":{"type":"string"},
              "contact_id":{"type":"string"},"amount_cents":{"type":"integer","minimum":0},
              "stage":)" +
                  stage_enum + R"(,"owner_id":{"type":"string","description":"person id"},
              "expected_close":{"type":"string","description":"YYYY-MM-DD"})",
              R"("name","company_id","amount_cents","owner_id","expected_close")"),
       false, kApp, CreateDeal},
      {"crm_move_deal",
       "Move a deal to another stage. won/lost close it for good (won needs a contact; lost needs "
       "lost_reason).",
       Params(R"("deal_id":{"type":"string"},"stage":)" + stage_enum +
                  R"(,"lost_reason":{"type":"string"})",
              R"("deal_id","stage")"),
       false, kApp, MoveDeal},
      {"crm_update_deal", "Change a deal's amount (open deals), owner, contact or expected close.",
       Params(R"("deal_id":{"type":"string"},"amount_cents":{"type":"integer","minimum":0},
              "owner_id":{"type":"string"},"contact_id":{"type":"string"},
              "expected_close":{"type":"string"})",
              R"("deal_id")"),
       false, kApp, UpdateDeal},
      {"crm_log_activity",
       "Log a call, email, meeting or note about a contact and/or a deal (date defaults to today).",
       Params(R"("kind":{"type":"string","enum":["call","email","meeting","note"]},
              "subject":{"type":"string","minLength":1},"body":{"type":"string"},
              "contact_id":{"type":"string"},"deal_id":{"type":"string"},"date":{"type":"string"})",
              R"("kind","subject")"),
       false, kApp, LogActivity},
      {"crm_pipeline_summary",
       "Deals per stage with totals, the open pipeline and its probability-weighted value.",
       Params(R"("owner_id":{"type":"string"})", ""), true, kApp, PipelineSummary},
  };
  for (const Tool& tool : tools) ASSAY_TRY(r.Register(tool));
  return base::Ok();
}

// --- seed ------------------------------------------------------------------------------------

namespace {

constexpr int64_t kSeedUs = 1'766'000'000'000'000;  // 2025-12-17

nlohmann::json Deal(const char* id, const char* name, const char* company, const char* contact,
                    int64_t amount_cents, const char* stage, const char* owner,
                    const char* expected_close, const char* closed_on = "",
                    const char* lost_reason = "") {
  return {{"id", id},
          {"name", name},
          {"company_id", company},
          {"contact_id", contact},
          {"amount_cents", amount_cents},
          {"stage", stage},
          {"owner_id", owner},
          {"expected_close", expected_close},
          {"closed_on", closed_on},
          {"lost_reason", lost_reason},
          {"history", nlohmann::json::array()}};
}

}  // namespace

Value CrmSeed() {
  nlohmann::json companies = nlohmann::json::object();
  const std::tuple<const char*, const char*, const char*, const char*> kCompanies[] = {
      {"co-contoso", "Contoso Retail", "Retail", "contoso.example"},
      {"co-fabrikam", "Fabrikam Inc", "Manufacturing", "fabrikam.example"},
      {"co-litware", "Litware Inc", "Software", "litware.example"},
      {"co-tailspin", "Tailspin Toys", "Consumer goods", "tailspintoys.example"},
      {"co-wingtip", "Wingtip Toys", "Retail", "wingtiptoys.example"},
      {"co-bluepeak", "BluePeak Logistics", "Logistics", "bluepeak.example"},
      {"co-woodgrove", "Woodgrove Bank", "Financial services", "woodgrovebank.example"},
      {"co-alpine", "Alpine Ski House", "Hospitality", "alpineskihouse.example"},
      {"co-verdant", "Verdant Foods", "Food & beverage", "verdantfoods.example"},
      {"co-halcyon", "Halcyon Health", "Healthcare", "halcyonhealth.example"},
  };
  for (const auto& [id, name, industry, site] : kCompanies) {
    companies[id] = {{"id", id}, {"name", name}, {"industry", industry}, {"website", site}};
  }
  nlohmann::json contacts = nlohmann::json::object();
  const std::tuple<const char*, const char*, const char*, const char*, const char*> kContacts[] = {
      {"ct-01", "Rachel Green", "rachel.green@contoso.example", "VP Merchandising", "co-contoso"},
      {"ct-02", "Daniel Brooks", "daniel.brooks@contoso.example", "Finance Director", "co-contoso"},
      {"ct-03", "Helen Zhao", "helen.zhao@fabrikam.example", "Head of Planning", "co-fabrikam"},
      {"ct-04", "Marco Rossi", "marco.rossi@fabrikam.example", "Data Lead", "co-fabrikam"},
      {"ct-05", "Kenji Tanaka", "kenji.tanaka@litware.example", "COO", "co-litware"},
      {"ct-06", "Laura Schmidt", "laura.schmidt@litware.example", "Procurement Manager",
       "co-litware"},
      {"ct-07", "Peter Walsh", "peter.walsh@tailspintoys.example", "CMO", "co-tailspin"},
      {"ct-08", "Aisha Bello", "aisha.bello@tailspintoys.example", "Analytics Manager",
       "co-tailspin"},
      {"ct-09", "Chris Doyle", "chris.doyle@wingtiptoys.example", "CEO", "co-wingtip"},
      {"ct-10", "Fatima Khan", "fatima.khan@wingtiptoys.example", "Controller", "co-wingtip"},
      {"ct-11", "Greg Lawson", "greg.lawson@bluepeak.example", "VP Operations", "co-bluepeak"},
      {"ct-12", "Yuki Sato", "yuki.sato@bluepeak.example", "Routing Planner", "co-bluepeak"},
      {"ct-13", "Victor Mendes", "victor.mendes@woodgrovebank.example", "Chief Risk Officer",
       "co-woodgrove"},
      {"ct-14", "Ella Thompson", "ella.thompson@woodgrovebank.example", "Risk Analytics Lead",
       "co-woodgrove"},
      {"ct-15", "Lars Eriksson", "lars.eriksson@alpineskihouse.example", "General Manager",
       "co-alpine"},
      {"ct-16", "Nadia Popescu", "nadia.popescu@alpineskihouse.example", "Revenue Manager",
       "co-alpine"},
      {"ct-17", "Owen Hughes", "owen.hughes@verdantfoods.example", "CTO", "co-verdant"},
      {"ct-18", "Maya Cohen", "maya.cohen@verdantfoods.example", "Data Engineer", "co-verdant"},
      {"ct-19", "Sergio Ruiz", "sergio.ruiz@halcyonhealth.example", "Controller", "co-halcyon"},
      {"ct-20", "Julia Weber", "julia.weber@halcyonhealth.example", "Head of BI", "co-halcyon"},
  };
  for (const auto& [id, name, email, title, company] : kContacts) {
    contacts[id] = {{"id", id},    {"name", name},   {"email", email},
                    {"phone", ""}, {"title", title}, {"company_id", company}};
  }
  nlohmann::json deals = nlohmann::json::object();
  for (nlohmann::json d : {
           Deal("dl-301", "Contoso demand forecasting expansion", "co-contoso", "ct-01", 3000000,
                "qualified", "u-mjohansson", "2026-03-20"),
           Deal("dl-302", "Fabrikam forecasting pilot, phase 2", "co-fabrikam", "ct-03", 4800000,
                "proposal", "u-mjohansson", "2026-02-27"),
           Deal("dl-303", "Litware dashboard subscription renewal 2026", "co-litware", "ct-05",
                3900000, "negotiation", "u-sreyes", "2026-01-30"),
           Deal("dl-304", "Tailspin churn model to production", "co-tailspin", "ct-08", 2200000,
                "proposal", "u-sreyes", "2026-02-13"),
           Deal("dl-305", "Wingtip analytics retainer", "co-wingtip", "ct-09", 1500000,
                "negotiation", "u-mjohansson", "2025-12-31"),
           Deal("dl-306", "BluePeak route analytics, phase 2", "co-bluepeak", "ct-11", 6000000,
                "lead", "u-bcarter", "2026-04-24"),
           Deal("dl-307", "Woodgrove risk dashboard", "co-woodgrove", "ct-13", 8500000, "qualified",
                "u-bcarter", "2026-03-27"),
           Deal("dl-308", "Alpine booking forecast", "co-alpine", "ct-16", 1800000, "lead",
                "u-sreyes", "2026-03-13"),
           Deal("dl-309", "Verdant data platform audit", "co-verdant", "ct-17", 1200000, "lost",
                "u-sreyes", "2025-10-15", "2025-10-09", "Chose a larger consultancy"),
           Deal("dl-310", "Halcyon Health renewal + expansion", "co-halcyon", "ct-19", 7200000,
                "negotiation", "u-ahassan", "2026-01-09"),
           Deal("dl-311", "Fabrikam forecasting pilot, phase 1", "co-fabrikam", "ct-03", 2400000,
                "won", "u-mjohansson", "2025-10-07", "2025-10-07"),
           Deal("dl-312", "Verdant demand forecast subscription, Q4", "co-verdant", "ct-18", 960075,
                "won", "u-sreyes", "2025-09-30", "2025-09-30"),
       }) {
    deals[d["id"].get<std::string>()] = d;
  }
  nlohmann::json activities = {
      {"act-01",
       {{"id", "act-01"},
        {"kind", "meeting"},
        {"subject", "Phase 2 scoping workshop"},
        {"body", "Helen wants phase 2 to cover all three plants."},
        {"contact_id", "ct-03"},
        {"deal_id", "dl-302"},
        {"company_id", "co-fabrikam"},
        {"date", "2025-12-10"},
        {"logged_by", "u-mjohansson"},
        {"logged_at_us", kSeedUs}}},
      {"act-02",
       {{"id", "act-02"},
        {"kind", "email"},
        {"subject", "Wingtip retainer terms"},
        {"body", "Chris asked for net-30 payment terms; agreed."},
        {"contact_id", "ct-09"},
        {"deal_id", "dl-305"},
        {"company_id", "co-wingtip"},
        {"date", "2025-12-22"},
        {"logged_by", "u-mjohansson"},
        {"logged_at_us", kSeedUs}}},
  };
  nlohmann::json stages = nlohmann::json::array();
  for (const char* s : kStages) stages.push_back(s);
  return Value::FromJson({{"company", std::string(kCompanyName)},
                          {"stages", stages},
                          {"companies", companies},
                          {"contacts", contacts},
                          {"deals", deals},
                          {"activities", activities}});
}

// --- tasks -----------------------------------------------------------------------------------

namespace {

std::string CrmPath(std::initializer_list<std::string_view> tokens) {
  return kit::AppPath(kApp, tokens);
}

// Some record of `collection` satisfies `match`.
Predicate HasRecord(const char* collection, std::string description,
                    std::function<bool(const Value&)> match) {
  return kit::Holds(description,
                    [collection, description, match](const World& w) -> std::optional<std::string> {
                      if (kit::FindRecord(w.Get(kApp).Find(collection), match) == nullptr) {
                        return "none: " + description;
                      }
                      return std::nullopt;
                    });
}

}  // namespace

base::Result<std::vector<Task>> CrmTasks(const World& w, const ToolRegistry& /*tools*/) {
  std::vector<Task> tasks;
  tasks.push_back(kit::MakeTask(
      "crm-move-tailspin",
      "Tailspin Toys accepted our proposal in principle; move their churn model deal to "
      "negotiation.",
      w, {kit::Act("crm_move_deal", {{"deal_id", "dl-304"}, {"stage", "negotiation"}})},
      {PathEquals(CrmPath({"deals", "dl-304", "stage"}), Value::String("negotiation"))},
      kit::Changes({CrmPath({"deals", "dl-304"})})));

  tasks.push_back(kit::MakeTask(
      "crm-lost-alpine",
      "Alpine Ski House decided to build their booking forecast with an in-house team. Mark the "
      "deal lost with that reason.",
      w,
      {kit::Act("crm_move_deal", {{"deal_id", "dl-308"},
                                  {"stage", "lost"},
                                  {"lost_reason", "Building it with an in-house team"}})},
      {PathEquals(CrmPath({"deals", "dl-308", "stage"}), Value::String("lost")),
       kit::Holds("lost reason mentions in-house",
                  [](const World& fw) -> std::optional<std::string> {
                    const Value* d = fw.Get(kApp).At("/deals/dl-308");
                    if (d == nullptr || !ContainsIgnoreCase(Field(*d, "lost_reason"), "in-house")) {
                      return std::string("lost_reason does not say in-house");
                    }
                    return std::nullopt;
                  })},
      kit::Changes({CrmPath({"deals", "dl-308"})})));

  tasks.push_back(kit::MakeTask(
      "crm-new-contact",
      "Add a contact at Woodgrove Bank: Priya Nair, VP Data, priya.nair@woodgrovebank.example.", w,
      {kit::Act("crm_create_contact", {{"name", "Priya Nair"},
                                       {"email", "priya.nair@woodgrovebank.example"},
                                       {"company_id", "co-woodgrove"},
                                       {"title", "VP Data"}})},
      {HasRecord("contacts", "Priya Nair, VP Data at co-woodgrove",
                 [](const Value& c) {
                   return Field(c, "name") == "Priya Nair" &&
                          Field(c, "company_id") == "co-woodgrove" &&
                          Field(c, "email") == "priya.nair@woodgrovebank.example" &&
                          ContainsIgnoreCase(Field(c, "title"), "VP Data");
                 })},
      kit::Changes({CrmPath({"contacts"})})));

  tasks.push_back(kit::MakeTask(
      "crm-log-call",
      "Log today's call with Kenji Tanaka of Litware on the 2026 renewal deal: pricing for 2026 "
      "seats was agreed in principle.",
      w,
      {kit::Act("crm_log_activity", {{"kind", "call"},
                                     {"subject", "2026 renewal pricing"},
                                     {"body", "Pricing for 2026 seats agreed in principle."},
                                     {"contact_id", "ct-05"},
                                     {"deal_id", "dl-303"}})},
      {HasRecord("activities", "a call with ct-05 on dl-303 today about pricing",
                 [](const Value& a) {
                   return Field(a, "kind") == "call" && Field(a, "contact_id") == "ct-05" &&
                          Field(a, "deal_id") == "dl-303" && Field(a, "date") == "2026-01-01" &&
                          (ContainsIgnoreCase(Field(a, "subject"), "pric") ||
                           ContainsIgnoreCase(Field(a, "body"), "pric"));
                 })},
      kit::Changes({CrmPath({"activities"})})));

  tasks.push_back(kit::MakeTask(
      "crm-new-deal",
      "Open a deal for Contoso Retail: 'Store traffic analytics', $30,000, stage qualified, "
      "owned by Mia Johansson, expected to close 2026-03-31, with Rachel Green as the contact.",
      w,
      {kit::Act("crm_create_deal", {{"name", "Store traffic analytics"},
                                    {"company_id", "co-contoso"},
                                    {"contact_id", "ct-01"},
                                    {"amount_cents", 3000000},
                                    {"stage", "qualified"},
                                    {"owner_id", "u-mjohansson"},
                                    {"expected_close", "2026-03-31"}})},
      {HasRecord("deals", "qualified $30,000 Contoso deal for Mia closing 2026-03-31",
                 [](const Value& d) {
                   return Field(d, "company_id") == "co-contoso" &&
                          IntField(d, "amount_cents") == 3000000 &&
                          Field(d, "stage") == "qualified" &&
                          Field(d, "owner_id") == "u-mjohansson" &&
                          Field(d, "contact_id") == "ct-01" &&
                          Field(d, "expected_close") == "2026-03-31" &&
                          ContainsIgnoreCase(Field(d, "name"), "traffic");
                 })},
      kit::Changes({CrmPath({"deals"})})));

  tasks.push_back(kit::MakeTask(
      "crm-contact-moved",
      "Maya Cohen left Verdant Foods and is now Head of Analytics at Fabrikam Inc, e-mail "
      "maya.cohen@fabrikam.example. Update her contact.",
      w,
      {kit::Act("crm_update_contact", {{"contact_id", "ct-18"},
                                       {"company_id", "co-fabrikam"},
                                       {"title", "Head of Analytics"},
                                       {"email", "maya.cohen@fabrikam.example"}})},
      {PathEquals(CrmPath({"contacts", "ct-18", "company_id"}), Value::String("co-fabrikam")),
       PathEquals(CrmPath({"contacts", "ct-18", "title"}), Value::String("Head of Analytics")),
       PathEquals(CrmPath({"contacts", "ct-18", "email"}),
                  Value::String("maya.cohen@fabrikam.example"))},
      kit::Changes({CrmPath({"contacts", "ct-18"})})));

  tasks.push_back(kit::MakeTask(
      "crm-reassign-sam",
      "Sam Reyes (u-sreyes) starts parental leave: reassign his open deals (not won or lost) to "
      "Mia Johansson (u-mjohansson).",
      w,
      {kit::Act("crm_update_deal", {{"deal_id", "dl-303"}, {"owner_id", "u-mjohansson"}}),
       kit::Act("crm_update_deal", {{"deal_id", "dl-304"}, {"owner_id", "u-mjohansson"}}),
       kit::Act("crm_update_deal", {{"deal_id", "dl-308"}, {"owner_id", "u-mjohansson"}})},
      {PathEquals(CrmPath({"deals", "dl-303", "owner_id"}), Value::String("u-mjohansson")),
       PathEquals(CrmPath({"deals", "dl-304", "owner_id"}), Value::String("u-mjohansson")),
       PathEquals(CrmPath({"deals", "dl-308", "owner_id"}), Value::String("u-mjohansson"))},
      {{CrmPath({"deals", "dl-303", "owner_id"}), Value::String("u-mjohansson")},
       {CrmPath({"deals", "dl-304", "owner_id"}), Value::String("u-mjohansson")},
       {CrmPath({"deals", "dl-308", "owner_id"}), Value::String("u-mjohansson")}}));
  return tasks;
}

}  // namespace workplace

// The demo's people (issue 12): profiles in several domains and languages, one expert writing
// Arabic, qualified and unqualified experts, a project with requirements and a contract, and an
// expert told in words why she cannot take its work.
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "demo/demo.h"

namespace demo {
namespace {

using accounts::Caller;
using nlohmann::json;

struct DemoProfile {
  const char* headline;
  const char* bio;
  std::vector<std::string> domains;
  std::vector<people::LanguageSkill> languages;
  int64_t rate_cents;
  const char* timezone;
  int64_t hours;
};

// By login, after the manager: Amara, Jonas, Priya, Layla.
const DemoProfile kProfiles[] = {
    {"Physician, internal medicine and cardiology, 14 years",
     "Consultant physician in Lagos and London. I review answers on **chest pain, hypertension** and "
     "medication safety.",
     {"medicine/cardiology", "medicine/general-practice"},
     {{"en", "native"}, {"fr", "C1"}, {"ig", "native"}},
     15000,
     "Europe/London",
     12},
    {"Contract lawyer (German and English law)",
     "Ten years drafting and reviewing commercial contracts; I check legal answers for jurisdiction "
     "slips and missing caveats.",
     {"law/contracts", "law/employment"},
     {{"de", "native"}, {"en", "C2"}},
     12000,
     "Europe/Berlin",
     8},
    {"Chartered accountant, tax and audit",
     "Indirect tax and audit. I flag answers that mix up jurisdictions or thresholds.",
     {"accounting/tax", "accounting/audit"},
     {{"en", "C2"}, {"hi", "native"}, {"ta", "native"}},
     9000,
     "Asia/Kolkata",
     20},
    {"Clinical pharmacist, Arabic and English",
     "Hospital pharmacist in Amman. I review medication answers in Arabic (Levantine and Modern "
     "Standard) and English.",
     {"medicine/pharmacology", "medicine/general-practice"},
     {{"ar", "native"}, {"en", "C1"}},
     8500,
     "Asia/Amman",
     15},
};

constexpr const char* kTerms =
    "# Expert services terms\n\n"
    "1. **Your work.** You label, rank and rewrite model answers in your field of expertise.\n"
    "2. **Intellectual property.** You assign to the client all rights in the labels, rankings and "
    "rewrites you submit, and you confirm they are your own work.\n"
    "3. **Confidentiality.** Prompts, answers and guidelines are confidential: do not copy, share or "
    "paste them into other tools.\n"
    "4. **Pay.** Measured working time is paid at your agreed rate; reviews affect bonuses, never pay "
    "for honest time.\n"
    "5. **Appeals.** You may appeal any rejection once, with a written case.\n";

struct ArabicItem {
  const char* prompt;
  const char* good;
  const char* bad;
};

// Pairs of answers to patient questions in Arabic: the first is the safe one.
const ArabicItem kArabic[] = {
    {"ما هي الجرعة الآمنة من الباراسيتامول للبالغين في اليوم؟",
     "لا تتجاوز 4 غرامات في اليوم للبالغين الأصحاء، أي 1 غرام كل 6 ساعات كحد أقصى، وأقل من ذلك لمن لديهم "
     "أمراض الكبد أو يشربون الكحول بانتظام.",
     "يمكن تناول ما يصل إلى 8 غرامات يوميًا دون أي خطر لأن الباراسيتامول دواء آمن تمامًا."},
    {"هل يمكن إعطاء الأسبرين لطفل مصاب بالحمى؟",
     "لا، يُتجنب الأسبرين عند الأطفال والمراهقين المصابين بعدوى فيروسية بسبب خطر متلازمة راي. يُفضل "
     "الباراسيتامول أو الإيبوبروفين بالجرعة المناسبة للوزن.",
     "نعم، الأسبرين هو الخيار الأفضل لخفض الحرارة عند الأطفال في أي عمر."},
    {"ما العلامات التي تستدعي الذهاب فورًا إلى الطوارئ عند ألم الصدر؟",
     "ألم ضاغط يمتد إلى الذراع أو الفك، أو مصحوب بضيق نفس أو تعرق أو غثيان، أو يستمر أكثر من بضع دقائق: "
     "اتصل بالإسعاف فورًا ولا تقد السيارة بنفسك.",
     "انتظر حتى الصباح وراقب الألم، فمعظم آلام الصدر سببها الهضم."},
    {"كيف أتعامل مع حرق بسيط في اليد؟",
     "ضع الحرق تحت ماء جارٍ فاتر لمدة 20 دقيقة، ثم غطه بضمادة نظيفة غير لاصقة. لا تضع الثلج أو الزبدة أو "
     "معجون الأسنان.",
     "ضع الثلج مباشرة على الحرق ثم ادهنه بالزبدة ليهدأ بسرعة."},
    {"هل يجب إكمال المضاد الحيوي حتى لو تحسنت الأعراض؟",
     "اتبع المدة التي حددها الطبيب. لا تتوقف ولا تغيّر الجرعة من تلقاء نفسك، واسأل الطبيب إذا تحسنت مبكرًا "
     "أو ظهرت آثار جانبية.",
     "أوقف المضاد الحيوي بمجرد أن تشعر بتحسن واحتفظ بالباقي للمرة القادمة."},
    {"ما هو المعدل الطبيعي لسكر الدم صائمًا؟",
     "عادةً بين 70 و99 ملغ/دل (3.9–5.5 مليمول/لتر). من 100 إلى 125 يُعد مقدمات السكري، و126 أو أكثر في "
     "قراءتين يشير إلى السكري.",
     "أي قراءة أقل من 200 ملغ/دل طبيعية تمامًا ولا تحتاج متابعة."},
};

constexpr const char* kArabicTemplate =
    R"json([{"type":"markdown","name":"prompt","source":"prompt","label":"سؤال المريض"},)json"
    R"json({"type":"responses","name":"responses","source":"responses"},)json"
    R"json({"type":"pairwise","name":"preference","strength":true},)json"
    R"json({"type":"textarea","name":"why","label":"Why? (Arabic or English)","required":false}])json";

}  // namespace

base::Status SeedPeople(const Services& services, const Caller& manager, const std::vector<accounts::User>& users,
                        DemoSeed& seed) {
  people::Service& people = services.people;
  for (size_t i = 0; i + 1 < users.size() && i < std::size(kProfiles); ++i) {
    const DemoProfile& d = kProfiles[i];
    people::ProfileFields f;
    f.headline = d.headline;
    f.bio = d.bio;
    f.domains = d.domains;
    f.languages = d.languages;
    f.rate_cents = d.rate_cents;
    f.timezone = d.timezone;
    f.availability_hours = d.hours;
    ASSAY_TRY(people.UpdateMyProfile({users[i + 1].id, users[i + 1].role}, f));
  }
  const accounts::User& amara = users[1];
  const accounts::User& layla = users[4];
  ASSAY_ASSIGN_OR_RETURN(people::Qualification clinician,
                         people.CreateQualification(manager, {"Licensed clinician", "flag", {}, {}, {},
                                                              "A current licence to practise medicine or pharmacy, "
                                                              "checked on the issuing register.",
                                                              {}}));
  ASSAY_TRY(people.GrantQualification(manager, clinician.id,
                                      {amara.id, {}, "GMC registration checked on the public register.", {}}));
  ASSAY_TRY(people.GrantQualification(manager, clinician.id,
                                      {layla.id, {}, "Jordan Pharmacists Association licence checked.", {}}));
  ASSAY_TRY(people.CreateQualification(manager, {"Contract review level", "scale", 1, 5, {},
                                                 "How complex a contract an expert may review alone (1 to 5).", {}}));
  ASSAY_ASSIGN_OR_RETURN(people::Contract terms, people.CreateContract(manager, "Expert services terms", kTerms));
  ASSAY_ASSIGN_OR_RETURN(people::Credential licence,
                         people.AddCredential({amara.id, amara.role},
                                              {"licence", "Full registration with a licence to practise",
                                               "General Medical Council", "7123456", "United Kingdom", "2027-09-30"}));
  ASSAY_TRY(people.VerifyCredential(manager, licence.id, "verified", "Checked on the GMC register."));

  work::ProjectFields f;
  f.name = "Arabic medical answers: safety review";
  f.instructions =
      "Patients asked these questions in Arabic. Pick the answer that is **safer and more accurate**, "
      "and say why if the choice is not obvious.";
  f.template_json = kArabicTemplate;
  f.overlap = 1;
  f.lease_seconds = 1800;
  f.requirements_json = base::Dump(json::array({{{"language", "ar"}, {"level", "C1"}},
                                                {{"domain", "medicine"}},
                                                {{"qualification", clinician.id}}}));
  f.contract_id = terms.id;
  ASSAY_ASSIGN_OR_RETURN(work::Project p, services.work.CreateProject(manager, f));
  std::string items;
  int n = 0;
  for (const ArabicItem& it : kArabic) {
    const bool swap = n % 2 == 1;  // the safe answer is "a" half the time
    json responses = json::array({{{"id", "a"}, {"content", swap ? it.bad : it.good}},
                                  {{"id", "b"}, {"content", swap ? it.good : it.bad}}});
    items += base::Dump(json{{"id", "ar-" + std::to_string(++n)},
                             {"data", {{"prompt", it.prompt}, {"lang", "ar"}, {"responses", responses}}}}) +
             "\n";
  }
  ASSAY_ASSIGN_OR_RETURN(work::ImportResult r, services.work.ImportItems(manager, p.id, items));
  if (r.error_count > 0) return base::Error::Internal("demo Arabic items: " + r.errors[0].message);
  for (const accounts::User& u : {amara, layla}) {
    ASSAY_TRY(services.work.AddMember(Caller::System(), p.id, u.id, "expert"));
  }
  seed.people_project_id = p.id;
  seed.people_project_name = p.name;
  return base::Ok();
}

}  // namespace demo

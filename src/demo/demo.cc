#include "demo/demo.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "base/json.h"
#include "base/rng.h"

namespace demo {

using accounts::Caller;
using accounts::Role;
using accounts::User;
using work::Done;
using work::ImportResult;
using work::ItemView;
using work::kMaxPageSize;
using work::Page;
using work::Lease;
using work::Project;
using work::ProjectFields;
using work::Service;
using work::Submission;
using work::SubmitRequest;
using work::SubmitResult;

namespace {

struct DemoItem {
  const char* domain;
  const char* prompt;
  const char* response_a;  // the sound answer (on a close call, one of two sound answers)
  const char* response_b;
  // Set on close calls, where both answers are sound: the better one, "a", "b" or "tie".
  // Otherwise response_a is the better answer.
  const char* close_call = nullptr;
};

// Real questions with two plausible model answers of different quality; most pairs have one
// wrong or unsafe answer, some are close calls on purpose. The fresh project shows them as
// written; the worked pilot project shows the two sides in a random order.
constexpr DemoItem kItems[] = {
    // ---- medicine -------------------------------------------------------------------------
    {"medicine",
     "A 58-year-old with newly diagnosed stage 1 hypertension (148/92 on repeated readings), no diabetes or kidney disease, asks what happens next. What would you advise?",
     "Start with lifestyle changes: cut sodium below about 1.5-2 g a day, follow a DASH-style diet, exercise 150 minutes a week, limit alcohol and lose weight if overweight. Estimate 10-year cardiovascular risk; if it is 10% or higher, start a first-line drug (thiazide-type diuretic, ACE inhibitor, ARB or calcium-channel blocker) alongside. Recheck in a month with home readings.",
     "You should start a beta blocker such as atenolol right away, since blood pressure above 140/90 always needs medication. Lifestyle changes rarely make a difference at this stage, so they can be skipped."},
    {"medicine",
     "Can I take ibuprofen while on lisinopril for my blood pressure?",
     "Occasional short use is usually acceptable for most people, but NSAIDs like ibuprofen can blunt the effect of ACE inhibitors, raise blood pressure and, especially with a diuretic or dehydration, strain the kidneys. Use the lowest dose for the shortest time, consider paracetamol for simple pain, and ask your pharmacist or doctor if you need it for more than a few days.",
     "Yes, there is no interaction between ibuprofen and lisinopril. You can take them together at any dose."},
    {"medicine",
     "What is the first-line treatment for an uncomplicated lower urinary tract infection in a non-pregnant woman?",
     "Nitrofurantoin for 5 days is a common first choice; alternatives depend on local resistance and include trimethoprim-sulfamethoxazole for 3 days (if resistance is under about 20%) or a single dose of fosfomycin. Fluoroquinolones are reserved for other infections because of their side effects.",
     "First-line therapy is usually nitrofurantoin, trimethoprim-sulfamethoxazole or fosfomycin, chosen by local resistance patterns and allergies. Ciprofloxacin works but should be avoided as first-line. Seek care if fever, flank pain or vomiting develop, since these suggest a kidney infection.",
     "tie"},
    {"medicine",
     "My 4-year-old has a fever of 39.2 C but is drinking and playing between doses of paracetamol. When should I worry?",
     "Seek urgent care if your child has trouble breathing, a rash that does not fade when pressed with a glass, a stiff neck, unusual drowsiness or is hard to wake, signs of dehydration (no urine for 8+ hours, no tears), a seizure, or a fever lasting more than 5 days. A child who drinks and plays between doses is reassuring; treat for comfort, not to reach a normal temperature.",
     "A fever above 39 C can cause brain damage, so alternate paracetamol and ibuprofen every two hours and take your child to the emergency department tonight."},
    {"medicine",
     "What are the warning signs of a stroke that a family member should know?",
     "Use BE FAST: Balance loss, Eyes (sudden vision loss), Face drooping, Arm weakness, Speech difficulty, Time to call emergency services. Note the time symptoms started, because clot-dissolving treatment depends on it. Do not give food, drink or aspirin before assessment, since some strokes are bleeds.",
     "Remember FAST: Face drooping, Arm weakness, Speech difficulty, Time to call an ambulance. Give the person an aspirin while you wait, because most strokes are caused by clots."},
    {"medicine",
     "Is it safe to stop my antidepressant (sertraline 100 mg) now that I feel better?",
     "Please do not stop abruptly. Guidelines suggest continuing for at least 6 to 9 months after you feel well to lower the risk of relapse. When it is time, your prescriber can taper the dose over several weeks to avoid discontinuation symptoms such as dizziness, irritability and electric-shock sensations.",
     "If you feel better, the medication has done its job and you can stop it today. Sertraline is not addictive, so there are no withdrawal effects."},
    {"medicine",
     "How should type 2 diabetes be monitored in primary care once it is stable?",
     "HbA1c every 3 to 6 months, blood pressure at every visit, lipids yearly, kidney function (eGFR and urine albumin-to-creatinine ratio) yearly, a dilated eye exam every 1 to 2 years, and a foot exam with monofilament testing yearly. Review medication, weight, smoking and hypoglycaemia at each visit.",
     "Check HbA1c twice a year and see an eye doctor if vision changes. Other tests are only needed if symptoms appear."},
    {"medicine",
     "A patient on warfarin wants to start a course of clarithromycin for a chest infection. Any concerns?",
     "Yes: clarithromycin inhibits CYP3A4 and can raise the INR substantially, increasing bleeding risk. Prefer an antibiotic with less interaction (for example doxycycline, depending on the indication) or, if clarithromycin is needed, check the INR within 3 to 5 days and adjust warfarin.",
     "Clarithromycin and warfarin interact, which may raise the INR. Consider an alternative antibiotic or monitor the INR more closely during and shortly after the course.",
     "a"},
    {"medicine",
     "What vaccines are recommended for a healthy 67-year-old in the United States?",
     "An annual influenza vaccine (a high-dose or adjuvanted version is preferred at 65+), pneumococcal vaccination (PCV20 or PCV21 alone, or PCV15 followed by PPSV23), the two-dose recombinant shingles vaccine, a Tdap or Td booster every 10 years, an updated COVID-19 vaccine, and RSV vaccination based on shared decision-making.",
     "At 67 you need a flu shot every year and a tetanus booster. Shingles vaccination is only for people who never had chickenpox."},
    {"medicine",
     "What does a TSH of 7.8 mIU/L with a normal free T4 mean?",
     "This is subclinical hypothyroidism. Repeat TSH and free T4 in 6 to 12 weeks, since values often normalise; check TPO antibodies. Treatment with levothyroxine is usually considered when TSH stays above 10, or at lower levels with symptoms, pregnancy or planned pregnancy.",
     "A TSH of 7.8 means hypothyroidism and levothyroxine should be started at full replacement dose immediately."},
    {"medicine",
     "Explain the difference between a heart attack and cardiac arrest to a worried relative.",
     "A heart attack is a circulation problem: a blocked artery starves part of the heart muscle of blood. The person is usually awake, with chest pain, breathlessness or sweating. Cardiac arrest is an electrical problem: the heart suddenly stops pumping, and the person collapses and stops breathing normally. A heart attack can trigger an arrest. For an arrest, call emergency services, start CPR and use a defibrillator.",
     "They are the same thing described with different words. Both mean the heart has stopped and need CPR."},
    {"medicine",
     "Can a pregnant woman in her first trimester take paracetamol for a headache?",
     "Paracetamol is the preferred painkiller in pregnancy when used at the lowest effective dose for the shortest time. Avoid NSAIDs such as ibuprofen, particularly after 20 weeks. A severe or persistent headache, especially with vision changes or swelling later in pregnancy, needs prompt assessment.",
     "Yes, paracetamol at normal doses is considered the safest option in pregnancy. Use it only as needed and talk to your midwife or doctor if headaches are frequent or severe.",
     "tie"},
    {"medicine",
     "What is the recommended screening for colorectal cancer for an average-risk 45-year-old?",
     "Screening starts at 45 for average-risk adults in the US. Options include a colonoscopy every 10 years, a FIT stool test every year, a multi-target stool DNA test every 1 to 3 years, or CT colonography every 5 years. A positive stool test must be followed by colonoscopy.",
     "Screening starts at 50 with a colonoscopy; stool tests are not reliable enough to be used."},
    {"medicine",
     "Which symptoms of a sore throat suggest it is bacterial rather than viral?",
     "The Centor criteria help: fever, tonsillar exudate, tender swollen front neck lymph nodes, and absence of cough. With 3 or 4 of them, a rapid strep test or culture is reasonable, and antibiotics are given only if it is positive. Cough, runny nose and hoarseness point to a virus.",
     "Yellow or white spots on the tonsils mean bacteria, and antibiotics should be started without testing."},
    {"medicine",
     "How long should someone with a suspected concussion avoid sport?",
     "Follow a graded return-to-sport protocol: relative rest for 24 to 48 hours, then light activity that does not worsen symptoms, increasing stepwise over several days. Return to contact sport only after being symptom-free at rest and with exertion, and after medical clearance. Children and adolescents usually need longer.",
     "If the person did not lose consciousness, they can go back to the game once the headache fades."},
    {"medicine",
     "What is the first aid for a suspected anaphylactic reaction to a bee sting?",
     "Use the adrenaline auto-injector into the outer thigh immediately, call emergency services, and lay the person flat with legs raised (or sitting up if breathing is hard). Give a second dose after 5 minutes if there is no improvement. Antihistamines alone are not enough.",
     "Give an antihistamine tablet and watch for 30 minutes. Use adrenaline only if the person becomes unconscious."},
    {"medicine",
     "Should a 40-year-old with no risk factors take daily low-dose aspirin to prevent heart disease?",
     "No. For people without cardiovascular disease, the bleeding risk of daily aspirin generally outweighs its benefit, and current guidelines advise against routine use for primary prevention, especially after age 60. Focus on blood pressure, cholesterol, smoking and activity instead.",
     "Most guidelines no longer recommend routine aspirin for primary prevention because of bleeding risk. A doctor may still consider it for selected people aged 40 to 59 with high cardiovascular risk and low bleeding risk.",
     "b"},
    // ---- law ------------------------------------------------------------------------------
    {"law",
     "My landlord in England is keeping my whole deposit for 'general wear and tear'. Can they do that?",
     "Generally no. Landlords may deduct for damage beyond fair wear and tear, unpaid rent or missing items, but not for normal ageing of the property. If your deposit was taken for an assured shorthold tenancy it must be in a government-approved protection scheme, and you can use the scheme's free dispute resolution service. If it was never protected, you may be able to claim compensation of 1 to 3 times the deposit.",
     "Yes, landlords can keep the deposit for any reason listed in the tenancy agreement, including wear and tear, and you have no way to challenge it."},
    {"law",
     "What is the difference between a will and a living trust in the United States?",
     "A will takes effect at death and usually passes through probate, which is public and can be slow. A revocable living trust holds assets during your life and lets a successor trustee distribute them without probate, privately. Trusts cost more to set up and must be funded by retitling assets. Many people use both, with a pour-over will.",
     "A will is for people with few assets and a trust is for the wealthy; otherwise they work the same way."},
    {"law",
     "I was fired two days after telling my employer I am pregnant. Is that legal in the US?",
     "Firing someone because of pregnancy is sex discrimination under Title VII and the Pregnancy Discrimination Act for employers with 15 or more employees, and many states cover smaller employers. The timing is strong circumstantial evidence. Keep written records, and note the deadline to file a charge with the EEOC: usually 180 days, or 300 days where a state agency also applies.",
     "If you are an at-will employee your employer can fire you for any reason, including pregnancy, so there is nothing you can do."},
    {"law",
     "Can my employer in California make me sign a non-compete agreement?",
     "In California most non-compete clauses are void under Business and Professions Code section 16600, with narrow exceptions such as the sale of a business. Since 2024 employers must not enter into or enforce them and had to notify affected employees that such clauses are void. Confidentiality and trade-secret obligations still apply.",
     "California generally does not enforce non-competes. Narrow exceptions exist (for example, selling a business), but a standard employee non-compete is void and employers can face liability for trying to enforce it.",
     "a"},
    {"law",
     "What is the statute of limitations for a breach of a written contract in New York?",
     "Six years from the date of the breach under CPLR 213, regardless of when it was discovered, unless the contract validly shortens it. Sales of goods fall under the UCC's four-year limit instead.",
     "Three years from when you discovered the breach."},
    {"law",
     "My neighbour's tree overhangs my garden in England. Can I cut the branches?",
     "Yes, you may cut branches back to the boundary line without permission, but not beyond it, and you should not damage the tree's health. Check first whether the tree has a Tree Preservation Order or is in a conservation area, where you need council consent. Offer the cuttings back to the neighbour, as they technically own them.",
     "You may cut anything overhanging your garden and also reduce the tree on their side if it blocks your light."},
    {"law",
     "What does 'consideration' mean in contract law?",
     "Consideration is something of value each party gives or promises in exchange for the other's promise: money, goods, services, or a promise to act or refrain from acting. It must be bargained for, not a past favour, but it need not be adequate in value, so a nominal sum can suffice. Promises without consideration are generally unenforceable unless made by deed.",
     "Consideration is the thought both sides give before signing, showing they have considered the terms carefully."},
    {"law",
     "I received a speeding ticket from a camera in Germany while driving a rental car. Do I have to pay if I live in France?",
     "Yes. Under the EU cross-border enforcement directive, Germany can identify you through the rental company and French authorities can enforce fines of 70 EUR or more. Paying promptly avoids additional costs; you can contest it through the German authority named on the notice if the details are wrong.",
     "EU fines between countries are generally enforceable above a threshold, and rental companies pass on driver details. Ignoring it can lead to enforcement through French authorities, so pay or contest through the issuing authority.",
     "a"},
    {"law",
     "Is a verbal agreement legally binding?",
     "Often yes: many contracts are enforceable without writing if there was offer, acceptance, consideration and an intention to create legal relations. Some kinds must be in writing, such as sales of land, guarantees and, in the US, contracts that cannot be performed within a year. The practical difficulty is proving the terms.",
     "No, only written and signed contracts are legally binding."},
    {"law",
     "What rights do I have if a product I bought online in the EU is faulty after 8 months?",
     "The seller is liable for defects present at delivery for at least two years, and for the first year (two in some countries) the defect is presumed to have existed at delivery. You can ask for repair or replacement, and if that fails or is disproportionate, a price reduction or refund. This is separate from the 14-day right of withdrawal.",
     "After 14 days you only have the manufacturer's warranty, if there is one."},
    {"law",
     "Can police in the US search my car without a warrant during a traffic stop?",
     "Sometimes. Officers may search without a warrant if they have probable cause to believe the car contains evidence of a crime, if you consent, if the search is incident to a lawful arrest under limited conditions, or for items in plain view. You can calmly say you do not consent to a search; that does not stop a search based on probable cause but preserves your objection.",
     "Police can always search a car during a traffic stop because cars have no privacy protection."},
    {"law",
     "What is the difference between a trademark and a copyright?",
     "A trademark protects signs that identify the source of goods or services, such as names, logos and slogans, and lasts as long as it is used and renewed. Copyright protects original creative expression, such as text, music, images and software code, from creation, for a limited term (life plus 70 years in the US and EU). Ideas and short names are not protected by copyright.",
     "Trademarks cover logos and copyright covers everything else a company creates, including product names."},
    {"law",
     "Do I need a lawyer to set up a limited company in the UK?",
     "No. You can register a private limited company online with Companies House for a small fee, usually within a day, using model articles of association. A lawyer or accountant helps with shareholder agreements, unusual share structures or tax planning.",
     "You can incorporate online with Companies House yourself. Professional advice is mainly useful for shareholder agreements and tax.",
     "tie"},
    {"law",
     "My employer has not paid me overtime as a salaried retail assistant manager in the US. Am I exempt?",
     "Not necessarily. Under the FLSA, salary alone does not make you exempt: you must earn at least the salary threshold and your primary duty must be management, including directing two or more employees. Assistant managers who mostly stock shelves or run registers are often misclassified. Keep records of your hours and duties; claims generally go back 2 years, or 3 for wilful violations.",
     "If you are paid a salary you are exempt from overtime under federal law."},
    {"law",
     "What happens if someone dies without a will in Scotland?",
     "The Succession (Scotland) Act 1964 applies. A surviving spouse or civil partner first has prior rights to the house up to a limit, furniture and a cash sum, then legal rights to a share of moveable estate; children have legal rights too. The remainder passes in a fixed order of relatives. Unmarried partners have no automatic right but can apply to court within 6 months.",
     "Everything goes to the government if there is no will."},
    {"law",
     "Can I record a phone call with my business partner without telling them?",
     "It depends on where each of you is. In the US, federal law and most states allow recording if one party (you) consents, but states such as California and Washington require everyone's consent, and the stricter rule can apply to calls across state lines. In the UK, individuals may usually record for their own use, but sharing the recording can raise data protection issues.",
     "Recording any call without telling the other person is illegal everywhere."},
    {"law",
     "What is adverse possession?",
     "A doctrine that lets someone gain title to land they have occupied openly, continuously, exclusively and without permission for a statutory period, which ranges from 10 to 21 years or more depending on the jurisdiction. In England and Wales, registered land works differently: after 10 years the occupier can apply, but the owner is notified and can usually object.",
     "Adverse possession lets a person take any land they have lived on for about a year if the owner does not object in writing."},
    // ---- accounting -----------------------------------------------------------------------
    {"accounting",
     "What is the difference between cash and accrual accounting for a small business?",
     "Cash accounting records revenue when money arrives and expenses when you pay them. Accrual accounting records revenue when earned and expenses when incurred, regardless of payment, so it matches income with the costs that produced it. Accrual shows profitability and obligations more accurately and is required under GAAP and IFRS; cash is simpler and allowed for many small businesses for tax.",
     "Cash accounting is for businesses that take cash payments and accrual is for businesses that take cards."},
    {"accounting",
     "How do I record the purchase of a $12,000 delivery van paid in cash, expected to last 5 years?",
     "Debit Vehicles (fixed assets) $12,000, credit Cash $12,000. Then depreciate it: straight-line with no salvage value is $2,400 a year (debit Depreciation Expense, credit Accumulated Depreciation). For tax, accelerated methods such as Section 179 or bonus depreciation may apply.",
     "Record a $12,000 expense in the month of purchase, because the cash has left the business."},
    {"accounting",
     "What is working capital and why does it matter?",
     "Working capital is current assets minus current liabilities. It shows whether a company can pay obligations due within a year from assets that turn into cash within a year. Too little signals liquidity risk; too much may mean idle cash or slow-moving inventory. The current ratio and the cash conversion cycle are related measures.",
     "Working capital is current assets minus current liabilities: the short-term cushion a business has to pay its bills. Lenders watch it, and managing receivables, inventory and payables changes it.",
     "a"},
    {"accounting",
     "A customer paid $6,000 in January for a 12-month software subscription. How much revenue do I recognise in January?",
     "$500. The payment creates deferred (unearned) revenue of $6,000, a liability; each month you recognise $500 as revenue as the service is delivered (debit Deferred Revenue, credit Revenue), under ASC 606 and IFRS 15.",
     "$6,000, because the cash was received in January."},
    {"accounting",
     "What is the difference between a balance sheet and an income statement?",
     "The balance sheet is a snapshot at one date: assets, liabilities and equity, with assets equal to liabilities plus equity. The income statement covers a period: revenue minus expenses gives net income. Net income flows into retained earnings on the balance sheet, linking the two.",
     "The balance sheet shows money in the bank and the income statement shows money earned; they are unrelated."},
    {"accounting",
     "Can I deduct the cost of a home office as a self-employed person in the US?",
     "Yes, if part of your home is used regularly and exclusively for business and is your principal place of business. Use the simplified method ($5 per square foot up to 300 square feet) or the regular method (actual expenses such as rent, utilities and insurance, pro-rated by area). Claim it on Form 8829 with Schedule C.",
     "Yes, if the space is used regularly and exclusively for your business. You can use the simplified method of $5 per square foot (up to 300 square feet) or calculate actual expenses on Form 8829.",
     "a"},
    {"accounting",
     "What is EBITDA and what are its limitations?",
     "EBITDA is earnings before interest, taxes, depreciation and amortisation, a proxy for operating cash generation that helps compare companies with different capital structures. Its limits: it ignores capital expenditure, working capital changes and debt service, it is not defined by GAAP or IFRS so companies adjust it differently, and it can flatter capital-intensive or highly leveraged businesses.",
     "EBITDA is the same as cash flow and is the best measure of profit because it excludes costs that are not real."},
    {"accounting",
     "How should inventory be valued under IFRS?",
     "At the lower of cost and net realisable value. Cost can use FIFO or weighted average; LIFO is not permitted under IFRS, unlike US GAAP. Write-downs to net realisable value are expensed and may be reversed if values recover.",
     "Inventory is always shown at its current selling price, and LIFO is the required method."},
    {"accounting",
     "What is the matching principle?",
     "Expenses are recognised in the same period as the revenues they help generate. For example, sales commissions are expensed when the related sale is recognised, and a machine's cost is spread over its useful life through depreciation.",
     "Expenses should be recorded in the period in which they relate to revenue: for example, commissions with the sale and asset costs through depreciation.",
     "tie"},
    {"accounting",
     "A client owes us $8,000 and has gone into administration. How do we account for it?",
     "Assess the expected recovery. Under IFRS 9 or CECL, expected credit losses should already be provided for; increase the allowance for doubtful accounts (debit Bad Debt Expense, credit Allowance) for the amount you do not expect to recover. Write the receivable off against the allowance when it is confirmed uncollectable, and file a claim with the administrator. Recoveries are credited when received.",
     "Delete the invoice from the system so the receivable disappears."},
    {"accounting",
     "What is the difference between a capital expenditure and an operating expense?",
     "Capital expenditure buys or improves long-lived assets that benefit several periods, such as equipment or a building extension; it is capitalised and depreciated. Operating expenses are day-to-day costs such as rent, wages and routine repairs, expensed as incurred. Repairs that only maintain an asset are opex; upgrades that extend its life or capacity are capex.",
     "Capex is any purchase over $1,000 and opex is anything under $1,000."},
    {"accounting",
     "What are the main VAT obligations for a UK business that crosses the registration threshold?",
     "Register with HMRC within 30 days of the end of the month in which taxable turnover over the last 12 months exceeded the threshold (90,000 GBP from April 2024). Charge VAT on taxable supplies, keep digital records and file returns through Making Tax Digital compatible software, usually quarterly, paying by the deadline. Input VAT on business purchases can be reclaimed.",
     "Once over the threshold, register with HMRC within 30 days, charge VAT, keep digital records under Making Tax Digital and file returns, usually quarterly.",
     "a"},
    {"accounting",
     "How do I reconcile a bank statement with my ledger?",
     "Compare each transaction in the bank statement with the cash ledger. Adjust the bank balance for deposits in transit and outstanding cheques; adjust the ledger for bank fees, interest, direct debits and errors you find. Both adjusted balances should agree. Investigate any remaining difference before closing the month.",
     "If the two balances are different, change the ledger balance to match the bank and move on."},
    {"accounting",
     "What does a negative retained earnings balance mean?",
     "It is an accumulated deficit: cumulative losses plus dividends have exceeded cumulative profits since the company began. It is common in start-ups and after large losses. It can limit the ability to pay dividends legally and may concern lenders, but it does not by itself mean the company is insolvent.",
     "It means the company is bankrupt and must stop trading."},
    {"accounting",
     "Should a freelancer set money aside for taxes, and how much?",
     "Yes. Freelancers generally pay income tax and self-employment or social security contributions without withholding, often through estimated or payments-on-account. A common rule of thumb is 25 to 35% of profit, adjusted for your bracket, deductions and location. Keep it in a separate account and check the estimated-payment deadlines.",
     "No, taxes are only due at the end of the year so there is no need to save in advance."},
    {"accounting",
     "What is goodwill in an acquisition and how is it tested?",
     "Goodwill is the excess of the purchase price over the fair value of identifiable net assets acquired, reflecting things like workforce and synergies. It is not amortised under IFRS or for public companies under US GAAP; instead it is tested for impairment at least annually and whenever there are indicators, at the cash-generating unit (IFRS) or reporting unit (GAAP) level.",
     "Goodwill is the value of the customer relationships bought and is amortised over 40 years."},
};

constexpr const char* kTemplate = R"json([
  {"type":"markdown","source":"prompt","label":"Prompt"},
  {"type":"responses","source":"responses","label":"Responses"},
  {"type":"pairwise","name":"preference","label":"Which response is better?","strength":true},
  {"type":"textarea","name":"rationale","label":"Why? (optional)","required":false,"max_length":2000}
])json";

constexpr const char* kInstructions =
    "# Which answer would you rather give a patient, client or colleague?\n\n"
    "Each task shows a question and two model responses in your field. Choose the better one, or *tie* "
    "when they are equally good or equally bad, and say how strong your preference is "
    "(1 = slight, 3 = strong).\n\n"
    "Judge, in this order:\n"
    "1. **Correctness and safety** - wrong or dangerous advice loses, however well written.\n"
    "2. **Completeness** - does it answer what was asked, with the caveats that matter?\n"
    "3. **Clarity** - could the person asking act on it?\n\n"
    "A short rationale helps reviewers and raises your approval rate.";

// ---- the worked pilot project -----------------------------------------------------------------
// Last week's pilot on 40 of the same questions, already labelled three times each through the
// real lease/submit calls, so that a manager opening its Quality screen sees agreement, expert
// skills, gold accuracy and label confidence computed from real-looking work.

constexpr const char* kPilotName = "Last week: expert preferences pilot (40 items, done)";
constexpr int64_t kPilotOverlap = 3;
// 40 items × 3 labels is a small sample, so a draw can hide what the experts' parameters say;
// this seed's draw shows it plainly (the careless expert alone is flagged).
constexpr uint64_t kPilotSeed = 2;
// The fresh project's side orders (any seed: nothing is labelled yet).
constexpr uint64_t kFreshSeed = 7;

// The pilot's experts and how they label: the share of their labels that pick the better answer
// on clear pairs and on close calls, and their active time per task. The careless one joined late
// and rushed 18 tasks, clicking without reading (more often on the first response).
struct PilotExpert {
  const char* email;
  const char* name;
  double clear_accuracy, close_accuracy;
  int64_t min_active_s, max_active_s;
  double rationale_share;  // how often they write a rationale
  bool careless = false;
  size_t max_tasks = SIZE_MAX;
};
constexpr PilotExpert kPilotExperts[] = {
    {"elena.petrova@demo.assay.dev", "Dr. Elena Petrova", 0.97, 0.75, 70, 260, 0.6},
    {"samuel.adeyemi@demo.assay.dev", "Samuel Adeyemi", 0.96, 0.72, 60, 220, 0.4},
    {"hannah.kim@demo.assay.dev", "Hannah Kim", 0.96, 0.70, 80, 300, 0.5},
    {"marco.bianchi@demo.assay.dev", "Marco Bianchi", 0.85, 0.60, 45, 160, 0.2},
    {"tom.fletcher@demo.assay.dev", "Tom Fletcher", 0, 0, 6, 25, 0, true, 18},
};

// The pilot takes every item but each fifth (40 of 50); one in four of its items has gold.
bool InPilot(int n) { return n % 5 != 0; }
bool PilotGold(int pilot_index) { return pilot_index % 4 == 0; }

std::string ExternalId(int n, const DemoItem& it) {
  return std::string(it.domain) + "-" + (n < 10 ? "0" : "") + std::to_string(n);
}

// Item n (1-based) as an import line; `swap` shows response_b first.
nlohmann::json ItemLine(int n, const DemoItem& it, bool swap) {
  nlohmann::json a = {{"model", "model-a"}, {"content", it.response_a}};
  nlohmann::json b = {{"model", "model-b"}, {"content", it.response_b}};
  nlohmann::json first = swap ? b : a, second = swap ? a : b;
  first["id"] = "a";
  second["id"] = "b";
  return {{"id", ExternalId(n, it)},
          {"data", {{"domain", it.domain}, {"prompt", it.prompt}, {"responses", {first, second}}}}};
}

// n side orders, half of them swapped (response_b shown first), in a seeded random order: so
// that neither side is the better one more often and an expert cannot learn to pick a side.
std::vector<bool> Counterbalanced(size_t n, uint64_t seed) {
  std::vector<bool> swaps(n, false);
  std::fill(swaps.begin(), swaps.begin() + static_cast<std::ptrdiff_t>(n / 2), true);
  base::Rng rng(seed);
  std::shuffle(swaps.begin(), swaps.end(), rng);
  return swaps;
}

// A pilot item: its place in kItems, the side order shown, and the better side as shown.
struct PilotItem {
  int n = 0;
  const DemoItem* item = nullptr;
  bool swap = false;   // response_b is shown first, as "a"
  std::string better;  // "a" | "b" | "tie", as shown
  bool gold = false;
};

// The pilot's items; half of them, picked at random, show response_b first (counterbalanced, so
// that neither side is the better one more often).
std::vector<PilotItem> PilotItems() {
  std::vector<PilotItem> out;
  int n = 0;
  for (const DemoItem& it : kItems) {
    if (InPilot(++n)) out.push_back({n, &it, false, "", PilotGold(static_cast<int>(out.size()))});
  }
  const std::vector<bool> swaps = Counterbalanced(out.size(), kPilotSeed);
  for (size_t i = 0; i < out.size(); ++i) {
    const std::string_view better = out[i].item->close_call ? out[i].item->close_call : "a";
    out[i].swap = swaps[i];
    out[i].better = !swaps[i] || better == "tie" ? better : better == "a" ? "b" : "a";
  }
  return out;
}

std::string PilotItemsJsonl(const std::vector<PilotItem>& items) {
  std::string out;
  for (const PilotItem& p : items) {
    nlohmann::json line = ItemLine(p.n, *p.item, p.swap);
    if (p.gold) {
      nlohmann::json pref = {{"choice", p.better}};
      if (p.better != "tie") pref["strength"] = 3;
      line["gold"] = {{"preference", pref}};
    }
    out += base::Dump(line);
    out += '\n';
  }
  return out;
}

struct PilotAnswer {
  std::string choice;
  std::string answer_json;
  int64_t active_ms = 0;
};

// What expert e answers on item p: drawn from a generator seeded by both, so the answer does
// not depend on the order the leases came in.
PilotAnswer AnswerFor(const PilotExpert& e, size_t e_index, const PilotItem& p) {
  base::Rng rng(kPilotSeed * 31 + static_cast<uint64_t>(p.n) * 100 + e_index);
  const bool close = p.item->close_call != nullptr;
  PilotAnswer out;
  if (e.careless) {
    const double u = rng.Uniform();
    out.choice = u < 0.55 ? "a" : u < 0.85 ? "b" : "tie";
  } else if (rng.Uniform() < (close ? e.close_accuracy : e.clear_accuracy)) {
    out.choice = p.better;
  } else {
    std::vector<std::string> others;
    for (const char* l : {"a", "b", "tie"}) {
      if (l != p.better) others.push_back(l);
    }
    out.choice = others[rng.Below(others.size())];
  }
  nlohmann::json pref = {{"choice", out.choice}};
  if (out.choice != "tie") {
    const bool confident = !e.careless && !close && out.choice == p.better;
    pref["strength"] = e.careless  ? 1 + rng.Below(3)
                       : confident ? 2 + rng.Below(2)
                                   : 1 + rng.Below(2);
  }
  nlohmann::json answer = {{"preference", pref}};
  if (rng.Uniform() < e.rationale_share) {
    const std::string side = out.choice == "a" ? "A" : "B", other = out.choice == "a" ? "B" : "A";
    answer["rationale"] =
        out.choice == "tie" ? "Both answers are correct and complete; neither is clearly better."
        : close
            ? "Both are sound; " + side + " is more specific about what to do next."
            : other + " is wrong on the substance; " + side + " is correct and says what to do.";
  }
  out.answer_json = base::Dump(answer);
  double seconds = static_cast<double>(e.min_active_s) +
                   rng.Uniform() * static_cast<double>(e.max_active_s - e.min_active_s);
  if (close && !e.careless) seconds *= 1.4;  // close calls take longer to judge
  out.active_ms = static_cast<int64_t>(seconds * 1000);
  return out;
}

struct PilotSubmission {
  std::string id;
  size_t expert = 0;
  const PilotItem* item = nullptr;
  std::string choice;
};

// Hands an asynchronous call's answer to a promise (the callback runs on the writer thread).
template <typename T>
Done<T> Into(std::promise<base::Result<T>>& answer) {
  return [&answer](base::Result<T> r) { answer.set_value(std::move(r)); };
}

// In steps, every expert submits the task in hand and leases the next one (AcquireLease after
// the task in hand, as the web app prefetches), until nothing is left for anyone. A step's calls
// are asynchronous and queue their writes in call order, so the outcome is the same every run
// and SQLite commits a step's writes together rather than one by one.
base::Result<std::vector<PilotSubmission>> LabelPilot(Service& service, const Caller& manager,
                                                      const std::string& project_id,
                                                      const std::vector<Caller>& experts,
                                                      const std::vector<PilotItem>& items) {
  ASSAY_ASSIGN_OR_RETURN(Page<ItemView> listed,
                         service.ListItems(manager, project_id, kMaxPageSize, ""));
  std::unordered_map<std::string, const PilotItem*> by_external_id, by_item_id;
  for (const PilotItem& p : items) by_external_id[ExternalId(p.n, *p.item)] = &p;
  for (const ItemView& v : listed.items) {
    if (auto it = by_external_id.find(v.external_id.value_or("")); it != by_external_id.end())
      by_item_id[v.id] = it->second;
  }
  const size_t n = experts.size();
  std::vector<std::optional<Lease>> held(n);  // each expert's task in hand
  std::vector<size_t> leased_tasks(n, 0);
  std::vector<PilotSubmission> out;
  for (bool first = true;; first = false) {
    std::vector<std::promise<base::Result<SubmitResult>>> submitted(n);
    std::vector<std::promise<base::Result<std::optional<Lease>>>> leased(n);
    std::vector<PilotAnswer> answers(n);
    std::vector<const PilotItem*> answered(n, nullptr);
    std::vector<bool> leasing(n, false);
    for (size_t e = 0; e < n; ++e) {
      if (held[e]) {
        auto it = by_item_id.find(held[e]->item_id);
        if (it == by_item_id.end())
          return base::Error::Internal("demo pilot leased an unknown item");
        answered[e] = it->second;
        answers[e] = AnswerFor(kPilotExperts[e], e, *it->second);
        service.SubmitAsync(
            experts[e],
            {held[e]->assignment_id, held[e]->lease_token, "demo-" + held[e]->assignment_id,
             answers[e].answer_json, answers[e].active_ms},
            Into(submitted[e]));
      }
      leasing[e] = (first || held[e]) && leased_tasks[e] < kPilotExperts[e].max_tasks;
      if (leasing[e])
        service.AcquireLeaseAsync(experts[e], project_id, held[e] ? held[e]->assignment_id : "",
                                  Into(leased[e]));
    }
    bool any = false;
    for (size_t e = 0; e < n; ++e) {
      if (answered[e]) {
        base::Result<SubmitResult> r = submitted[e].get_future().get();
        if (!r) return std::move(r).error();
        out.push_back({r->submission.id, e, answered[e], answers[e].choice});
      }
      held[e].reset();
      if (!leasing[e]) continue;
      base::Result<std::optional<Lease>> l = leased[e].get_future().get();
      if (!l) return std::move(l).error();
      held[e] = std::move(l).value();
      if (held[e]) {
        ++leased_tasks[e];
        any = true;
      }
    }
    if (!any) return out;
  }
}

// The manager's reviews: two approvals per expert of work that picked the better answer, and two
// rejections (with a reason the expert can act on) of the careless expert picking a wrong answer
// on a clear pair; the rest stays pending. Gold items are left alone so that gold accuracy still
// shows every gold miss (rejected labels leave the quality report).
base::Status ReviewPilot(Service& service, const Caller& manager,
                         const std::vector<PilotSubmission>& submissions) {
  std::vector<int> approved(std::size(kPilotExperts), 0), rejected(std::size(kPilotExperts), 0);
  for (const PilotSubmission& s : submissions) {
    if (s.item->gold) continue;
    const bool hit = s.choice == s.item->better;
    if (kPilotExperts[s.expert].careless && !hit && !s.item->item->close_call &&
        rejected[s.expert] < 2) {
      ++rejected[s.expert];
      ASSAY_TRY(service.ReviewSubmission(manager, s.id, "reject",
                                         "You preferred the response that gives wrong advice. "
                                         "Judge correctness and safety first; a few seconds "
                                         "per pair is not enough to read both answers."));
    } else if (!kPilotExperts[s.expert].careless && hit && approved[s.expert] < 2) {
      ++approved[s.expert];
      ASSAY_TRY(service.ReviewSubmission(manager, s.id, "approve",
                                         "Right call: the chosen response is the accurate one."));
    }
  }
  return base::Ok();
}

base::Status SeedPilot(const Services& services, const Caller& manager, DemoSeed& seed) {
  Service& service = services.work;
  const Caller system = Caller::System();
  ProjectFields f;
  f.name = kPilotName;
  f.instructions =
      std::string(kInstructions) + "\n\nThe two responses are shown in a random order.";
  f.template_json = kTemplate;
  f.overlap = kPilotOverlap;
  f.lease_seconds = 1800;
  ASSAY_ASSIGN_OR_RETURN(Project p, service.CreateProject(manager, f));
  const std::vector<PilotItem> items = PilotItems();
  ASSAY_ASSIGN_OR_RETURN(ImportResult r,
                         service.ImportItems(manager, p.id, PilotItemsJsonl(items)));
  if (r.error_count > 0)
    return base::Error::Internal("demo pilot items do not fit the template: " +
                                 r.errors[0].message);
  std::vector<Caller> experts;
  for (const PilotExpert& e : kPilotExperts) {
    // No password: nobody signs in as these experts, so they are token-only accounts and cost no
    // password hash (an argon2id hash at interactive cost takes ~80 ms, and seeding runs at
    // every `make run`).
    ASSAY_ASSIGN_OR_RETURN(User u, services.accounts.CreateUser(system, e.email, "", Role::kExpert, e.name));
    ASSAY_TRY(service.AddMember(Caller::System(), p.id, u.id, "expert"));
    experts.push_back({u.id, Role::kExpert});
  }
  ASSAY_ASSIGN_OR_RETURN(std::vector<PilotSubmission> submissions,
                         LabelPilot(service, manager, p.id, experts, items));
  ASSAY_TRY(ReviewPilot(service, manager, submissions));
  seed.worked_project_id = p.id;
  seed.worked_project_name = p.name;
  seed.worked_items = r.imported;
  seed.worked_submissions = static_cast<int64_t>(submissions.size());
  seed.worked_experts = static_cast<int64_t>(experts.size());
  return base::Ok();
}

}  // namespace

// The fresh project's items, counterbalanced like the pilot's (in kItems the better answer is
// always response_a).
std::string DemoItemsJsonl() {
  const std::vector<bool> swaps = Counterbalanced(std::size(kItems), kFreshSeed);
  std::string out;
  int n = 0;
  for (const DemoItem& it : kItems) {
    out += base::Dump(ItemLine(n + 1, it, swaps[static_cast<size_t>(n)]));
    out += '\n';
    ++n;
  }
  return out;
}

base::Result<DemoSeed> Seed(const Services& services) {
  Service& service = services.work;
  accounts::Service& accounts = services.accounts;
  const Caller system = Caller::System();
  DemoSeed seed;
  seed.logins = {{"manager@demo.assay.dev", "demo-manager-pass", "manager"},
                 {"amara.okafor@demo.assay.dev", "demo-expert-pass", "expert"},
                 {"jonas.weber@demo.assay.dev", "demo-expert-pass", "expert"},
                 {"priya.raman@demo.assay.dev", "demo-expert-pass", "expert"},
                 {"layla.haddad@demo.assay.dev", "demo-expert-pass", "expert"}};
  const char* names[] = {"Morgan Lee", "Dr. Amara Okafor", "Jonas Weber", "Priya Raman", "Layla Haddad"};
  // The logins' password hashes dominate seeding time: run them side by side (the Service caps
  // how many hash at once).
  std::vector<std::future<base::Result<User>>> created;
  for (size_t i = 0; i < seed.logins.size(); ++i) {
    ASSAY_ASSIGN_OR_RETURN(Role role, accounts::ParseRole(seed.logins[i].role));
    created.push_back(std::async(
        std::launch::async, [&accounts, &system, &login = seed.logins[i], role, name = names[i]] {
          return accounts.CreateUser(system, login.email, login.password, role, name);
        }));
  }
  std::vector<User> users;
  std::optional<base::Error> failed;
  for (auto& c : created) {
    base::Result<User> u = c.get();
    if (u)
      users.push_back(std::move(u).value());
    else if (!failed)
      failed = std::move(u).error();
  }
  if (failed) return *failed;
  const Caller manager{users[0].id, Role::kManager};
  ProjectFields f;
  f.name = "Expert preferences: medicine, law, accounting";
  f.instructions = kInstructions;
  f.template_json = kTemplate;
  f.overlap = 3;
  f.lease_seconds = 1800;
  ASSAY_ASSIGN_OR_RETURN(Project p, service.CreateProject(manager, f));
  seed.project_id = p.id;
  // The three experts of the fresh project (Layla works on the Arabic one: people.cc).
  for (size_t i = 1; i <= 3; ++i) ASSAY_TRY(service.AddMember(Caller::System(), p.id, users[i].id, "expert"));
  ASSAY_ASSIGN_OR_RETURN(ImportResult r, service.ImportItems(manager, p.id, DemoItemsJsonl()));
  if (r.error_count > 0)
    return base::Error::Internal("demo items do not fit the template: " + r.errors[0].message);
  seed.items = r.imported;
  ASSAY_TRY(SeedPilot(services, manager, seed));
  ASSAY_TRY(SeedPeople(services, manager, users, seed));
  ASSAY_TRY(SeedMoney(services, manager, seed));
  return seed;
}

}  // namespace demo

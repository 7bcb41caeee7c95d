#include "work/gold.h"

#include <nlohmann/json.hpp>

#include <set>

#include "base/json.h"

namespace work {
namespace {

using json = nlohmann::json;

std::string Text(const json& v) { return v.is_null() ? "null" : base::Dump(v); }

void Pairwise(const json& want, const json& got, GoldField& f) {
  f.scored = true;
  const json choice_w = want.is_object() ? want.value("choice", json()) : json();
  const json choice_g = got.is_object() ? got.value("choice", json()) : json();
  f.match = !choice_w.is_null() && choice_w == choice_g;
  const json sw = want.is_object() ? want.value("strength", json()) : json();
  const json sg = got.is_object() ? got.value("strength", json()) : json();
  if (!sw.is_null() && !sg.is_null() && sw != sg) {
    f.note = "strength " + base::Dump(sg) + ", gold says " + base::Dump(sw) + " (a note, not scored)";
  }
}

void Choice(const json& want, const json& got, GoldField& f) {
  f.scored = true;
  if (want.is_array() && got.is_array()) {
    std::set<std::string> a, b;
    for (const json& x : want) a.insert(base::Dump(x));
    for (const json& x : got) b.insert(base::Dump(x));
    f.match = a == b;
  } else {
    f.match = want == got;
  }
}

void Rating(const json& want, const json& got, GoldField& f) {
  f.scored = true;
  f.match = want == got;
  if (!f.match && want.is_number_integer() && got.is_number_integer()) {
    const int64_t d = got.get<int64_t>() - want.get<int64_t>();
    f.note = "off by " + std::to_string(d > 0 ? d : -d);
  }
}

void Ranking(const json& want, const json& got, GoldField& f) {
  f.scored = true;
  f.match = want == got;
  if (!f.match && want.is_array() && got.is_array() && !want.empty() && !got.empty()) {
    f.note = want[0] == got[0] ? "the same first place" : "another first place";
  }
}

void Rubric(const json& want, const json& got, GoldField& f) {
  f.scored = true;
  f.match = true;
  if (!want.is_object()) return;
  for (const auto& [criterion, w] : want.items()) {
    const json ws = w.is_object() ? w.value("score", json()) : json();
    const json gs = got.is_object() && got.contains(criterion) && got[criterion].is_object()
                        ? got[criterion].value("score", json())
                        : json();
    if (ws == gs) continue;
    f.match = false;
    if (!f.note.empty()) f.note += ", ";
    f.note += criterion + " " + (gs.is_null() ? "—" : base::Dump(gs)) + " (gold " + base::Dump(ws) + ")";
  }
}

void Unscored(const std::string& type, const json& want, const json& got, GoldField& f) {
  f.scored = false;
  f.match = base::CanonicalJson(want) == base::CanonicalJson(got);
  if (f.match) return;
  if (type == "spans" || type == "claims" || type == "chat_author") {
    const size_t g = got.is_array() ? got.size() : 0, w = want.is_array() ? want.size() : 0;
    const std::string what = type == "spans" ? "spans" : type == "claims" ? "claims" : "messages";
    f.note = std::to_string(g) + " " + what + ", gold has " + std::to_string(w) + ": compare by reading";
  } else {
    f.note = "free text: compare by reading";
  }
}

}  // namespace

std::vector<GoldField> CompareToGold(std::string_view template_json, std::string_view gold_json,
                                     std::string_view answer_json) {
  std::vector<GoldField> out;
  auto tmpl = base::ParseJson(template_json);
  auto gold = base::ParseJson(gold_json);
  auto answer = base::ParseJson(answer_json);
  if (!tmpl || !gold || !tmpl->is_array() || !gold->is_object()) return out;
  const json none;
  for (const json& c : *tmpl) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) continue;
    const std::string name = c["name"].get<std::string>(), type = c.value("type", "");
    if (!gold->contains(name)) continue;
    const json& want = (*gold)[name];
    const json& got = answer && answer->is_object() && answer->contains(name) ? (*answer)[name] : none;
    GoldField f{name, type, Text(want), Text(got), false, false, ""};
    if (type == "pairwise") Pairwise(want, got, f);
    else if (type == "choice") Choice(want, got, f);
    else if (type == "rating") Rating(want, got, f);
    else if (type == "ranking") Ranking(want, got, f);
    else if (type == "rubric") Rubric(want, got, f);
    else Unscored(type, want, got, f);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace work

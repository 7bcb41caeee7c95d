#include "workplace/app_util.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdio>

#include "base/clock.h"
#include "base/json.h"
#include "env/diff.h"

namespace workplace {

std::string Ptr(std::initializer_list<std::string_view> tokens) {
  std::string out;
  for (std::string_view t : tokens) out = AppendPointer(out, t);
  return out;
}

Value Put(const Value& state, const std::string& pointer, Value v) {
  auto updated = state.SetAt(pointer, std::move(v));
  assert(updated.has_value());
  return updated ? std::move(*updated) : state;
}

const std::string& Field(const Value& record, std::string_view key) {
  static const std::string kEmpty;
  const Value* v = record.Find(key);
  return v != nullptr && v->is_string() ? v->AsString() : kEmpty;
}

std::string Arg(const nlohmann::json& args, const char* key, std::string fallback) {
  auto it = args.find(key);
  return it != args.end() && it->is_string() ? it->get<std::string>() : std::move(fallback);
}

std::vector<std::string> ArgList(const nlohmann::json& args, const char* key) {
  std::vector<std::string> out;
  auto it = args.find(key);
  if (it == args.end() || !it->is_array()) return out;
  for (const auto& s : *it) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

Value StringArray(const std::vector<std::string>& items) {
  std::vector<Value> out;
  out.reserve(items.size());
  for (const auto& s : items) out.push_back(Value::String(s));
  return Value::Array(std::move(out));
}

std::vector<std::string> Strings(const Value* array) {
  std::vector<std::string> out;
  if (array == nullptr || !array->is_array()) return out;
  for (const Value& v : array->elements()) {
    if (v.is_string()) out.push_back(v.AsString());
  }
  return out;
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return !haystack.empty();  // as std::search: found at begin(), if any
  if (needle.size() > haystack.size()) return false;
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  if (needle.size() <= 16) {  // a plain search costs at most 16 comparisons a byte here
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [&](char a, char b) { return lower(a) == lower(b); }) != haystack.end();
  }
  // Knuth-Morris-Pratt on lower-cased bytes. A plain search compares up to |haystack|·|needle|
  // bytes on repetitive text ("aaa…ab" in "aaa…a"): seconds for a long query word.
  std::vector<size_t> border(needle.size(), 0);  // longest proper border of needle[0..i]
  for (size_t i = 1, k = 0; i < needle.size(); ++i) {
    while (k > 0 && lower(needle[i]) != lower(needle[k])) k = border[k - 1];
    if (lower(needle[i]) == lower(needle[k])) ++k;
    border[i] = k;
  }
  for (size_t i = 0, k = 0; i < haystack.size(); ++i) {
    while (k > 0 && lower(haystack[i]) != lower(needle[k])) k = border[k - 1];
    if (lower(haystack[i]) == lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

bool MatchesQuery(std::string_view query, std::initializer_list<std::string_view> texts,
                  env::Budget& budget) {
  int64_t text_ops = 1;
  for (std::string_view t : texts) text_ops += static_cast<int64_t>(t.size() / 16);
  size_t pos = 0;
  while (pos < query.size()) {
    size_t end = query.find(' ', pos);
    if (end == std::string_view::npos) end = query.size();
    std::string_view word = query.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    if (!budget.Spend(text_ops, "text searched")) return false;
    bool found = std::any_of(texts.begin(), texts.end(),
                             [&](std::string_view t) { return ContainsIgnoreCase(t, word); });
    if (!found) return false;
  }
  return true;
}

ToolResult OkJson(const nlohmann::json& j) { return ToolResult::Ok(base::Dump(j)); }

std::string ObjectParams(std::string_view properties, std::string_view required) {
  std::string schema = R"({"type":"object","properties":{)";
  schema.append(properties).append(R"(},"required":[)").append(required);
  schema.append(R"(],"additionalProperties":false})");
  return schema;
}

base::Status AddTool(ToolRegistry& registry, std::string_view app, std::string name,
                     std::string description, std::string_view properties,
                     std::string_view required, bool read_only, ToolHandler handler) {
  return registry.Register({std::move(name), std::move(description),
                            ObjectParams(properties, required), read_only, std::string(app),
                            std::move(handler)});
}

std::string FormatCents(int64_t cents) {
  const bool negative = cents < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(cents) : cents;
  const std::string digits = std::to_string(magnitude / 100);
  std::string out(negative ? "-" : "");
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  char fraction[4];
  std::snprintf(fraction, sizeof fraction, ".%02u", static_cast<unsigned>(magnitude % 100));
  return out.append(fraction);
}

// --- time ------------------------------------------------------------------------------------

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int Digits(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<int64_t> ParseTime(std::string_view t) {
  // YYYY-MM-DDTHH:MM[:SS]Z
  if (t.size() != 17 && t.size() != 20) return std::nullopt;
  if (t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t.back() != 'Z')
    return std::nullopt;
  if (t.size() == 20 && t[16] != ':') return std::nullopt;
  const int y = Digits(t, 0, 4), mo = Digits(t, 5, 2), d = Digits(t, 8, 2), h = Digits(t, 11, 2),
            mi = Digits(t, 14, 2), s = t.size() == 20 ? Digits(t, 17, 2) : 0;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      s < 0 || s > 59)
    return std::nullopt;
  const int64_t days = DaysFromCivil(y, mo, d);
  // Reject 2026-02-31 and the like: the date must survive the round trip.
  if (FormatTime(days * 86400).substr(0, 10) != t.substr(0, 10)) return std::nullopt;
  return days * 86400 + h * 3600 + mi * 60 + s;
}

std::string FormatTime(int64_t seconds) {
  std::string text = base::FormatRfc3339(seconds * base::kMicrosPerSecond);  // …:SS.mmmZ
  return text.substr(0, 19) + "Z";
}

std::string NowText(const ToolContext& ctx) {
  return FormatTime(ctx.NowMicros() / base::kMicrosPerSecond);
}

// --- tasks ---------------------------------------------------------------------------------

TaskBuilder::TaskBuilder(std::string id, std::string instruction, const World& initial) {
  task_.id = std::move(id);
  task_.instruction = std::move(instruction);
  task_.initial = initial;
}

TaskBuilder& TaskBuilder::Do(std::string tool, const nlohmann::json& args) {
  task_.reference_actions.push_back({std::move(tool), base::Dump(args)});
  return *this;
}

TaskBuilder& TaskBuilder::Expect(Predicate predicate) {
  task_.checker.predicates.push_back(std::move(predicate));
  return *this;
}

TaskBuilder& TaskBuilder::Changes(std::string path) {
  changes_.push_back(std::move(path));
  return *this;
}

TaskBuilder& TaskBuilder::ExpectNew(std::string collection, std::string description,
                                    std::function<bool(const Value& record)> match) {
  new_collections_.push_back(collection);
  const Value initial = task_.initial.AsValue();
  const Value* before = initial.At(collection);
  Value before_records = before != nullptr ? *before : Value::EmptyObject();
  return Expect({"new record under " + collection + ": " + description,
                 [collection, before_records, match](const World& w) -> std::optional<std::string> {
                   const Value root = w.AsValue();
                   const Value* records = root.At(collection);
                   if (records != nullptr) {
                     for (const auto& [id, record] : records->members()) {
                       if (before_records.Find(id) == nullptr && match(record)) return std::nullopt;
                     }
                   }
                   return "no new record under " + collection + " matches";
                 }});
}

Task TaskBuilder::Build() const {
  Task task = task_;
  for (const std::string& path : changes_) task.checker.expected_changes.push_back({path, {}});
  task.checker.predicates.push_back(
      {"nothing else changed",
       [initial = task_.initial.AsValue(), changes = changes_,
        collections = new_collections_](const World& w) -> std::optional<std::string> {
         std::string collateral;
         for (const Change& c : Diff(initial, w.AsValue())) {
           bool allowed = std::any_of(changes.begin(), changes.end(), [&](const std::string& p) {
             return env::PathWithin(c.path, p);
           });
           if (!allowed && c.kind == Change::Kind::kAdded) {
             const std::string parent = c.path.substr(0, c.path.rfind('/'));
             allowed =
                 std::find(collections.begin(), collections.end(), parent) != collections.end();
           }
           if (!allowed)
             collateral += (collateral.empty() ? "collateral: " : "; ") + FormatChange(c, 80);
         }
         if (collateral.empty()) return std::nullopt;
         return collateral;
       }});
  return task;
}

Task TaskBuilder::BuildExact(const ToolRegistry& tools) const {
  Task task = task_;
  base::FakeClock clock;  // the clock and seed `assay env run` uses
  DeriveCheckerFromReference(task, tools, clock, 1);
  return task;
}

bool HasString(const Value& record, std::string_view key, std::string_view value) {
  return Field(record, key) == value;
}

bool TextHas(const Value& record, std::string_view key,
             std::initializer_list<std::string_view> words) {
  const std::string& text = Field(record, key);
  return std::all_of(words.begin(), words.end(),
                     [&](std::string_view w) { return ContainsIgnoreCase(text, w); });
}

bool ListHas(const Value& record, std::string_view key, std::string_view value) {
  const Value* list = record.Find(key);
  if (list == nullptr) return false;
  if (list->is_object()) return list->Find(value) != nullptr;
  for (const std::string& s : Strings(list)) {
    if (s == value) return true;
  }
  return false;
}

}  // namespace workplace

#include "people/languages.h"

#include <utf8proc.h>

#include <cctype>
#include <cstdlib>
#include <vector>

namespace people {
namespace {

bool Alpha(std::string_view s) {
  for (char c : s) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}
bool Digits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}
bool Alnum(std::string_view s) {
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<std::string> ParseLanguageTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 64) return std::nullopt;
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t dash = tag.find('-', start);
    parts.push_back(tag.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  for (std::string_view p : parts) {
    if (p.empty() || p.size() > 8 || !Alnum(p)) return std::nullopt;
  }
  size_t i = 0;
  std::string out;
  // language: 2-3 letters, ISO 639 (+ up to three 3-letter extlangs). RFC 5646 also allows 4-8
  // letter subtags, but none is registered: "english" is a mistake, not a tag.
  if (!Alpha(parts[0]) || parts[0].size() < 2 || parts[0].size() > 3) return std::nullopt;
  out = Lower(parts[i++]);
  {
    for (int ext = 0; ext < 3 && i < parts.size() && parts[i].size() == 3 && Alpha(parts[i]); ++ext) {
      out += "-" + Lower(parts[i++]);
    }
  }
  if (i < parts.size() && parts[i].size() == 4 && Alpha(parts[i])) {  // script
    std::string script = Lower(parts[i++]);
    script[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(script[0])));
    out += "-" + script;
  }
  if (i < parts.size() && ((parts[i].size() == 2 && Alpha(parts[i])) || (parts[i].size() == 3 && Digits(parts[i])))) {
    out += "-" + Upper(parts[i++]);  // region
  }
  // variants: 5-8 alphanumerics, or 4 starting with a digit
  while (i < parts.size() && ((parts[i].size() >= 5) ||
                              (parts[i].size() == 4 && std::isdigit(static_cast<unsigned char>(parts[i][0]))))) {
    out += "-" + Lower(parts[i++]);
  }
  // extensions (a singleton then 2-8 char subtags) and private use (x then 1-8 char subtags)
  while (i < parts.size()) {
    if (parts[i].size() != 1) return std::nullopt;
    const bool private_use = parts[i] == "x" || parts[i] == "X";
    out += "-" + Lower(parts[i++]);
    size_t n = 0;
    while (i < parts.size() && (private_use || parts[i].size() >= 2)) {
      out += "-" + Lower(parts[i++]);
      ++n;
    }
    if (n == 0) return std::nullopt;
  }
  return out;
}

bool ValidLevel(std::string_view level) { return LevelRank(level) > 0; }

int LevelRank(std::string_view level) {
  static constexpr std::string_view kLevels[] = {"A1", "A2", "B1", "B2", "C1", "C2", "native"};
  for (int i = 0; i < 7; ++i) {
    if (kLevels[i] == level) return i + 1;
  }
  return 0;
}

bool LanguageMatches(std::string_view range, std::string_view tag) {
  if (range.size() > tag.size()) return false;
  for (size_t i = 0; i < range.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(range[i])) != std::tolower(static_cast<unsigned char>(tag[i]))) {
      return false;
    }
  }
  return range.size() == tag.size() || tag[range.size()] == '-';
}

namespace {
struct LanguageName {
  std::string_view code;
  std::string_view name;
};
constexpr LanguageName kLanguageNames[] = {
    {"af", "Afrikaans"}, {"am", "Amharic"},    {"ar", "Arabic"},     {"az", "Azerbaijani"},
    {"bg", "Bulgarian"}, {"bn", "Bengali"},    {"ca", "Catalan"},    {"cs", "Czech"},
    {"da", "Danish"},    {"de", "German"},     {"el", "Greek"},      {"en", "English"},
    {"es", "Spanish"},   {"et", "Estonian"},   {"fa", "Persian"},    {"fi", "Finnish"},
    {"fil", "Filipino"}, {"fr", "French"},     {"ga", "Irish"},      {"gu", "Gujarati"},
    {"ha", "Hausa"},     {"he", "Hebrew"},     {"hi", "Hindi"},      {"hr", "Croatian"},
    {"hu", "Hungarian"}, {"hy", "Armenian"},   {"id", "Indonesian"}, {"ig", "Igbo"},
    {"is", "Icelandic"}, {"it", "Italian"},    {"ja", "Japanese"},   {"ka", "Georgian"},
    {"kk", "Kazakh"},    {"km", "Khmer"},      {"kn", "Kannada"},    {"ko", "Korean"},
    {"lt", "Lithuanian"}, {"lv", "Latvian"},   {"ml", "Malayalam"},  {"mr", "Marathi"},
    {"ms", "Malay"},     {"my", "Burmese"},    {"ne", "Nepali"},     {"nl", "Dutch"},
    {"no", "Norwegian"}, {"pa", "Punjabi"},    {"pl", "Polish"},     {"ps", "Pashto"},
    {"pt", "Portuguese"}, {"ro", "Romanian"},  {"ru", "Russian"},    {"sk", "Slovak"},
    {"sl", "Slovenian"}, {"so", "Somali"},     {"sq", "Albanian"},   {"sr", "Serbian"},
    {"sv", "Swedish"},   {"sw", "Swahili"},    {"ta", "Tamil"},      {"te", "Telugu"},
    {"th", "Thai"},      {"tl", "Tagalog"},    {"tr", "Turkish"},    {"uk", "Ukrainian"},
    {"ur", "Urdu"},      {"uz", "Uzbek"},      {"vi", "Vietnamese"}, {"xh", "Xhosa"},
    {"yo", "Yoruba"},    {"yue", "Cantonese"}, {"zh", "Chinese"},    {"zu", "Zulu"},
};
}  // namespace

std::string DescribeLanguage(std::string_view tag) {
  const std::string_view primary = tag.substr(0, tag.find('-'));
  for (const LanguageName& l : kLanguageNames) {
    if (l.code == primary) return std::string(l.name) + " (" + std::string(tag) + ")";
  }
  return std::string(tag);
}

std::string Nfc(std::string_view text) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                          static_cast<utf8proc_ssize_t>(text.size()), &out,
                                          static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) return std::string(text);
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

}  // namespace people

// Language tags and levels: BCP 47 syntax (RFC 5646, the parts experts and items use:
// language, extlang, script, region, variants, extensions, private use), CEFR levels, and the
// RFC 4647 basic match ("ar" covers "ar-EG"). Text comparisons use Unicode NFC.
//
//   people::ParseLanguageTag("AR-eg") → "ar-EG";  people::LanguageMatches("ar", "ar-EG") → true
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace people {

// The tag in its conventional case (language lower, Script title, REGION upper), or nullopt
// when it is not a well-formed BCP 47 tag.
std::optional<std::string> ParseLanguageTag(std::string_view tag);
// A1 … C2 or native.
bool ValidLevel(std::string_view level);
// A1 = 1 … C2 = 6, native = 7; 0 for anything else.
int LevelRank(std::string_view level);
// RFC 4647 basic filtering: the range equals the tag or is a prefix of it ending at a hyphen.
bool LanguageMatches(std::string_view range, std::string_view tag);
// "Arabic (ar)", "Hebrew (he-IL)" for a tag whose primary language is among the ~60 most
// spoken and written in expert work; otherwise the tag itself.
std::string DescribeLanguage(std::string_view tag);
// NFC of UTF-8 text; text that is not valid UTF-8 is returned as it is.
std::string Nfc(std::string_view text);

}  // namespace people

#include "people/languages.h"

#include <gtest/gtest.h>

namespace people {
namespace {

TEST(LanguagesTest, Bcp47TagsAreCheckedAndCased) {
  EXPECT_EQ(ParseLanguageTag("ar"), "ar");
  EXPECT_EQ(ParseLanguageTag("AR-eg"), "ar-EG");
  EXPECT_EQ(ParseLanguageTag("zh-hant-tw"), "zh-Hant-TW");
  EXPECT_EQ(ParseLanguageTag("es-419"), "es-419");
  EXPECT_EQ(ParseLanguageTag("sl-rozaj-biske"), "sl-rozaj-biske");
  EXPECT_EQ(ParseLanguageTag("de-CH-1901"), "de-CH-1901");
  EXPECT_EQ(ParseLanguageTag("en-US-x-twain"), "en-US-x-twain");
  EXPECT_EQ(ParseLanguageTag("he"), "he");
  for (const char* bad : {"", "a", "english", "en_US", "en-", "-en", "en--US", "12", "en-US-x", "en-a", "ar EG",
                          "en-verylongsubtag"}) {
    EXPECT_FALSE(ParseLanguageTag(bad).has_value()) << bad;
  }
}

TEST(LanguagesTest, RangesMatchTagsByPrefixOfSubtags) {
  EXPECT_TRUE(LanguageMatches("ar", "ar-EG"));
  EXPECT_TRUE(LanguageMatches("ar", "ar"));
  EXPECT_TRUE(LanguageMatches("AR", "ar-EG"));
  EXPECT_FALSE(LanguageMatches("ar-EG", "ar"));
  EXPECT_FALSE(LanguageMatches("a", "ar"));
  EXPECT_FALSE(LanguageMatches("ar", "arz"));
}

TEST(LanguagesTest, LevelsAreOrdered) {
  EXPECT_LT(LevelRank("B2"), LevelRank("C1"));
  EXPECT_LT(LevelRank("C2"), LevelRank("native"));
  EXPECT_EQ(LevelRank("B3"), 0);
  EXPECT_FALSE(ValidLevel("fluent"));
}

TEST(LanguagesTest, NfcComposesSoEqualTextCompareEqual) {
  const std::string composed = "caf\xC3\xA9";     // é as one code point
  const std::string decomposed = "cafe\xCC\x81";  // e + combining acute
  EXPECT_NE(composed, decomposed);
  EXPECT_EQ(Nfc(decomposed), composed);
  EXPECT_EQ(Nfc(composed), composed);
  // Arabic with a shadda and a fatha typed in either order is one text under NFC.
  EXPECT_EQ(Nfc("\xD8\xA8\xD9\x8E\xD9\x91"), Nfc("\xD8\xA8\xD9\x91\xD9\x8E"));
  EXPECT_EQ(Nfc("\xff"), "\xff");  // invalid UTF-8 comes back as it was
}

}  // namespace
}  // namespace people

TEST(LanguagesTest, RefusalsNameTheLanguageInWords) {
  EXPECT_EQ(people::DescribeLanguage("ar"), "Arabic (ar)");
  EXPECT_EQ(people::DescribeLanguage("he-IL"), "Hebrew (he-IL)");
  EXPECT_EQ(people::DescribeLanguage("yue-Hant-HK"), "Cantonese (yue-Hant-HK)");
  EXPECT_EQ(people::DescribeLanguage("tlh"), "tlh");  // not in the table: the tag as it is
}

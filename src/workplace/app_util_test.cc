// app_util: the case-insensitive search every search tool uses, and its charge to the budget.
#include "workplace/app_util.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace workplace {
namespace {

TEST(AppUtil, ContainsIgnoreCaseFindsOverlappingAndRepetitiveNeedles) {
  EXPECT_TRUE(ContainsIgnoreCase("Invoice INV-4471 from CloudNine", "inv-4471"));
  EXPECT_TRUE(ContainsIgnoreCase("xxAAAB", "aab"));       // restarts inside a partial match
  EXPECT_TRUE(ContainsIgnoreCase("abababac", "ABABAC"));  // a border that overlaps
  EXPECT_FALSE(ContainsIgnoreCase("abababab", "ababac"));
  EXPECT_FALSE(ContainsIgnoreCase("abc", "abcd"));
  EXPECT_TRUE(ContainsIgnoreCase("abc", ""));
  EXPECT_FALSE(ContainsIgnoreCase("", ""));  // as before: std::search found nothing in nothing
  // The worst case of a plain search (|text| x |word| comparisons): linear here.
  const std::string text(200000, 'a');
  EXPECT_FALSE(ContainsIgnoreCase(text, std::string(100000, 'a') + "b"));
  EXPECT_TRUE(ContainsIgnoreCase(text + "B", std::string(100000, 'a') + "b"));
}

TEST(AppUtil, MatchesQueryChargesEachWordsScanToTheBudget) {
  const std::string body(16 * 100, 'x');  // 100 operations per word, and 1 for the record
  env::Budget budget(std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(MatchesQuery("xx XX", {body}, budget));
  EXPECT_EQ(budget.spent_ops(), 2 * 101);
  env::Budget small(300);
  EXPECT_TRUE(MatchesQuery("x x", {body}, small));  // 202 of 300
  EXPECT_FALSE(MatchesQuery("x", {body}, small));   // 303: refused, whatever the text holds
  EXPECT_TRUE(small.exhausted());
  EXPECT_EQ(small.exhausted_by(), "text searched");
}

}  // namespace
}  // namespace workplace

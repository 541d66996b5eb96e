// Cutting input lines into complete units, as the REPL, piped input and scripts do: open
// brackets, trailing backslashes, triple-quoted strings and blocks that end at a blank line.
#include "tools/session/InputBuffer.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using jitexpr::tools::InputBuffer;
using jitexpr::tools::is_block;
using jitexpr::tools::split_units;
using Units = std::vector<std::string>;
// A completed unit and the index of the line whose adding completed it.
using Done = std::vector<std::pair<int, std::string>>;

Done feed(InputBuffer& b, const std::vector<std::string>& lines) {
  Done done;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (std::string& unit : b.add_line(lines[i])) done.emplace_back(static_cast<int>(i), std::move(unit));
  }
  return done;
}

TEST(InputBuffer, OneLineStatementIsCompleteAtOnce) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"a = arange(3); a + 1"}), (Done{{0, "a = arange(3); a + 1"}}));
  EXPECT_FALSE(b.pending());
}

TEST(InputBuffer, BlankLinesOutsideAUnitAreSkipped) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"", "   \t"}), Done{});
  EXPECT_FALSE(b.pending());
}

TEST(InputBuffer, OpenBracketWaitsForItsClose) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"x = (1 +", "  [2,"}), Done{});
  EXPECT_TRUE(b.pending());
  EXPECT_EQ(feed(b, {"  3][0])"}), (Done{{0, "x = (1 +\n  [2,\n  3][0])"}}));
  EXPECT_FALSE(b.pending());
}

TEST(InputBuffer, BracketsInStringsAndCommentsDoNotCount) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"s = \"(\"  # ( [ {", "t = '\\'('"}), (Done{{0, "s = \"(\"  # ( [ {"}, {1, "t = '\\'('"}}));
}

TEST(InputBuffer, UnterminatedOneQuoteStringEndsWithItsLine) {
  // The parser reports the string; the buffer must not wait forever.
  InputBuffer b;
  EXPECT_EQ(feed(b, {"s = \"abc("}), (Done{{0, "s = \"abc("}}));
}

TEST(InputBuffer, TrailingBackslashContinues) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"a = 1 + \\", "  2"}), (Done{{1, "a = 1 + \\\n  2"}}));
}

TEST(InputBuffer, BackslashInsideAStringDoesNotContinue) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"s = 'a\\\\'"}), (Done{{0, "s = 'a\\\\'"}}));
}

TEST(InputBuffer, DefBlockEndsAtABlankLine) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"def f(x):", "    y = x + 1", "    return y"}), Done{});
  EXPECT_TRUE(b.pending());
  EXPECT_EQ(feed(b, {""}), (Done{{0, "def f(x):\n    y = x + 1\n    return y"}}));
  EXPECT_FALSE(b.pending());
}

TEST(InputBuffer, OneLineBlockStillWaitsForABlankLine) {
  // As in Python's REPL: `if x: pass` may be followed by an else.
  InputBuffer b;
  EXPECT_EQ(feed(b, {"for i in range(3): pass", ""}), (Done{{1, "for i in range(3): pass"}}));
}

TEST(InputBuffer, BlankLineInsideBracketsOfABlockDoesNotEndIt) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"def f(a,", "", "      b):", "    return a", ""}), (Done{{4, "def f(a,\n\n      b):\n    return a"}}));
}

TEST(InputBuffer, TripleQuotedDocstringSpansBlankLines) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"def f(x):", "    \"\"\"Doc.", "", "    more (\"\"\"", "    return x", ""}),
            (Done{{5, "def f(x):\n    \"\"\"Doc.\n\n    more (\"\"\"\n    return x"}}));
}

TEST(InputBuffer, LineAtColumnZeroClosesABlockAndRunsItself) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"def f(x):", "    return x", "a = 1"}), (Done{{2, "def f(x):\n    return x"}, {2, "a = 1"}}));
  EXPECT_FALSE(b.pending());
}

TEST(InputBuffer, LineAtColumnZeroThatIsIncompleteStaysPending) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"while x:", "    x = x - 1", "a = (1,", "2)"}),
            (Done{{2, "while x:\n    x = x - 1"}, {3, "a = (1,\n2)"}}));
}

TEST(InputBuffer, ElseAndCommentsAtColumnZeroContinueTheBlock) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"if a:", "    b = 1", "# why", "else:", "    b = 2", ""}),
            (Done{{5, "if a:\n    b = 1\n# why\nelse:\n    b = 2"}}));
}

TEST(InputBuffer, DecoratorsGoOnIntoTheirDef) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"@jit", "@other", "def f(x):", "    return x", ""}), (Done{{4, "@jit\n@other\ndef f(x):\n    return x"}}));
}

TEST(InputBuffer, ClearDropsThePendingUnit) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"x = (1,"}), Done{});
  b.clear();
  EXPECT_FALSE(b.pending());
  EXPECT_EQ(feed(b, {"2"}), (Done{{0, "2"}}));
}

TEST(InputBuffer, FlushGivesAnIncompleteUnitAsItIs) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"x = (1,"}), Done{});
  EXPECT_EQ(b.flush(), "x = (1,");
  EXPECT_FALSE(b.pending());
}

TEST(InputBuffer, CarriageReturnsAreDropped) {
  InputBuffer b;
  EXPECT_EQ(feed(b, {"a = 1\r"}), (Done{{0, "a = 1"}}));
}

TEST(InputBuffer, SplitUnitsCutsAWholeScript) {
  EXPECT_EQ(split_units("a = 1\n\ndef f(x):\n    return x\nb = (a +\n 1)\nif a: pass"),
            (Units{"a = 1", "def f(x):\n    return x", "b = (a +\n 1)", "if a: pass"}));
  EXPECT_EQ(split_units(""), Units{});
  EXPECT_EQ(split_units("x = [1,"), Units{"x = [1,"});
}

TEST(InputBuffer, BlockHeadersAreKeywordsNotPrefixes) {
  EXPECT_TRUE(is_block("def f(x):"));
  EXPECT_TRUE(is_block("@jit"));
  EXPECT_TRUE(is_block("  while True:"));
  EXPECT_FALSE(is_block("define = 3"));
  EXPECT_FALSE(is_block("format + 1"));
  EXPECT_FALSE(is_block("%time a + 1"));
  EXPECT_FALSE(is_block(""));
}

}  // namespace

// The lexer: every token kind, literals of every form with their values, ranges, and the error
// tokens it returns for malformed text (their wording and positions through the whole compiler are
// in tests/unit/data/error_corpus.txt).
#include "frontend/Lexer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace jitexpr;

std::vector<Token> lex(const std::string& text, LexMode mode = LexMode::Expression) {
  static Source src;  // tokens point into the source text, so it must outlive them
  src = Source{"<expr>", text};
  return tokenize(src, mode);
}

std::vector<Tok> kinds(const std::string& text, LexMode mode = LexMode::Expression) {
  std::vector<Tok> out;
  for (const Token& t : lex(text, mode)) out.push_back(t.kind);
  return out;
}

// The one token of `text` (then End).
Token single(const std::string& text) {
  std::vector<Token> tokens = lex(text);
  EXPECT_EQ(tokens.size(), 2u) << text;
  EXPECT_EQ(tokens.back().kind, Tok::End) << text;
  return tokens.front();
}

Token lex_error(const std::string& text) {
  std::vector<Token> tokens = lex(text);
  EXPECT_EQ(tokens.back().kind, Tok::Error) << text;
  return tokens.back();
}

TEST(Lexer, EveryOperatorIsOneToken) {
  struct Case {
    const char* text;
    Tok kind;
  };
  const Case cases[] = {
      {"+", Tok::Plus},          {"-", Tok::Minus},           {"*", Tok::Star},
      {"/", Tok::Slash},         {"//", Tok::SlashSlash},     {"%", Tok::Percent},
      {"**", Tok::StarStar},     {"<<", Tok::LessLess},       {">>", Tok::GreaterGreater},
      {"&", Tok::Amp},           {"|", Tok::Pipe},            {"^", Tok::Caret},
      {"~", Tok::Tilde},         {"<", Tok::Less},            {"<=", Tok::LessEqual},
      {"==", Tok::EqualEqual},   {"!=", Tok::NotEqual},       {">=", Tok::GreaterEqual},
      {">", Tok::Greater},       {"(", Tok::LParen},          {")", Tok::RParen},
      {"[", Tok::LBracket},      {"]", Tok::RBracket},        {",", Tok::Comma},
      {":", Tok::Colon},         {".", Tok::Dot},             {";", Tok::Semicolon},
      {"->", Tok::Arrow},        {"=", Tok::Assign},          {"+=", Tok::PlusAssign},
      {"-=", Tok::MinusAssign},  {"*=", Tok::StarAssign},     {"/=", Tok::SlashAssign},
      {"//=", Tok::SlashSlashAssign}, {"%=", Tok::PercentAssign}, {"**=", Tok::StarStarAssign},
      {"&=", Tok::AmpAssign},    {"|=", Tok::PipeAssign},     {"^=", Tok::CaretAssign},
      {"<<=", Tok::LessLessAssign}, {">>=", Tok::GreaterGreaterAssign},
  };
  for (const Case& c : cases) {
    Token t = single(c.text);
    EXPECT_EQ(t.kind, c.kind) << c.text;
    EXPECT_EQ(t.text, c.text);
    EXPECT_EQ(token_spelling(t.kind), c.text);
  }
}

TEST(Lexer, LongestOperatorWins) {
  EXPECT_EQ(kinds("a**-b"), (std::vector<Tok>{Tok::Identifier, Tok::StarStar, Tok::Minus, Tok::Identifier, Tok::End}));
  EXPECT_EQ(kinds("a//b"), (std::vector<Tok>{Tok::Identifier, Tok::SlashSlash, Tok::Identifier, Tok::End}));
  EXPECT_EQ(kinds("a<=b"), (std::vector<Tok>{Tok::Identifier, Tok::LessEqual, Tok::Identifier, Tok::End}));
  EXPECT_EQ(kinds("a<<=b"), (std::vector<Tok>{Tok::Identifier, Tok::LessLessAssign, Tok::Identifier, Tok::End}));
  EXPECT_EQ(kinds("a***b"), (std::vector<Tok>{Tok::Identifier, Tok::StarStar, Tok::Star, Tok::Identifier, Tok::End}));
  EXPECT_EQ(kinds("a<>b"), (std::vector<Tok>{Tok::Identifier, Tok::Less, Tok::Greater, Tok::Identifier, Tok::End}));
  EXPECT_EQ(kinds("--a"), (std::vector<Tok>{Tok::Minus, Tok::Minus, Tok::Identifier, Tok::End}));
}

TEST(Lexer, KeywordsAndNames) {
  EXPECT_EQ(single("and").kind, Tok::KwAnd);
  EXPECT_EQ(single("or").kind, Tok::KwOr);
  EXPECT_EQ(single("not").kind, Tok::KwNot);
  EXPECT_EQ(single("True").kind, Tok::KwTrue);
  EXPECT_EQ(single("False").kind, Tok::KwFalse);
  EXPECT_EQ(single("None").kind, Tok::KwNone);
  EXPECT_EQ(single("lambda").kind, Tok::KwLambda);
  EXPECT_TRUE(is_keyword(Tok::KwIf));
  EXPECT_FALSE(is_keyword(Tok::Identifier));
  for (const char* name : {"a", "_", "_x1", "true", "none", "andy", "not_", "Abc_9", "b", "r", "rb", "f"}) {
    Token t = single(name);
    EXPECT_EQ(t.kind, Tok::Identifier) << name;
    EXPECT_EQ(t.text, name);
  }
}

TEST(Lexer, DecimalIntegers) {
  struct Case {
    const char* text;
    std::uint64_t value;
  };
  const Case cases[] = {{"0", 0},       {"00", 0},          {"0_0", 0},        {"7", 7},
                        {"42", 42},     {"1_000_000", 1000000}, {"2147483648", 2147483648u},
                        {"9223372036854775808", 9223372036854775808u},
                        {"18446744073709551615", 18446744073709551615u}};
  for (const Case& c : cases) {
    Token t = single(c.text);
    EXPECT_EQ(t.kind, Tok::Int) << c.text;
    EXPECT_EQ(t.int_value, c.value) << c.text;
  }
}

TEST(Lexer, RadixIntegers) {
  struct Case {
    const char* text;
    std::uint64_t value;
  };
  const Case cases[] = {{"0x2a", 42},   {"0X2A", 42},         {"0xff_ff", 0xffff}, {"0x_1f", 0x1f},
                        {"0o52", 42},   {"0O777", 0777},      {"0o_7", 7},         {"0b101010", 42},
                        {"0B1_0", 2},   {"0b_1", 1},          {"0xFFFFFFFFFFFFFFFF", 0xFFFFFFFFFFFFFFFFu},
                        {"0x0", 0}};
  for (const Case& c : cases) {
    Token t = single(c.text);
    EXPECT_EQ(t.kind, Tok::Int) << c.text;
    EXPECT_EQ(t.int_value, c.value) << c.text;
  }
}

TEST(Lexer, Floats) {
  struct Case {
    const char* text;
    double value;
  };
  const Case cases[] = {{"2.5", 2.5},  {".5", 0.5},       {"5.", 5.0},      {"1e-3", 1e-3},  {"1E6", 1e6},
                        {"1e+2", 100}, {"1_000.5", 1000.5}, {"1e1_0", 1e10}, {"0.0", 0.0},   {"00.5", 0.5},
                        {"09.5", 9.5}, {"1.e5", 1e5},     {"0e0", 0.0},     {"3.141592653589793", 3.141592653589793}};
  for (const Case& c : cases) {
    Token t = single(c.text);
    EXPECT_EQ(t.kind, Tok::Float) << c.text;
    EXPECT_EQ(t.float_value, c.value) << c.text;
  }
  Token inf = single("1e999");
  EXPECT_EQ(inf.kind, Tok::Float);
  EXPECT_TRUE(std::isinf(inf.float_value));
}

TEST(Lexer, ImaginaryNumbers) {
  struct Case {
    const char* text;
    double value;
  };
  const Case cases[] = {{"4j", 4}, {"4J", 4}, {"2.5e3j", 2500}, {".5j", 0.5}, {"1_0j", 10}, {"08j", 8}, {"0j", 0}, {"1e-2j", 0.01}};
  for (const Case& c : cases) {
    Token t = single(c.text);
    EXPECT_EQ(t.kind, Tok::Imag) << c.text;
    EXPECT_EQ(t.float_value, c.value) << c.text;
  }
}

TEST(Lexer, NumberFollowedByAttributeOrOperator) {
  EXPECT_EQ(kinds("1.5.real"), (std::vector<Tok>{Tok::Float, Tok::Dot, Tok::Identifier, Tok::End}));
  EXPECT_EQ(kinds("0x1f.real"), (std::vector<Tok>{Tok::Int, Tok::Dot, Tok::Identifier, Tok::End}));
  EXPECT_EQ(kinds("1 .real"), (std::vector<Tok>{Tok::Int, Tok::Dot, Tok::Identifier, Tok::End}));
  EXPECT_EQ(kinds("2*a"), (std::vector<Tok>{Tok::Int, Tok::Star, Tok::Identifier, Tok::End}));
  EXPECT_EQ(kinds("1e5-1"), (std::vector<Tok>{Tok::Float, Tok::Minus, Tok::Int, Tok::End}));
  EXPECT_EQ(kinds("1j+2"), (std::vector<Tok>{Tok::Imag, Tok::Plus, Tok::Int, Tok::End}));
}

TEST(Lexer, StringsAndPrefixes) {
  EXPECT_EQ(single("'abc'").string_value, "abc");
  EXPECT_EQ(single("\"abc\"").string_value, "abc");
  EXPECT_EQ(single("b'abc'").string_value, "abc");
  EXPECT_EQ(single("B\"abc\"").string_value, "abc");
  EXPECT_EQ(single("u'abc'").string_value, "abc");
  EXPECT_EQ(single("''").string_value, "");
  EXPECT_EQ(lex("'it''s'").size(), 3u);  // two adjacent literals; the parser joins them
  EXPECT_EQ(single("\"it's\"").string_value, "it's");
  EXPECT_EQ(single("'say \"hi\"'").string_value, "say \"hi\"");
  EXPECT_EQ(single("'''a'b\"c\nd'''").string_value, "a'b\"c\nd");
  EXPECT_EQ(single("\"\"\"x\"\"\"").string_value, "x");
  EXPECT_EQ(single("'é'").string_value, "\xc3\xa9");  // a plain string keeps its UTF-8 bytes
  Token t = single("b'ab'");
  EXPECT_EQ(t.text, "b'ab'");
  EXPECT_EQ(t.range.begin, 0u);
  EXPECT_EQ(t.range.end, 5u);
}

TEST(Lexer, EscapesInStrings) {
  EXPECT_EQ(single(R"(b'\n\t\r\\\'\"')").string_value, "\n\t\r\\'\"");
  EXPECT_EQ(single(R"(b'\a\b\f\v')").string_value, "\a\b\f\v");
  EXPECT_EQ(single(R"(b'\x41\x7a\xff\x00')").string_value, std::string("Az\xff\0", 4));
  EXPECT_EQ(single(R"(b'\0')").string_value, std::string(1, '\0'));
  EXPECT_EQ(single(R"(b'\012\101\7')").string_value, "\nA\a");
  EXPECT_EQ(single(R"(b'\377')").string_value, "\xff");
  EXPECT_EQ(single(R"(b'\1234')").string_value, "S4");  // at most three octal digits
  EXPECT_EQ(single(R"(b'\q\N\u00e9')").string_value, R"(\q\N\u00e9)");  // unknown escapes stay as written
  EXPECT_EQ(single("'a\\\nb'").string_value, "ab");  // backslash-newline joins the lines
}

TEST(Lexer, RawStringsKeepBackslashes) {
  EXPECT_EQ(single(R"(r'\n\x41')").string_value, R"(\n\x41)");
  EXPECT_EQ(single(R"(rb'\t')").string_value, R"(\t)");
  EXPECT_EQ(single(R"(Br'\t')").string_value, R"(\t)");
  EXPECT_EQ(single(R"(R"a\"b")").string_value, R"(a\"b)");  // an escaped quote stays, backslash too
  EXPECT_EQ(single(R"(r'\\')").string_value, R"(\\)");
  EXPECT_EQ(single("r'a\\\nb'").string_value, "a\\\nb");  // as in Python: both characters stay
}

TEST(Lexer, WhiteSpaceCommentsAndLineJoining) {
  std::vector<Token> tokens = lex("  a\t+\n b # comment\n \\\n* c\r\n");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].text, "a");
  EXPECT_EQ(tokens[1].kind, Tok::Plus);
  EXPECT_EQ(tokens[2].text, "b");
  EXPECT_EQ(tokens[3].kind, Tok::Star);
  EXPECT_EQ(tokens[4].text, "c");
  EXPECT_EQ(tokens[5].kind, Tok::End);
  EXPECT_EQ(kinds("# only a comment"), std::vector<Tok>{Tok::End});
  EXPECT_EQ(kinds(""), std::vector<Tok>{Tok::End});
}

TEST(Lexer, RangesAreByteOffsets) {
  std::vector<Token> tokens = lex("ab + 12.5*c");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].range.begin, 0u);
  EXPECT_EQ(tokens[0].range.end, 2u);
  EXPECT_EQ(tokens[1].range.begin, 3u);
  EXPECT_EQ(tokens[2].range.begin, 5u);
  EXPECT_EQ(tokens[2].range.end, 9u);
  EXPECT_EQ(tokens[3].range.begin, 9u);
  EXPECT_EQ(tokens[4].range.begin, 10u);
  EXPECT_EQ(tokens[5].range.begin, 11u);  // End sits just past the text
  EXPECT_EQ(tokens[5].range.end, 11u);
}

TEST(Lexer, ModeModuleHasLinesAndBlocks) {
  std::vector<Tok> got = kinds("def f(a):\n    if a:\n        return (a +\n  1)\n    return a\n", LexMode::Module);
  std::vector<Tok> want = {Tok::KwDef,   Tok::Identifier, Tok::LParen,  Tok::Identifier, Tok::RParen, Tok::Colon,
                           Tok::Newline, Tok::Indent,     Tok::KwIf,    Tok::Identifier, Tok::Colon,  Tok::Newline,
                           Tok::Indent,  Tok::KwReturn,   Tok::LParen,  Tok::Identifier, Tok::Plus,   Tok::Int,
                           Tok::RParen,  Tok::Newline,    Tok::Dedent,  Tok::KwReturn,   Tok::Identifier,
                           Tok::Newline, Tok::Dedent,     Tok::End};
  EXPECT_EQ(got, want);
  Token bad = lex("if a:\n    b\n  c\n", LexMode::Module).back();
  EXPECT_EQ(bad.kind, Tok::Error);
  EXPECT_EQ(bad.string_value, "unindent does not match any outer indentation level");
}

// Error tokens: the message and the exact range (the corpus checks the caret through the runtime).
TEST(Lexer, ErrorTokensNameTheCharacterAtFault) {
  Token t = lex_error("a $ b");
  EXPECT_EQ(t.string_value, "unexpected character '$'");
  EXPECT_EQ(t.range.begin, 2u);
  EXPECT_EQ(t.range.end, 3u);

  t = lex_error("a \xc3\x97 b");  // U+00D7, two bytes, one error
  EXPECT_EQ(t.string_value, "unexpected character '\xc3\x97' (U+00D7); use '*'");
  EXPECT_EQ(t.range.begin, 2u);
  EXPECT_EQ(t.range.end, 4u);

  t = lex_error("a \xff");
  EXPECT_EQ(t.string_value, "invalid UTF-8 byte 0xff");
  EXPECT_EQ(t.range.end - t.range.begin, 1u);

  t = lex_error("!a");
  EXPECT_EQ(t.string_value, "unexpected character '!'; use '~' for 'not' or '!=' for 'not equal'");
  t = lex_error(std::string("a\x01"));
  EXPECT_EQ(t.string_value, "unexpected control character U+0001");
}

TEST(Lexer, ErrorTokensForMalformedNumbers) {
  struct Case {
    const char* text;
    const char* message;
    std::uint32_t begin, end;
  };
  const Case cases[] = {
      {"0x", "invalid hexadecimal literal: no digits after '0x'", 0, 2},
      {"0b12", "invalid digit '2' in binary literal", 3, 4},
      {"0o8x", "invalid digit '8' in octal literal", 2, 4},
      {"1__0", "invalid '_' in number literal; an underscore goes between two digits", 1, 2},
      {"1_", "invalid '_' in number literal; an underscore goes between two digits", 1, 2},
      {"1e", "invalid float literal: the exponent has no digits", 1, 2},
      {"1e+", "invalid float literal: the exponent has no digits", 1, 3},
      {"2abc", "invalid character 'a' in number literal", 1, 4},
      {"1.2.3", "invalid character '.' in number literal", 3, 5},
      {"012", "leading zeros in a decimal integer literal are not permitted; use 0o for octal", 0, 3},
      {"18446744073709551616", "integer literal is too large for 64 bits", 0, 20},
      {"0x10000000000000000", "integer literal is too large for 64 bits", 0, 19},
  };
  for (const Case& c : cases) {
    Token t = lex_error(c.text);
    EXPECT_EQ(t.string_value, c.message) << c.text;
    EXPECT_EQ(t.range.begin, c.begin) << c.text;
    EXPECT_EQ(t.range.end, c.end) << c.text;
  }
}

TEST(Lexer, ErrorTokensForMalformedStrings) {
  Token t = lex_error("b'abc");
  EXPECT_EQ(t.string_value, "unterminated string literal");
  EXPECT_EQ(t.range.begin, 0u);
  t = lex_error("'''abc''");
  EXPECT_EQ(t.string_value, "unterminated triple-quoted string literal");
  t = lex_error(R"(b'a\x4g')");
  EXPECT_EQ(t.string_value, "invalid \\x escape in string literal; \\x needs two hexadecimal digits");
  EXPECT_EQ(t.range.begin, 3u);
  EXPECT_EQ(t.range.end, 6u);
  t = lex_error(R"(b'\400')");
  EXPECT_EQ(t.string_value, "octal escape '\\400' is out of range; the largest is \\377");
  t = lex_error("b'\xc3\xa9'");
  EXPECT_EQ(t.string_value, "bytes literals can contain only ASCII characters; use \\x escapes for other bytes");
  EXPECT_EQ(t.range.begin, 2u);
  EXPECT_EQ(t.range.end, 4u);
  t = lex_error("f'{a}'");
  EXPECT_EQ(t.string_value, "f-strings are not supported in expressions");
  t = lex_error("bu'x'");
  EXPECT_EQ(t.string_value, "invalid string prefix 'bu'; use b, r or rb");
}

TEST(Lexer, TokenizeStopsAtTheFirstError) {
  std::vector<Token> tokens = lex("a + $ + ` + b");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens.back().kind, Tok::Error);
  EXPECT_EQ(tokens.back().string_value, "unexpected character '$'");
}

}  // namespace

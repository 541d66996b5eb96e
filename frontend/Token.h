// The tokens of the jitexpr language (a Python subset), written once as a table.
#pragma once

#include <jitexpr/Error.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace jitexpr {

// X(Name, spelling). Keywords are lexed as their own kinds; an operator's spelling is its text.
// `@` (At) is a token in Module mode only, where it starts a decorator; expressions reject it.
#define JITEXPR_TOKENS(X)                                                                  \
  X(End, "end of input") X(Error, "error") X(Newline, "newline") X(Indent, "indent")        \
  X(Dedent, "dedent") X(Identifier, "name") X(Int, "integer") X(Float, "float")            \
  X(Imag, "imaginary number") X(String, "string")                                          \
  X(LParen, "(") X(RParen, ")") X(LBracket, "[") X(RBracket, "]") X(Comma, ",")            \
  X(Colon, ":") X(Dot, ".") X(Semicolon, ";") X(Arrow, "->") X(Assign, "=")               \
  X(Plus, "+") X(Minus, "-") X(Star, "*") X(Slash, "/") X(SlashSlash, "//")                \
  X(Percent, "%") X(StarStar, "**") X(LessLess, "<<") X(GreaterGreater, ">>")              \
  X(Amp, "&") X(Pipe, "|") X(Caret, "^") X(Tilde, "~") X(Less, "<") X(LessEqual, "<=")     \
  X(EqualEqual, "==") X(NotEqual, "!=") X(GreaterEqual, ">=") X(Greater, ">")              \
  X(PlusAssign, "+=") X(MinusAssign, "-=") X(StarAssign, "*=") X(SlashAssign, "/=")         \
  X(SlashSlashAssign, "//=") X(PercentAssign, "%=") X(StarStarAssign, "**=")               \
  X(AmpAssign, "&=") X(PipeAssign, "|=") X(CaretAssign, "^=") X(LessLessAssign, "<<=")     \
  X(GreaterGreaterAssign, ">>=") X(At, "@")                                                \
  X(KwAnd, "and") X(KwOr, "or") X(KwNot, "not") X(KwTrue, "True") X(KwFalse, "False")      \
  X(KwNone, "None") X(KwDef, "def") X(KwReturn, "return") X(KwIf, "if") X(KwElif, "elif")  \
  X(KwElse, "else") X(KwWhile, "while") X(KwFor, "for") X(KwIn, "in") X(KwBreak, "break") \
  X(KwContinue, "continue") X(KwPass, "pass") X(KwImport, "import") X(KwFrom, "from")      \
  X(KwAs, "as") X(KwIs, "is") X(KwLambda, "lambda") X(KwClass, "class") X(KwWith, "with")  \
  X(KwYield, "yield") X(KwGlobal, "global") X(KwNonlocal, "nonlocal") X(KwDel, "del")      \
  X(KwTry, "try") X(KwExcept, "except") X(KwFinally, "finally") X(KwRaise, "raise")        \
  X(KwAssert, "assert") X(KwAsync, "async") X(KwAwait, "await")

enum class Tok : std::uint8_t {
#define X(name, spelling) name,
  JITEXPR_TOKENS(X)
#undef X
};

std::string_view token_spelling(Tok t);
bool is_keyword(Tok t);

struct Token {
  Tok kind = Tok::End;
  SourceRange range;
  std::string_view text;  // the token's characters in the source
  // Int: the magnitude (an integer literal is never negative); Float/Imag: the value.
  std::uint64_t int_value = 0;
  double float_value = 0;
  std::string string_value;  // String: the decoded bytes; Error: the message
};

}  // namespace jitexpr

// Turns source text into tokens. It never throws: a malformed token comes back as Tok::Error with
// its message, and the parser reports it with its position.
#pragma once

#include "frontend/Source.h"
#include "frontend/Token.h"

#include <vector>

namespace jitexpr {

enum class LexMode {
  Expression,  // newlines are white space; no INDENT/DEDENT
  Module,      // Python's logical lines: NEWLINE, INDENT, DEDENT; newlines inside brackets ignored
};

class Lexer {
 public:
  Lexer(const Source& src, LexMode mode);
  Token next();

 private:
  Token make(Tok kind, std::size_t begin);
  Token error(std::size_t begin, std::size_t end, std::string message);
  Token lex_number(std::size_t begin);
  // Digits of `is_digit_of` with single underscores between them (Python's rule); an underscore may
  // also follow a radix prefix ("0x_ff"). Sets `any` when a digit was read; returns the position of
  // a misplaced underscore, or npos.
  std::size_t scan_digits(bool (*is_digit_of)(char), bool after_prefix, bool& any);
  Token lex_string(std::size_t begin, std::size_t prefix_len);
  // A name, or a string literal when the name is a prefix (b, r, rb, ...) directly before a quote.
  Token lex_identifier(std::size_t begin);
  // A character that starts no token: names it, with a hint for look-alikes of our operators.
  Token lex_unexpected(std::size_t begin);
  // Module mode: measures the indentation of a new line and queues INDENT/DEDENT tokens.
  bool handle_line_start(Token& out);
  void skip_space_and_comments();

  std::string_view text_;
  LexMode mode_;
  std::size_t pos_ = 0;
  int bracket_depth_ = 0;
  bool at_line_start_ = true;
  bool emitted_any_ = false;  // a NEWLINE is only emitted after a line with content
  // The open blocks' indentation, with tabs to multiples of 8 columns; alt_indents_ holds the same
  // lines measured with a tab as one column. Python's rule: if the two measures order lines
  // differently, the indentation depends on the tab size and is an error.
  std::vector<int> indents_{0};
  std::vector<int> alt_indents_{0};
  int pending_dedents_ = 0;
  std::size_t pending_pos_ = 0;
};

// All tokens up to and including End (or the first Error).
std::vector<Token> tokenize(const Source& src, LexMode mode);

}  // namespace jitexpr

// The hand-written lexer for expressions and modules.
#include "frontend/Lexer.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

namespace jitexpr {

std::string_view token_spelling(Tok t) {
  switch (t) {
#define X(name, spelling) \
  case Tok::name: return spelling;
    JITEXPR_TOKENS(X)
#undef X
  }
  return "?";
}

bool is_keyword(Tok t) { return t >= Tok::KwAnd; }

namespace {

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

struct Keyword {
  std::string_view text;
  Tok kind;
};

constexpr std::array kKeywords = {
    Keyword{"and", Tok::KwAnd},       Keyword{"or", Tok::KwOr},
    Keyword{"not", Tok::KwNot},       Keyword{"True", Tok::KwTrue},
    Keyword{"False", Tok::KwFalse},   Keyword{"None", Tok::KwNone},
    Keyword{"def", Tok::KwDef},       Keyword{"return", Tok::KwReturn},
    Keyword{"if", Tok::KwIf},         Keyword{"elif", Tok::KwElif},
    Keyword{"else", Tok::KwElse},     Keyword{"while", Tok::KwWhile},
    Keyword{"for", Tok::KwFor},       Keyword{"in", Tok::KwIn},
    Keyword{"break", Tok::KwBreak},   Keyword{"continue", Tok::KwContinue},
    Keyword{"pass", Tok::KwPass},     Keyword{"import", Tok::KwImport},
    Keyword{"from", Tok::KwFrom},     Keyword{"as", Tok::KwAs},
    Keyword{"is", Tok::KwIs},         Keyword{"lambda", Tok::KwLambda},
    Keyword{"class", Tok::KwClass},   Keyword{"with", Tok::KwWith},
    Keyword{"yield", Tok::KwYield},   Keyword{"global", Tok::KwGlobal},
    Keyword{"nonlocal", Tok::KwNonlocal}, Keyword{"del", Tok::KwDel},
    Keyword{"try", Tok::KwTry},       Keyword{"except", Tok::KwExcept},
    Keyword{"finally", Tok::KwFinally}, Keyword{"raise", Tok::KwRaise},
    Keyword{"assert", Tok::KwAssert}, Keyword{"async", Tok::KwAsync},
    Keyword{"await", Tok::KwAwait},
};

// Operators, longest first so that "**=" wins over "**" and "*".
struct Punct {
  std::string_view text;
  Tok kind;
};
constexpr std::array kPuncts = {
    Punct{"**=", Tok::StarStarAssign}, Punct{"//=", Tok::SlashSlashAssign},
    Punct{"<<=", Tok::LessLessAssign}, Punct{">>=", Tok::GreaterGreaterAssign},
    Punct{"**", Tok::StarStar},        Punct{"//", Tok::SlashSlash},
    Punct{"<<", Tok::LessLess},        Punct{">>", Tok::GreaterGreater},
    Punct{"<=", Tok::LessEqual},       Punct{">=", Tok::GreaterEqual},
    Punct{"==", Tok::EqualEqual},      Punct{"!=", Tok::NotEqual},
    Punct{"->", Tok::Arrow},           Punct{"+=", Tok::PlusAssign},
    Punct{"-=", Tok::MinusAssign},     Punct{"*=", Tok::StarAssign},
    Punct{"/=", Tok::SlashAssign},     Punct{"%=", Tok::PercentAssign},
    Punct{"&=", Tok::AmpAssign},       Punct{"|=", Tok::PipeAssign},
    Punct{"^=", Tok::CaretAssign},     Punct{"(", Tok::LParen},
    Punct{")", Tok::RParen},           Punct{"[", Tok::LBracket},
    Punct{"]", Tok::RBracket},         Punct{",", Tok::Comma},
    Punct{":", Tok::Colon},            Punct{".", Tok::Dot},
    Punct{";", Tok::Semicolon},        Punct{"=", Tok::Assign},
    Punct{"+", Tok::Plus},             Punct{"-", Tok::Minus},
    Punct{"*", Tok::Star},             Punct{"/", Tok::Slash},
    Punct{"%", Tok::Percent},          Punct{"&", Tok::Amp},
    Punct{"|", Tok::Pipe},             Punct{"^", Tok::Caret},
    Punct{"~", Tok::Tilde},            Punct{"<", Tok::Less},
    Punct{">", Tok::Greater},
};

}  // namespace

Lexer::Lexer(const Source& src, LexMode mode) : text_(src.text), mode_(mode) {}

Token Lexer::make(Tok kind, std::size_t begin) {
  Token t;
  t.kind = kind;
  t.range = {static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(pos_)};
  t.text = text_.substr(begin, pos_ - begin);
  return t;
}

Token Lexer::error(std::size_t begin, std::size_t end, std::string message) {
  Token t;
  t.kind = Tok::Error;
  t.range = {static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
  t.text = text_.substr(begin, end - begin);
  t.string_value = std::move(message);
  pos_ = end;
  return t;
}

void Lexer::skip_space_and_comments() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
      ++pos_;
    } else if (c == '#') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else if (c == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
      pos_ += 2;  // explicit line joining
    } else if (c == '\\' && pos_ + 2 < text_.size() && text_[pos_ + 1] == '\r' && text_[pos_ + 2] == '\n') {
      pos_ += 3;
    } else if (c == '\n' && (mode_ == LexMode::Expression || bracket_depth_ > 0)) {
      ++pos_;
    } else {
      break;
    }
  }
}

bool Lexer::handle_line_start(Token& out) {
  // Measure the indentation of the next line that has content; blank and comment lines don't count.
  while (true) {
    std::size_t p = pos_;
    int width8 = 0, width1 = 0;
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\f' || text_[p] == '\r')) {
      if (text_[p] == '\t') {
        width8 = (width8 / 8 + 1) * 8;
        width1 += 1;
      } else if (text_[p] == ' ') {
        width8 += 1;
        width1 += 1;
      }
      ++p;
    }
    if (p < text_.size() && text_[p] == '#') {
      while (p < text_.size() && text_[p] != '\n') ++p;
    }
    if (p < text_.size() && text_[p] == '\n') {
      pos_ = p + 1;
      continue;
    }
    if (p >= text_.size()) {
      pos_ = p;
      return false;  // end of input: the caller closes the blocks
    }
    pos_ = p;
    at_line_start_ = false;
    std::size_t line_begin = p;
    while (line_begin > 0 && text_[line_begin - 1] != '\n') --line_begin;
    auto inconsistent = [&] { return error(line_begin, p, "inconsistent use of tabs and spaces in indentation"); };
    int current = indents_.back();
    if (width8 == current) {
      if (width1 == alt_indents_.back()) return false;
      out = inconsistent();
      return true;
    }
    if (width8 > current) {
      if (width1 <= alt_indents_.back()) {
        out = inconsistent();
        return true;
      }
      indents_.push_back(width8);
      alt_indents_.push_back(width1);
      out = make(Tok::Indent, p - 0);
      out.range = {static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(p)};
      return true;
    }
    if (width8 < current) {
      int dedents = 0;
      while (indents_.back() > width8) {
        indents_.pop_back();
        alt_indents_.pop_back();
        ++dedents;
      }
      if (indents_.back() != width8) {
        out = error(line_begin, p, "unindent does not match any outer indentation level");
        return true;
      }
      if (alt_indents_.back() != width1) {
        out = inconsistent();
        return true;
      }
      pending_dedents_ = dedents - 1;
      pending_pos_ = p;
      out = make(Tok::Dedent, p);
      out.range = {static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(p)};
      return true;
    }
    return false;
  }
}

Token Lexer::next() {
  if (pending_dedents_ > 0) {
    --pending_dedents_;
    Token t;
    t.kind = Tok::Dedent;
    t.range = {static_cast<std::uint32_t>(pending_pos_), static_cast<std::uint32_t>(pending_pos_)};
    return t;
  }
  if (mode_ == LexMode::Module && at_line_start_ && bracket_depth_ == 0) {
    Token t;
    if (handle_line_start(t)) return t;
  }
  skip_space_and_comments();
  std::size_t begin = pos_;
  if (pos_ >= text_.size()) {
    // A bracket left open runs to the end: no NEWLINE or DEDENT, so the parser reports the bracket.
    if (mode_ == LexMode::Module && bracket_depth_ == 0) {
      if (emitted_any_ && !at_line_start_) {
        at_line_start_ = true;
        return make(Tok::Newline, begin);
      }
      if (indents_.size() > 1) {
        indents_.pop_back();
        alt_indents_.pop_back();
        return make(Tok::Dedent, begin);
      }
    }
    return make(Tok::End, begin);
  }
  char c = text_[pos_];
  if (c == '\n') {  // Module mode, outside brackets: the end of a logical line
    ++pos_;
    at_line_start_ = true;
    Token t = make(Tok::Newline, begin);
    return t;
  }
  emitted_any_ = true;
  if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) {
    return lex_number(begin);
  }
  if (c == '\'' || c == '"') return lex_string(begin, 0);
  if (is_ident_start(c)) return lex_identifier(begin);
  if (c == '@' && mode_ == LexMode::Module) {
    ++pos_;
    return make(Tok::At, begin);
  }
  for (const Punct& p : kPuncts) {
    if (text_.substr(pos_, p.text.size()) == p.text) {
      pos_ += p.text.size();
      if (p.kind == Tok::LParen || p.kind == Tok::LBracket) ++bracket_depth_;
      if ((p.kind == Tok::RParen || p.kind == Tok::RBracket) && bracket_depth_ > 0) --bracket_depth_;
      return make(p.kind, begin);
    }
  }
  return lex_unexpected(begin);
}

namespace {

// Decodes the UTF-8 character at `pos`: its code point and byte length, or length 0 when the bytes
// there are not UTF-8 (a stray continuation byte, a truncated or overlong sequence, a surrogate).
std::pair<std::uint32_t, std::size_t> decode_utf8(std::string_view text, std::size_t pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  std::size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || pos + len > text.size()) return {0, 0};
  std::uint32_t cp = len == 1 ? lead : len == 2 ? (lead & 0x1Fu) : len == 3 ? (lead & 0x0Fu) : (lead & 0x07u);
  for (std::size_t i = 1; i < len; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(pos + i) & 0x3Fu);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

// Characters that look like one of our operators, quotes or spaces, and what to type instead.
std::string_view lookalike_hint(std::uint32_t cp) {
  switch (cp) {
    case 0x2212: case 0x2013: case 0x2014: return "use '-'";
    case 0x00D7: case 0x00B7: case 0x22C5: case 0x2217: return "use '*'";
    case 0x00F7: case 0x2215: return "use '/'";
    case 0x2264: return "use '<='";
    case 0x2265: return "use '>='";
    case 0x2260: return "use '!='";
    case 0x00AC: return "use '~'";
    case 0x2227: return "use '&'";
    case 0x2228: return "use '|'";
    case 0x2018: case 0x2019: return "use ' (an ASCII quote)";
    case 0x201C: case 0x201D: return "use \" (an ASCII quote)";
    case 0x00A0: case 0x2009: case 0x202F: case 0x3000: return "use an ordinary space";
    default: break;
  }
  // Latin, Greek and Cyrillic letters: most likely part of a name.
  if ((cp >= 0x00C0 && cp <= 0x024F) || (cp >= 0x0370 && cp <= 0x03FF) || (cp >= 0x0400 && cp <= 0x04FF)) {
    return "names are ASCII letters, digits and '_'";
  }
  return {};
}

bool is_bin_digit(char c) { return c == '0' || c == '1'; }
bool is_oct_digit(char c) { return c >= '0' && c <= '7'; }
bool is_hex_digit(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
unsigned digit_value(char c) {
  return is_digit(c) ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a' + 10);
}

}  // namespace

Token Lexer::lex_unexpected(std::size_t begin) {
  auto c = static_cast<unsigned char>(text_[begin]);
  switch (c) {
    case '!': return error(begin, begin + 1, "unexpected character '!'; use '~' for 'not' or '!=' for 'not equal'");
    case '?': return error(begin, begin + 1, "unexpected character '?'; use where(condition, x, y) to choose");
    case '@':
      return error(begin, begin + 1, "unexpected character '@'; matrix products are not supported ('*' multiplies element-wise)");
    case '\\': return error(begin, begin + 1, "unexpected character '\\'; a backslash joins lines only at the end of a line");
    default: break;
  }
  if (c < 0x20 || c == 0x7f) return error(begin, begin + 1, fmt::format("unexpected control character U+{:04X}", c));
  if (c < 0x80) return error(begin, begin + 1, fmt::format("unexpected character '{}'", static_cast<char>(c)));
  auto [cp, len] = decode_utf8(text_, begin);
  if (len == 0) return error(begin, begin + 1, fmt::format("invalid UTF-8 byte 0x{:02x}", c));
  std::string message = fmt::format("unexpected character '{}' (U+{:04X})", text_.substr(begin, len), cp);
  if (std::string_view hint = lookalike_hint(cp); !hint.empty()) message += fmt::format("; {}", hint);
  return error(begin, begin + len, std::move(message));
}

Token Lexer::lex_identifier(std::size_t begin) {
  while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
  std::string_view word = text_.substr(begin, pos_ - begin);
  if (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"') && word.size() <= 2) {
    // String prefixes as Python spells them, in any case: b, r, u, br, rb. f-strings run code.
    std::string lower;
    for (char ch : word) lower += static_cast<char>(ch | 0x20);
    if (lower == "b" || lower == "r" || lower == "u" || lower == "br" || lower == "rb") return lex_string(begin, word.size());
    if (lower == "f" || lower == "fr" || lower == "rf") return error(begin, pos_, "f-strings are not supported in expressions");
    if (lower.find_first_not_of("bruf") == std::string::npos) {
      return error(begin, pos_, fmt::format("invalid string prefix '{}'; use b, r or rb", word));
    }
  }
  for (const Keyword& k : kKeywords) {
    if (k.text == word) return make(k.kind, begin);
  }
  return make(Tok::Identifier, begin);
}

std::size_t Lexer::scan_digits(bool (*is_digit_of)(char), bool after_prefix, bool& any) {
  any = false;
  while (pos_ < text_.size()) {
    char ch = text_[pos_];
    if (is_digit_of(ch)) {
      any = true;
      ++pos_;
    } else if (ch == '_') {
      bool follows = any || after_prefix;
      bool precedes = pos_ + 1 < text_.size() && is_digit_of(text_[pos_ + 1]);
      if (!follows || !precedes) return pos_;
      ++pos_;
    } else {
      break;
    }
  }
  return std::string_view::npos;
}

// number = radix_int | (decimal ("." decimal?)? | "." decimal) exponent? ("j" | "J")?
// radix_int = "0" ("x" | "o" | "b") digits      exponent = ("e" | "E") ("+" | "-")? decimal
// Underscores go between digits (Python's rules). A literal that runs on into letters, digits or a
// second '.' is a mistake in the literal ("2x", "1.5f", "0b102", "1.2.3"), reported at the first
// character that does not belong.
Token Lexer::lex_number(std::size_t begin) {
  bool any = false;
  auto misplaced_underscore = [&](std::size_t at) {
    return error(at, at + 1, "invalid '_' in number literal; an underscore goes between two digits");
  };
  auto runs_on = [&] {
    if (pos_ >= text_.size()) return false;
    char ch = text_[pos_];
    return is_ident_char(ch) || (ch == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]));
  };
  auto run_on_error = [&](std::string_view literal) {
    char ch = text_[pos_];
    std::size_t end = pos_ + 1;
    while (end < text_.size() && is_ident_char(text_[end])) ++end;
    std::string what = ch == '.' || ch == '_' || literal == "number literal" ? "character" : "digit";
    return error(pos_, end, fmt::format("invalid {} '{}' in {}", what, ch, literal));
  };
  if (text_[pos_] == '0' && pos_ + 1 < text_.size()) {
    char r = static_cast<char>(text_[pos_ + 1] | 0x20);
    int base = r == 'x' ? 16 : r == 'o' ? 8 : r == 'b' ? 2 : 0;
    if (base != 0) {
      std::string_view literal = base == 16 ? "hexadecimal literal" : base == 8 ? "octal literal" : "binary literal";
      pos_ += 2;
      std::size_t digits_begin = pos_;
      std::size_t bad = scan_digits(base == 16 ? is_hex_digit : base == 8 ? is_oct_digit : is_bin_digit, true, any);
      if (bad != std::string_view::npos) return misplaced_underscore(bad);
      if (runs_on()) return run_on_error(literal);
      if (!any) return error(begin, pos_, fmt::format("invalid {}: no digits after '{}'", literal, text_.substr(begin, 2)));
      std::uint64_t value = 0;
      for (std::size_t i = digits_begin; i < pos_; ++i) {
        if (text_[i] == '_') continue;
        unsigned d = digit_value(text_[i]);
        if (value > (~std::uint64_t{0} - d) / static_cast<unsigned>(base)) {
          return error(begin, pos_, "integer literal is too large for 64 bits");
        }
        value = value * static_cast<unsigned>(base) + d;
      }
      Token t = make(Tok::Int, begin);
      t.int_value = value;
      return t;
    }
  }
  bool is_float = false;
  std::size_t bad = scan_digits(is_digit, false, any);
  if (bad != std::string_view::npos) return misplaced_underscore(bad);
  if (pos_ < text_.size() && text_[pos_] == '.') {
    is_float = true;
    ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '_') return misplaced_underscore(pos_);
    bad = scan_digits(is_digit, false, any);
    if (bad != std::string_view::npos) return misplaced_underscore(bad);
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    std::size_t e = pos_;
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '_') return misplaced_underscore(pos_);
    bad = scan_digits(is_digit, false, any);
    if (bad != std::string_view::npos) return misplaced_underscore(bad);
    if (!any) return error(e, pos_, "invalid float literal: the exponent has no digits");
    is_float = true;
  }
  bool imag = false;
  if (pos_ < text_.size() && (text_[pos_] == 'j' || text_[pos_] == 'J')) {
    imag = true;
    ++pos_;
  }
  if (runs_on()) return run_on_error("number literal");
  std::string clean;
  for (std::size_t i = begin; i < pos_; ++i) {
    char ch = text_[i];
    if (ch != '_' && ch != 'j' && ch != 'J') clean += ch;
  }
  if (!is_float && !imag) {
    if (clean.size() > 1 && clean[0] == '0' && clean.find_first_not_of('0') != std::string::npos) {
      return error(begin, pos_, "leading zeros in a decimal integer literal are not permitted; use 0o for octal");
    }
    std::uint64_t value = 0;
    for (char ch : clean) {
      unsigned d = static_cast<unsigned>(ch - '0');
      if (value > (~std::uint64_t{0} - d) / 10) return error(begin, pos_, "integer literal is too large for 64 bits");
      value = value * 10 + d;
    }
    Token t = make(Tok::Int, begin);
    t.int_value = value;
    return t;
  }
  Token t = make(imag ? Tok::Imag : Tok::Float, begin);
  t.float_value = std::strtod(clean.c_str(), nullptr);  // overflow gives inf, as in Python's float('1e999')
  return t;
}

// string = prefix? ("'" ... "'" | '"' ... '"' | "'''" ... "'''" | '"""' ... '"""')
// Python's escapes for bytes: \\ \' \" \a \b \f \n \r \t \v \ooo \xhh and backslash-newline; any
// other backslash stays as written. A 'b' prefix allows only ASCII characters, as in Python; other
// strings keep the UTF-8 bytes of their text.
Token Lexer::lex_string(std::size_t begin, std::size_t prefix_len) {
  std::string_view prefix = text_.substr(begin, prefix_len);
  bool raw = prefix.find_first_of("rR") != std::string_view::npos;
  bool bytes = prefix.find_first_of("bB") != std::string_view::npos;
  pos_ = begin + prefix_len;
  char quote = text_[pos_];
  std::string closing(3, quote);
  bool triple = text_.substr(pos_, 3) == closing;
  pos_ += triple ? 3 : 1;
  std::string value;
  while (true) {
    if (pos_ >= text_.size() || (!triple && text_[pos_] == '\n')) {
      return error(begin, pos_, triple ? "unterminated triple-quoted string literal" : "unterminated string literal");
    }
    char ch = text_[pos_];
    if (ch == quote && (!triple || text_.substr(pos_, 3) == closing)) {
      pos_ += triple ? 3 : 1;
      break;
    }
    if (bytes && static_cast<unsigned char>(ch) >= 0x80) {
      std::size_t len = decode_utf8(text_, pos_).second;
      return error(pos_, pos_ + (len == 0 ? 1 : len),
                   "bytes literals can contain only ASCII characters; use \\x escapes for other bytes");
    }
    if (ch == '\\' && raw && pos_ + 1 < text_.size() && (text_[pos_ + 1] == quote || text_[pos_ + 1] == '\\' || text_[pos_ + 1] == '\n')) {
      // A raw string keeps its backslashes, but one still stops the quote or line end after it
      // from closing the string: r'\'' is a backslash and a quote, r'\\' two backslashes.
      value += text_.substr(pos_, 2);
      pos_ += 2;
      continue;
    }
    if (ch == '\\' && !raw && pos_ + 1 < text_.size()) {
      std::size_t esc = pos_;
      char e = text_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case '\\': value += '\\'; break;
        case '\'': value += '\''; break;
        case '"': value += '"'; break;
        case 'a': value += '\a'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'n': value += '\n'; break;
        case 'r': value += '\r'; break;
        case 't': value += '\t'; break;
        case 'v': value += '\v'; break;
        case '\n': break;  // a backslash-newline joins the lines
        case 'x': {
          std::size_t end = pos_;
          while (end < text_.size() && end < pos_ + 2 && is_hex_digit(text_[end])) ++end;
          if (end != pos_ + 2) return error(esc, end, "invalid \\x escape in string literal; \\x needs two hexadecimal digits");
          value += static_cast<char>(digit_value(text_[pos_]) * 16 + digit_value(text_[pos_ + 1]));
          pos_ = end;
          break;
        }
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
          unsigned code = digit_value(e);
          for (int i = 0; i < 2 && pos_ < text_.size() && is_oct_digit(text_[pos_]); ++i) code = code * 8 + digit_value(text_[pos_++]);
          if (code > 0377) {
            return error(esc, pos_, fmt::format("octal escape '{}' is out of range; the largest is \\377", text_.substr(esc, pos_ - esc)));
          }
          value += static_cast<char>(code);
          break;
        }
        default:  // Python keeps an unknown escape as written
          value += '\\';
          --pos_;
          break;
      }
      continue;
    }
    value += ch;
    ++pos_;
  }
  Token t = make(Tok::String, begin);
  t.string_value = std::move(value);
  return t;
}

std::vector<Token> tokenize(const Source& src, LexMode mode) {
  Lexer lexer(src, mode);
  std::vector<Token> out;
  while (true) {
    out.push_back(lexer.next());
    if (out.back().kind == Tok::End || out.back().kind == Tok::Error) break;
  }
  return out;
}

}  // namespace jitexpr

// The hand-written lexer for expressions and modules.
#include "frontend/Lexer.h"

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

Lexer::Lexer(const Source& src, LexMode mode) : src_(src), text_(src.text), mode_(mode) {}

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
    (void)width1;
    int current = indents_.back();
    if (width8 > current) {
      indents_.push_back(width8);
      out = make(Tok::Indent, p - 0);
      out.range = {static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(p)};
      return true;
    }
    if (width8 < current) {
      int dedents = 0;
      while (indents_.back() > width8) {
        indents_.pop_back();
        ++dedents;
      }
      if (indents_.back() != width8) {
        std::size_t line_begin = p;
        while (line_begin > 0 && text_[line_begin - 1] != '\n') --line_begin;
        out = error(line_begin, p, "unindent does not match any outer indentation level");
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
    if (mode_ == LexMode::Module) {
      if (emitted_any_ && !at_line_start_) {
        at_line_start_ = true;
        return make(Tok::Newline, begin);
      }
      if (indents_.size() > 1) {
        indents_.pop_back();
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
  if ((c == 'b' || c == 'B' || c == 'r' || c == 'R') && pos_ + 1 < text_.size() &&
      (text_[pos_ + 1] == '\'' || text_[pos_ + 1] == '"')) {
    return lex_string(begin, 1);
  }
  if (is_ident_start(c)) return lex_identifier(begin);
  for (const Punct& p : kPuncts) {
    if (text_.substr(pos_, p.text.size()) == p.text) {
      pos_ += p.text.size();
      if (p.kind == Tok::LParen || p.kind == Tok::LBracket) ++bracket_depth_;
      if ((p.kind == Tok::RParen || p.kind == Tok::RBracket) && bracket_depth_ > 0) --bracket_depth_;
      return make(p.kind, begin);
    }
  }
  // One UTF-8 character, however many bytes it takes.
  std::size_t end = pos_ + 1;
  while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
  if (c == '!') return error(begin, end, "unexpected character '!'; use '~' for 'not' or '!=' for 'not equal'");
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
    return error(begin, end, "unexpected character in expression");
  }
  return error(begin, end, std::string("unexpected character '") + c + "'");
}

Token Lexer::lex_identifier(std::size_t begin) {
  while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
  std::string_view word = text_.substr(begin, pos_ - begin);
  for (const Keyword& k : kKeywords) {
    if (k.text == word) return make(k.kind, begin);
  }
  return make(Tok::Identifier, begin);
}

Token Lexer::lex_number(std::size_t begin) {
  auto digits = [&](auto pred) {
    bool any = false;
    while (pos_ < text_.size() && (pred(text_[pos_]) || (text_[pos_] == '_' && any))) {
      any = true;
      ++pos_;
    }
    return any;
  };
  // Radix integers: 0x.., 0o.., 0b..
  if (text_[pos_] == '0' && pos_ + 1 < text_.size()) {
    char r = static_cast<char>(text_[pos_ + 1] | 0x20);
    int base = r == 'x' ? 16 : r == 'o' ? 8 : r == 'b' ? 2 : 0;
    if (base != 0) {
      pos_ += 2;
      std::size_t digits_begin = pos_;
      auto is_base_digit = [base](char ch) {
        if (base == 16) return is_digit(ch) || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f');
        return ch >= '0' && ch < static_cast<char>('0' + base);
      };
      if (!digits(is_base_digit)) return error(begin, pos_, "invalid integer literal");
      std::uint64_t value = 0;
      for (std::size_t i = digits_begin; i < pos_; ++i) {
        char ch = text_[i];
        if (ch == '_') continue;
        unsigned d = is_digit(ch) ? static_cast<unsigned>(ch - '0') : static_cast<unsigned>((ch | 0x20) - 'a' + 10);
        if (value > (~std::uint64_t{0} - d) / static_cast<unsigned>(base)) {
          while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
          return error(begin, pos_, "integer literal is too large for 64 bits");
        }
        value = value * static_cast<unsigned>(base) + d;
      }
      if (pos_ < text_.size() && is_ident_char(text_[pos_])) {
        while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
        return error(begin, pos_, "invalid integer literal");
      }
      Token t = make(Tok::Int, begin);
      t.int_value = value;
      return t;
    }
  }
  bool is_float = false;
  digits(is_digit);
  if (pos_ < text_.size() && text_[pos_] == '.') {
    is_float = true;
    ++pos_;
    digits(is_digit);
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    std::size_t save = pos_;
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (!digits(is_digit)) {
      pos_ = save + 1;
      return error(begin, pos_, "invalid float literal: the exponent has no digits");
    }
    is_float = true;
  }
  bool imag = false;
  if (pos_ < text_.size() && (text_[pos_] == 'j' || text_[pos_] == 'J')) {
    imag = true;
    ++pos_;
  }
  if (pos_ < text_.size() && is_ident_char(text_[pos_])) {
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    return error(begin, pos_, "invalid number literal");
  }
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

Token Lexer::lex_string(std::size_t begin, std::size_t prefix_len) {
  bool raw = prefix_len > 0 && (text_[begin] == 'r' || text_[begin] == 'R');
  pos_ += prefix_len;
  char quote = text_[pos_];
  bool triple = text_.substr(pos_, 3) == std::string(3, quote);
  pos_ += triple ? 3 : 1;
  std::string value;
  while (true) {
    if (pos_ >= text_.size()) return error(begin, pos_, "unterminated string literal");
    char ch = text_[pos_];
    if (!triple && ch == '\n') return error(begin, pos_, "unterminated string literal");
    if (ch == quote && (!triple || text_.substr(pos_, 3) == std::string(3, quote))) {
      pos_ += triple ? 3 : 1;
      break;
    }
    if (ch == '\\' && !raw && pos_ + 1 < text_.size()) {
      char e = text_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        case '0': value += '\0'; break;
        case '\\': value += '\\'; break;
        case '\'': value += '\''; break;
        case '"': value += '"'; break;
        case '\n': break;
        case 'x': {
          auto hex = [](char h) -> int {
            if (h >= '0' && h <= '9') return h - '0';
            h = static_cast<char>(h | 0x20);
            if (h >= 'a' && h <= 'f') return h - 'a' + 10;
            return -1;
          };
          if (pos_ + 1 >= text_.size() || hex(text_[pos_]) < 0 || hex(text_[pos_ + 1]) < 0) {
            return error(pos_ - 2, std::min(pos_ + 2, text_.size()), "invalid \\x escape in string literal");
          }
          value += static_cast<char>(hex(text_[pos_]) * 16 + hex(text_[pos_ + 1]));
          pos_ += 2;
          break;
        }
        default: value += '\\'; value += e; break;  // Python keeps unknown escapes as written
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

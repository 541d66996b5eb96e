// Cutting input into complete units (see InputBuffer.h).
#include "tools/session/InputBuffer.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace jitexpr::tools {

namespace {

// What is still open at the end of a text.
struct OpenState {
  int depth = 0;           // brackets
  bool triple = false;     // a triple-quoted string
  bool backslash = false;  // the text ends with a line-continuation backslash
  bool open() const { return depth > 0 || triple || backslash; }
};

// Strings and comments hide brackets and backslashes. A one-quote string that meets the end of
// its line ends there (the parser reports it); a triple-quoted one spans lines.
OpenState scan(std::string_view text) {
  OpenState s;
  char quote = 0;
  bool triple = false;
  bool comment = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (comment) {
      comment = c != '\n';
      continue;
    }
    if (quote) {
      if (c == '\\') {
        ++i;
      } else if (c == '\n' && !triple) {
        quote = 0;
      } else if (c == quote && (!triple || text.substr(i, 3) == std::string(3, quote))) {
        i += triple ? 2 : 0;
        quote = 0;
      }
      continue;
    }
    switch (c) {
      case '#': comment = true; break;
      case '\'':
      case '"':
        quote = c;
        triple = text.substr(i, 3) == std::string(3, c);
        i += triple ? 2 : 0;
        break;
      case '(': case '[': case '{': ++s.depth; break;
      case ')': case ']': case '}': s.depth = std::max(0, s.depth - 1); break;
      case '\\': s.backslash = i + 1 == text.size(); break;
      default: break;
    }
  }
  s.triple = quote != 0 && triple;
  return s;
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

// The first word of a line, after its indentation.
std::string_view first_word(std::string_view line) {
  std::size_t b = line.find_first_not_of(" \t\n");
  if (b == std::string_view::npos) return {};
  std::size_t e = b;
  while (e < line.size() && (std::isalnum(static_cast<unsigned char>(line[e])) || line[e] == '_')) ++e;
  return line.substr(b, std::max<std::size_t>(e - b, 1));
}

bool is_one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// A line at column 0 that still belongs to the block before it.
bool continues_block(std::string_view line, std::string_view block) {
  if (line[0] == '#') return true;
  if (is_one_of(first_word(line), {"elif", "else", "except", "finally"})) return true;
  // Decorators go on into the definition they decorate.
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::size_t end = std::min(block.find('\n', pos), block.size());
    std::string_view l = block.substr(pos, end - pos);
    if (!is_blank(l) && first_word(l) != "@") return false;
    pos = end + 1;
  }
  return true;
}

}  // namespace

bool is_block(std::string_view unit) {
  return is_one_of(first_word(unit), {"def", "@", "if", "for", "while", "with", "try", "class", "async", "elif", "else"});
}

std::vector<std::string> InputBuffer::add_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string> out;
  if (text_.empty()) {
    if (is_blank(line)) return out;
    text_ = line;
  } else if (is_block(text_) && !scan(text_).open()) {
    // A block ends at a blank line, as in Python's REPL, or at a line at column 0 that starts
    // something new (handy in pasted and piped text).
    if (is_blank(line)) {
      out.push_back(flush());
      return out;
    }
    if (line[0] != ' ' && line[0] != '\t' && !continues_block(line, text_)) {
      out.push_back(flush());
      for (std::string& unit : add_line(line)) out.push_back(std::move(unit));
      return out;
    }
    text_ += '\n';
    text_ += line;
  } else {
    text_ += '\n';
    text_ += line;
  }
  if (!is_block(text_) && !scan(text_).open()) out.push_back(flush());
  return out;
}

std::string InputBuffer::flush() {
  std::string unit = std::move(text_);
  text_.clear();
  return unit;
}

std::vector<std::string> split_units(std::string_view text) {
  InputBuffer buffer;
  std::vector<std::string> units;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = std::min(text.find('\n', pos), text.size());
    for (std::string& unit : buffer.add_line(text.substr(pos, end - pos))) units.push_back(std::move(unit));
    pos = end + 1;
  }
  if (buffer.pending()) units.push_back(buffer.flush());
  return units;
}

}  // namespace jitexpr::tools

// The rendering of jitexpr::Error: "<name>:line:col: error: message", the line, and a caret.
#include <jitexpr/Error.h>

#include <algorithm>

namespace jitexpr {

namespace {

struct LineInfo {
  int line = 0;
  int column = 0;
  std::size_t line_begin = 0;
  std::size_t line_end = 0;
};

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Columns count characters, not bytes, so that the caret sits under the character it names when
// the line holds UTF-8 text before it.
LineInfo locate(const std::string& text, std::uint32_t offset) {
  LineInfo info;
  std::size_t pos = std::min<std::size_t>(offset, text.size());
  info.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
  std::size_t nl = pos == 0 ? std::string::npos : text.rfind('\n', pos - 1);
  info.line_begin = nl == std::string::npos ? 0 : nl + 1;
  info.line_end = text.find('\n', info.line_begin);
  if (info.line_end == std::string::npos) info.line_end = text.size();
  info.column = 1;
  for (std::size_t i = info.line_begin; i < pos; ++i) info.column += is_utf8_continuation(text[i]) ? 0 : 1;
  return info;
}

std::string render(std::string_view label, const std::string& name, const std::string& message,
                   const std::string& source, SourceRange range) {
  // Positioned like Error::has_position(): an empty text can still be pointed at (its column 1).
  bool positioned = !source.empty() || range.end > 0;
  std::string head = std::string(label) + ": ";
  if (!positioned && name.empty()) return head + message;
  if (!positioned) return name + ": " + head + message;
  LineInfo li = locate(source, range.begin);
  std::string out = name + ":" + std::to_string(li.line) + ":" + std::to_string(li.column) +
                    ": " + head + message + "\n";
  // The line as text a terminal shows safely: control characters (a NUL would end what(), an
  // escape would drive the terminal) become '?', one column each, so the caret still lines up.
  std::string line = source.substr(li.line_begin, li.line_end - li.line_begin);
  for (char& c : line) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) c = '?';
  }
  out += line + "\n";
  // The caret keeps tabs so that it lines up under the same characters.
  std::string caret;
  for (std::size_t i = li.line_begin; i < std::min<std::size_t>(range.begin, li.line_end); ++i) {
    if (!is_utf8_continuation(source[i])) caret += source[i] == '\t' ? '\t' : ' ';
  }
  caret += '^';
  std::size_t last = std::min<std::size_t>(range.end, li.line_end);
  for (std::size_t i = static_cast<std::size_t>(range.begin) + 1; i < last; ++i) {
    if (!is_utf8_continuation(source[i])) caret += '~';
  }
  out += caret;
  return out;
}

}  // namespace

std::string_view error_kind_name(ErrorKind k) {
  switch (k) {
#define JITEXPR_ERROR_KIND(kind, cls, name, meaning) \
  case ErrorKind::kind: return name;
    JITEXPR_ERROR_KINDS(JITEXPR_ERROR_KIND)
#undef JITEXPR_ERROR_KIND
  }
  return "Error";
}

Error::Error(ErrorKind kind, std::string message, std::string source_name, std::string source, SourceRange range)
    // An interrupt is not the user's error: its line says what it is, as Python's would.
    : std::runtime_error(render(kind == ErrorKind::Interrupted ? error_kind_name(kind) : "error", source_name, message,
                                source, range)),
      kind_(kind),
      message_(std::move(message)),
      source_name_(std::move(source_name)),
      source_(std::move(source)),
      range_(range) {}

int Error::line() const { return has_position() ? locate(source_, range_.begin).line : 0; }
int Error::column() const { return has_position() ? locate(source_, range_.begin).column : 0; }

void throw_error(ErrorKind kind, std::string message, std::string source_name, std::string source,
                 SourceRange range) {
  switch (kind) {
#define JITEXPR_ERROR_KIND(kind_, cls, name, meaning) \
  case ErrorKind::kind_: throw cls(std::move(message), std::move(source_name), std::move(source), range);
    JITEXPR_ERROR_KINDS(JITEXPR_ERROR_KIND)
#undef JITEXPR_ERROR_KIND
  }
  throw Error(kind, std::move(message), std::move(source_name), std::move(source), range);
}

}  // namespace jitexpr

// The errors a user's mistake produces. Part of the public API.
//
// Contract: every syntax, name, type, shape, index or arithmetic error in user input reaches the
// host as one of these exceptions. The library never prints, exits or aborts on a user's mistake.
#pragma once

#include <jitexpr/Export.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace jitexpr {

// The kinds of error, each once: X(kind, class, the name a user sees, what it means). The enum,
// the exception classes, error_kind_name and throw_error are made from this list.
#define JITEXPR_ERROR_KINDS(X)                                                                            \
  X(Syntax, SyntaxError, "SyntaxError", "the text is not in the language")                                \
  X(Name, NameError, "NameError", "an unknown variable or function")                                      \
  X(Type, TypeError, "TypeError", "an operation that the operand types do not support")                   \
  X(Value, ValueError, "ValueError", "a value outside what an operation accepts: shapes, files, options") \
  X(Index, IndexError, "IndexError", "an index outside its array")                                        \
  X(ZeroDivision, ZeroDivisionError, "ZeroDivisionError", "integer division by zero in a kernel")         \
  X(Interrupted, Interrupted, "KeyboardInterrupt",                                                        \
    "the host's interrupt flag was set (Runtime::set_interrupt_flag): Ctrl-C")

enum class ErrorKind : std::uint8_t {
#define JITEXPR_ERROR_KIND(kind, cls, name, meaning) kind,
  JITEXPR_ERROR_KINDS(JITEXPR_ERROR_KIND)
#undef JITEXPR_ERROR_KIND
};

// "SyntaxError", "TypeError", ...
JITEXPR_API std::string_view error_kind_name(ErrorKind k);

// A half-open range of byte offsets into the source text. Empty source means "no position".
struct SourceRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

class JITEXPR_API Error : public std::runtime_error {
 public:
  // `source_name` names the text (`<expr>`, a file name); `source` is the whole text.
  Error(ErrorKind kind, std::string message, std::string source_name = {}, std::string source = {},
        SourceRange range = {});

  ErrorKind kind() const { return kind_; }
  // The bare message: "cannot add 'float64' and 'bytes'".
  const std::string& message() const { return message_; }
  const std::string& source_name() const { return source_name_; }
  const std::string& source() const { return source_; }
  SourceRange range() const { return range_; }
  bool has_position() const { return !source_.empty() || range_.end > 0; }
  // 1-based line and column of range().begin; 0 when there is no position.
  int line() const;
  int column() const;
  // what() is the rendered form: "<expr>:1:7: error: message", the source line and a caret.

 private:
  ErrorKind kind_;
  std::string message_;
  std::string source_name_;
  std::string source_;
  SourceRange range_;
};

#define JITEXPR_ERROR_CLASS(Name, Kind)                                                        \
  class JITEXPR_API Name : public Error {                                                    \
   public:                                                                                     \
    Name(std::string message, std::string source_name = {}, std::string source = {},           \
         SourceRange range = {})                                                               \
        : Error(ErrorKind::Kind, std::move(message), std::move(source_name), std::move(source), \
                range) {}                                                                      \
  };
#define JITEXPR_ERROR_KIND(kind, cls, name, meaning) JITEXPR_ERROR_CLASS(cls, kind)
JITEXPR_ERROR_KINDS(JITEXPR_ERROR_KIND)
#undef JITEXPR_ERROR_KIND
#undef JITEXPR_ERROR_CLASS

// Throws the subclass that matches `kind`, so that callers can catch by type.
[[noreturn]] JITEXPR_API void throw_error(ErrorKind kind, std::string message, std::string source_name = {},
                              std::string source = {}, SourceRange range = {});

}  // namespace jitexpr

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

enum class ErrorKind : std::uint8_t {
  Syntax,        // the text is not in the language
  Name,          // an unknown variable or function
  Type,          // an operation that the operand types do not support
  Value,         // a value outside what an operation accepts (shapes, files, options)
  Index,         // an index outside its array
  ZeroDivision,  // integer division by zero in a kernel
  Interrupted,   // the host's interrupt flag was set (Runtime::set_interrupt_flag): Ctrl-C
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
JITEXPR_ERROR_CLASS(SyntaxError, Syntax)
JITEXPR_ERROR_CLASS(NameError, Name)
JITEXPR_ERROR_CLASS(TypeError, Type)
JITEXPR_ERROR_CLASS(ValueError, Value)
JITEXPR_ERROR_CLASS(IndexError, Index)
JITEXPR_ERROR_CLASS(ZeroDivisionError, ZeroDivision)
JITEXPR_ERROR_CLASS(Interrupted, Interrupted)
#undef JITEXPR_ERROR_CLASS

// Throws the subclass that matches `kind`, so that callers can catch by type.
[[noreturn]] JITEXPR_API void throw_error(ErrorKind kind, std::string message, std::string source_name = {},
                              std::string source = {}, SourceRange range = {});

}  // namespace jitexpr

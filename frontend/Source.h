// A piece of user text with its name, and the one place that turns a range of it into an error.
#pragma once

#include <jitexpr/Error.h>

#include <memory>
#include <string>

namespace jitexpr {

struct Source {
  std::string name;  // "<expr>", "<stdin>", a file name
  std::string text;
};
using SourcePtr = std::shared_ptr<const Source>;

inline SourcePtr make_source(std::string name, std::string text) {
  return std::make_shared<const Source>(Source{std::move(name), std::move(text)});
}

// Throws the jitexpr::Error of `kind` located at `range` of `src`.
[[noreturn]] void fail_at(ErrorKind kind, const Source& src, SourceRange range, std::string message);

inline SourceRange join(SourceRange a, SourceRange b) {
  return {a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
}

}  // namespace jitexpr

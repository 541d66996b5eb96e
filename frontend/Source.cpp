// Errors located in a user's text.
#include "frontend/Source.h"

namespace jitexpr {

void fail_at(ErrorKind kind, const Source& src, SourceRange range, std::string message) {
  throw_error(kind, std::move(message), src.name, src.text, range);
}

}  // namespace jitexpr

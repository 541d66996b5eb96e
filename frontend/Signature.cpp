// Kernel signatures as text (see Signature.h).
#include "frontend/Signature.h"

#include <fmt/format.h>
#include <jitexpr/DType.h>
#include <jitexpr/Error.h>

#include <cctype>

namespace jitexpr {

std::vector<SignatureType> parse_signature_text(std::string_view text) {
  std::vector<SignatureType> out;
  std::size_t i = 0;
  auto skip = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  while (true) {
    skip();
    if (i == text.size() && out.empty()) break;
    std::size_t b = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    SignatureType s;
    ast::TypeAnnotation& a = s.annotation;
    a.name = std::string(text.substr(b, i - b));
    std::string_view name = a.name;
    bool known = name == "int" || name == "float" || name == "complex" || (dtype_from_name(name) && name != "bytes");
    if (!known) throw TypeError(fmt::format("'{}' in the signature '{}' is not a type", a.name, text));
    skip();
    if (i < text.size() && text[i] == '[') {
      ++i;
      while (true) {
        skip();
        if (i >= text.size() || text[i] != ':')
          throw TypeError(fmt::format("bad array type in the signature '{}'", text));
        ++i;
        ++a.rank;
        // Numba's spelling of the contiguous layout: '::1' on the last dimension.
        if (text.substr(i, 2) == ":1") {
          i += 2;
          s.contiguous = true;
        }
        skip();
        if (i < text.size() && text[i] == ',') {
          ++i;
          continue;
        }
        if (i < text.size() && text[i] == ']') {
          ++i;
          break;
        }
        throw TypeError(fmt::format("bad array type in the signature '{}'", text));
      }
    }
    out.push_back(std::move(s));
    skip();
    if (i == text.size()) break;
    if (text[i] != ',') throw TypeError(fmt::format("expected ',' in the signature '{}'", text));
    ++i;
  }
  return out;
}

}  // namespace jitexpr

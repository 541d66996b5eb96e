// The text of a kernel signature, as the AOT compiler and Function::compile take it:
// "int64, complex128[:], float64[:, ::1]". As in Numba, `[:]` is an array of any layout and `::1`
// on the last dimension a C-contiguous one. ir::parse_signature gives the types it names.
#pragma once

#include "frontend/Stmt.h"

#include <string_view>
#include <vector>

namespace jitexpr {

struct SignatureType {
  ast::TypeAnnotation annotation;  // a type name and a rank, as written on a parameter
  bool contiguous = false;         // `::1` on the last dimension
};

// Each type of the list, in order; empty text is no parameters. Throws TypeError for a name that
// is not a type or a malformed array type.
std::vector<SignatureType> parse_signature_text(std::string_view text);

}  // namespace jitexpr

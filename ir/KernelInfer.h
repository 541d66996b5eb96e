// Type inference for kernels: specializes a `def` of a parsed module for the types of one call's
// arguments, and every `def` it calls for theirs, into typed KFunctions (Numba's nopython model:
// docs/semantics.md, "Kernels"). Throws jitexpr::Error for every type, name or value error, with
// its position in the module's source.
#pragma once

#include "frontend/Source.h"
#include "frontend/Stmt.h"
#include "ir/KernelIR.h"

#include <string_view>
#include <vector>

namespace jitexpr::ir {

// The specialization of `function` for `args`. NameError if the module has no such function;
// TypeError if the arguments do not fit its parameters (count, annotations).
KProgram infer_kernel(const ast::Module& m, const Source& src, std::string_view function, const std::vector<KType>& args);

// The types a signature names (frontend/Signature.h: "int64, complex128[:], float64[:, ::1]"),
// `[:]` an array of any layout (strided code), `::1` a C-contiguous one. Throws TypeError.
std::vector<KType> parse_signature(std::string_view text);

// The KType an annotation names (`float64[:, :]`, `int`, `None`); contiguous for arrays.
KType annotation_type(const ast::TypeAnnotation& a);

}  // namespace jitexpr::ir

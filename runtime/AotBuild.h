// The build side of ahead-of-time kernels, for jitexpr-aot: type inference and codegen of a
// module's kernels for fixed signatures into one object (the call side is jitexpr/Aot.h).
#pragma once

#include "frontend/Source.h"
#include "frontend/Stmt.h"
#include "ir/KType.h"

#include <string>
#include <vector>

namespace jitexpr {

struct AotRequest {
  std::string name;               // the def
  std::vector<ir::KType> params;  // its argument types
  std::string symbol;             // the entry's name in the object
};

struct AotObject {
  std::string object;               // an ELF relocatable object
  std::vector<ir::KType> results;  // per request, its result type
};

// Throws jitexpr::Error as the JIT would for the same calls, std::invalid_argument for an unknown
// CPU ("native", "x86-64-v3", "x86-64", ...).
AotObject compile_aot(const ast::Module& m, const Source& src, const std::vector<AotRequest>& requests,
                      const std::string& cpu, int opt_level, bool boundscheck);

}  // namespace jitexpr

// The build side of ahead-of-time kernels, for jitexpr-aot: type inference and codegen of a
// module's kernels for fixed signatures into one object (the call side is jitexpr/Aot.h).
#pragma once

#include "base/KType.h"
#include "frontend/Source.h"
#include "frontend/Stmt.h"

#include <string>
#include <vector>

namespace jitexpr {

struct AotRequest {
  std::string name;               // the def
  std::vector<KType> params;      // its argument types
  std::string symbol;             // the entry's name in the object
};

struct AotObject {
  std::string object;               // an ELF relocatable object
  std::vector<KType> results;       // per request, its result type
};

// The target a CPU name means ("native", "x86-64-v3", "znver4", ...), in words; the object need
// not run on this machine. Throws jitexpr::ValueError for a CPU LLVM does not know.
std::string aot_target(const std::string& cpu);

// Throws jitexpr::Error as the JIT would for the same calls, ValueError for an unknown CPU.
AotObject compile_aot(const ast::Module& m, const Source& src, const std::vector<AotRequest>& requests,
                      const std::string& cpu, int opt_level, bool boundscheck);

}  // namespace jitexpr

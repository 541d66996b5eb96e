// The runtime helpers (runtime/helpers/Helpers.cpp, compiled to bitcode and embedded in the
// library): a kernel module declares the helpers it calls while it is emitted, and only those are
// linked into it, with target attributes removed so that each inlines into host-specific code.
// A module that calls no helper never reads the bitcode.
#pragma once

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

namespace jitexpr::codegen {

// The declaration of helper `name` in `m` (made on first use, with the helper's own signature).
llvm::Function* declare_helper(llvm::Module& m, llvm::StringRef name);

// Links the definitions of the helpers `m` declares, and of those they call, into `m`; then gives
// every definition but those named in `keep` (the kernel entry points) internal linkage, so that
// the helpers inline and nothing else of them is left.
void link_runtime_helpers(llvm::Module& m, llvm::ArrayRef<llvm::StringRef> keep);

}  // namespace jitexpr::codegen

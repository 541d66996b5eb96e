// The runtime helpers (runtime/helpers/Helpers.cpp, compiled to bitcode and embedded in the
// library) as an LLVM module, ready to be emitted into and then optimized together with a kernel.
#pragma once

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <memory>

namespace jitexpr::codegen {

// A fresh module holding the helpers, with target attributes removed so that each helper
// inlines into host-specific kernels. Every helper is made internal by internalize_helpers().
std::unique_ptr<llvm::Module> load_runtime_helpers(llvm::LLVMContext& ctx);

// Gives every helper definition internal linkage, so that unused ones are deleted and used ones
// inline; `keep` names the functions that stay visible (the kernel entry points).
void internalize_helpers(llvm::Module& m, llvm::ArrayRef<llvm::StringRef> keep);

}  // namespace jitexpr::codegen

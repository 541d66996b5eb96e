// Typed kernel IR -> LLVM functions.
//
// Kernel ABI (the runtime's Module calls these; docs/architecture.md explains the design):
//   entry: int32_t fn(jx_context* ctx, void* const* args, void* ret)
// args[i] points at argument i: a scalar in its memory form (bool a byte, complex two parts), an
// array as its descriptor {char* data; int64_t shape[rank]; int64_t strides[rank]} (strides in
// bytes). The result goes to *ret in the same forms. The return value is 0, or 1 after an error
// was recorded in *ctx (base/KernelAbi.h).
//
// Inside a program, each specialization is a function int32_t(ctx, flattened arguments, ret*)
// that LLVM may inline; prange bodies are outlined into jx_body_fn functions.
#pragma once

#include "ir/KernelIR.h"

#include <llvm/IR/Module.h>

namespace jitexpr::codegen {

struct KernelCodegenOptions {
  bool boundscheck = true;  // IndexError for an index outside its array (off: out of bounds is undefined)
  bool interruptible = true;  // loops check jx_context::interrupt (KernelEmitter.h: kForChunk)
};

// Emits every function of `p` into `m` (declaring the runtime helpers it calls) and the entry
// function `name` for p.entry().
void emit_kernel_program(const ir::KProgram& p, const KernelCodegenOptions& o, llvm::Module& m, llvm::StringRef name);

}  // namespace jitexpr::codegen

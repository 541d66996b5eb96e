// Typed expression IR -> an LLVM function over one loop.
//
// Kernel ABI (the runtime's executor calls these; docs/architecture.md explains the design):
//   element-wise: int32_t fn(int64_t n, char* const* ptrs, const int64_t* strides)
//   reduction:    int32_t fn(int64_t n, char* const* ptrs, const int64_t* strides, void* acc)
// ptrs[0] and strides[0] describe the output, ptrs[1 + i] and strides[1 + i] operand i; strides are
// in bytes along the loop. A Contiguous operand ignores its stride (it is the element size, known
// at compile time, so the loop vectorizes); a Scalar operand is read once. A reduction folds its
// n elements into *acc (which holds the running value on entry). The return value is a set of
// the error bits (JX_ERROR_BIT of a jx_error_code) raised by the elements, 0 when all went well.
#pragma once

#include "codegen/Compiler.h"
#include "ir/Node.h"

#include <llvm/IR/Module.h>

#include <cstdint>

namespace jitexpr::codegen {

// Emits the kernel for `p` as the external function `name` into `m`; the runtime helpers it calls
// are declared in `m` (declare_helper), for link_runtime_helpers to define.
void emit_expression(const ir::Program& p, llvm::Module& m, llvm::StringRef name);

// After optimization, for a program with streaming stores: makes the vectorized stores into the
// output of kernel `name` non-temporal (they bypass the caches).
void mark_streaming_stores(llvm::Module& m, llvm::StringRef name);

}  // namespace jitexpr::codegen

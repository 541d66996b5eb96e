// Runs a compiled kernel over an iteration plan: the outer dimensions here, the inner one in the
// kernel. Reductions are split into fixed blocks of kReduceBlock elements, each folded from the
// identity, and the partial results are combined in block order, so the result depends only on
// the data and never on how the blocks are scheduled.
#pragma once

#include "codegen/Compiler.h"
#include "ir/Node.h"
#include "runtime/Parallel.h"
#include "runtime/Plan.h"

#include <jitexpr/Array.h>

#include <cstdint>
#include <vector>

namespace jitexpr {

inline constexpr std::int64_t kReduceBlock = 16384;

// Returns the kernel flags raised by any element (codegen::KernelFlags).
// With a pool of more than one thread the work is split into blocks run in parallel; with none it
// all runs on the calling thread.
std::int32_t run_elementwise(codegen::ElementwiseFn fn, const IterationPlan& plan, const std::vector<Array>& operands,
                             Array& out, ThreadPool* pool = nullptr);

// `out` is 0-d for a full reduction, or the result without the reduced axis (the plan's loop
// then ends with that axis).
std::int32_t run_reduction(codegen::ReduceFn fn, const ir::Reduce& red, const IterationPlan& plan,
                           const std::vector<Array>& operands, Array& out, ThreadPool* pool = nullptr);

}  // namespace jitexpr

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

#include <atomic>
#include <cstdint>
#include <vector>

namespace jitexpr {

inline constexpr std::int64_t kReduceBlock = 16384;

// The code an evaluation runs. It is read again before every block, so an evaluation that started
// on fast code moves to the optimized code as soon as that is installed (tiered compilation,
// docs/architecture.md). Only element-wise code is tiered: both tiers compute each element with
// the same operations, and differ at most where a vectorized math function and the scalar one
// differ in the last place, as they already do between a vector loop and its remainder.
using CodeSlot = std::atomic<const codegen::CompiledKernel*>;

// Returns the kernel flags raised by any element (JX_ERROR_BIT of each jx_error_code, base/KernelAbi.h).
// With a pool the work is split into blocks (run in parallel on more than one thread); with none
// it all runs on the calling thread in one call of the code.
std::int32_t run_elementwise(const CodeSlot& code, const IterationPlan& plan, const std::vector<Array>& operands,
                             Array& out, ThreadPool* pool = nullptr);

// `out` is 0-d for a full reduction, or the result without the reduced axis (the plan's loop
// then ends with that axis).
std::int32_t run_reduction(const CodeSlot& code, const ir::Reduce& red, const IterationPlan& plan,
                           const std::vector<Array>& operands, Array& out, ThreadPool* pool = nullptr);

}  // namespace jitexpr

// Constant folding: evaluates casts, arithmetic and comparisons whose operands are all constants,
// and where() with a constant condition. It folds only operations whose result on the host is
// bit-for-bit what the generated code computes (wrapping integer arithmetic, IEEE + - * /), so the
// pass never changes a result; transcendental calls are left to run time.
#pragma once

#include "ir/Node.h"

namespace jitexpr::ir {

NodePtr fold_constants(const NodePtr& root);

}  // namespace jitexpr::ir

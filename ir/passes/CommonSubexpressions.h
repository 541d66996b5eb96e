// Common-subexpression elimination: structurally equal subtrees become one shared node, so that
// codegen computes `a*b` once in `a*b + sin(a*b)`.
#pragma once

#include "ir/Node.h"

namespace jitexpr::ir {

NodePtr eliminate_common_subexpressions(const NodePtr& root);

}  // namespace jitexpr::ir

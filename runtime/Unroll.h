// Reductions over a short axis, unrolled into element-wise arithmetic.
//
// `sum(E, axis=k)` over an axis of length L <= kMaxUnrolledAxis becomes E_0 + E_1 + ... + E_{L-1},
// where E_j reads each operand at index j of that axis (an operand broadcast along the axis reads
// its only index); prod becomes a product, min and max a chain of minimum / maximum. The result is
// an element-wise expression over the other axes. This is how the distance matrix's
// `sqrt(sum((a - b)**2, axis=2))` (an axis of 2) runs as one fused loop over the N x N result,
// instead of one reduction call per output element, and how an element-wise operation may
// apply to such a reduction's result at all. The element-wise form gives what numpy gives:
// the terms are added in index order, as numpy does for so few of them.
//
// Only reductions whose terms already have the accumulator's type are unrolled (a float sum, an
// int64 sum, a min of floats): an int32 sum accumulates in int64 and stays a reduction.
#pragma once

#include "frontend/Ast.h"

#include <jitexpr/Array.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace jitexpr {

constexpr std::int64_t kMaxUnrolledAxis = 8;

// A new operand of the unrolled expression: a view of a bound array without one of its axes.
struct SliceOperand {
  std::string name;    // its name in the unrolled expression
  std::string source;  // the bound array it views
  int dim = 0;         // the axis of `source` it leaves out
  std::int64_t index = 0;  // at this index (0 where the axis has extent 1: broadcast)
};

struct Unrolled {
  ast::ExprPtr ast;  // keeps the original source ranges: errors point into the text as written
  std::vector<SliceOperand> slices;
};

// The bound array of a name, or null.
using ArrayOf = std::function<const Array*(const std::string& name)>;
// Whether the terms of this reduction have its accumulator's type.
using TermsKeepType = std::function<bool(const ast::Call& reduction)>;

// The expression with every reduction it can unroll unrolled, or nothing when there is none.
std::optional<Unrolled> unroll_short_reductions(const ast::Expr& root, const ArrayOf& array_of,
                                                const TermsKeepType& terms_keep_type);

// The view a slice operand stands for.
Array slice_view(const Array& source, const SliceOperand& slice);

}  // namespace jitexpr

// The iteration plan of one evaluation: the broadcast result shape, and per operand the strides
// along a loop nest whose dimensions are collapsed wherever the strides allow. The innermost
// dimension is the compiled loop; the runtime walks the outer ones.
#pragma once

#include "ir/Node.h"

#include <jitexpr/Array.h>

#include <optional>
#include <vector>

namespace jitexpr {

struct IterationPlan {
  Shape result_shape;                      // the broadcast shape of the operands
  Shape loop_shape;                        // collapsed; the last entry is the inner loop (may be empty)
  std::vector<Strides> strides;            // [0]: output, [1 + i]: operand i; in bytes, per loop dim
  std::vector<ir::Layout> layouts;         // per slot, from the inner stride
  std::int64_t inner() const { return loop_shape.empty() ? 1 : loop_shape.back(); }
};

// numpy's broadcasting of shapes; `describe` names the operands for the error message.
// Throws ValueError naming every shape when they are incompatible.
Shape broadcast_shapes(const std::vector<Shape>& shapes);

// The strides of `a` stretched to `shape` (zero along broadcast dimensions).
Strides broadcast_strides(const Array& a, const Shape& shape);

// True when `in` shares memory with `out` without being exactly it (same address, shape and
// strides). The compiled loops assume operands never overlap the output otherwise, so such an
// input is copied first, as numpy does.
bool overlaps_partially(const Array& out, const Array& in);

// The order of the result's axes in memory, outermost first, that numpy's order='K' keeps: the
// order of `out` when given, else of the first operand that spans the whole result; C order when
// none does. Ties keep C order.
std::vector<int> memory_order(const std::vector<Array>& operands, const Shape& result_shape, const Array* out);

// Byte strides (for an item size of 1) of a fresh array of `shape` laid out in `order`.
Strides strides_in_order(const Shape& shape, const std::vector<int>& order);

// A plan for an element-wise evaluation writing into `out` (whose shape is the result shape), or,
// for a reduction (out_strides empty), over the result shape with `reduce_axis` (if any) moved
// innermost and never merged with the others.
// The loop nest walks the axes in `order` (from memory_order), the reduced axis last.
IterationPlan make_plan(const std::vector<Array>& operands, const Shape& result_shape,
                        const std::optional<Strides>& out_strides, std::size_t out_itemsize,
                        std::optional<int> reduce_axis, const std::vector<int>& order);

}  // namespace jitexpr

#include "runtime/Plan.h"

#include <jitexpr/Error.h>

#include <fmt/format.h>

#include <algorithm>

namespace jitexpr {

Shape broadcast_shapes(const std::vector<Shape>& shapes) {
  std::size_t rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const Shape& s : shapes) {
    for (std::size_t k = 0; k < s.size(); ++k) {
      std::size_t d = rank - s.size() + k;
      std::int64_t n = s[k];
      if (n == out[d] || n == 1) continue;
      if (out[d] == 1) {
        out[d] = n;
        continue;
      }
      std::vector<std::string> all;
      for (const Shape& t : shapes) all.push_back(shape_string(t));
      throw ValueError(fmt::format("operands could not be broadcast together with shapes {}", fmt::join(all, " ")));
    }
  }
  return out;
}

Strides broadcast_strides(const Array& a, const Shape& shape) {
  Strides out(shape.size(), 0);
  std::size_t offset = shape.size() - static_cast<std::size_t>(a.ndim());
  for (int k = 0; k < a.ndim(); ++k) {
    if (a.shape()[static_cast<std::size_t>(k)] != 1) out[offset + static_cast<std::size_t>(k)] = a.strides()[static_cast<std::size_t>(k)];
  }
  return out;
}

namespace {
// The byte range [lo, hi) an array's elements occupy.
std::pair<const char*, const char*> extent(const Array& a) {
  const char* base = static_cast<const char*>(a.raw_data());
  std::int64_t lo = 0, hi = 0;
  for (int d = 0; d < a.ndim(); ++d) {
    std::int64_t n = a.shape()[static_cast<std::size_t>(d)];
    if (n == 0) return {base, base};
    std::int64_t span = (n - 1) * a.strides()[static_cast<std::size_t>(d)];
    (span < 0 ? lo : hi) += span;
  }
  return {base + lo, base + hi + static_cast<std::int64_t>(a.itemsize())};
}
}  // namespace

bool overlaps_partially(const Array& out, const Array& in) {
  auto [olo, ohi] = extent(out);
  auto [ilo, ihi] = extent(in);
  if (olo == ohi || ilo == ihi || ohi <= ilo || ihi <= olo) return false;
  bool same = in.raw_data() == out.raw_data() && in.shape() == out.shape() && in.strides() == out.strides() &&
              in.dtype() == out.dtype();
  return !same;
}

std::vector<int> memory_order(const std::vector<Array>& operands, const Shape& result_shape, const Array* out) {
  int rank = static_cast<int>(result_shape.size());
  std::vector<int> order(static_cast<std::size_t>(rank));
  for (int d = 0; d < rank; ++d) order[static_cast<std::size_t>(d)] = d;
  const Array* hint = out;
  for (std::size_t i = 0; !hint && i < operands.size(); ++i) {
    const Array& a = operands[i];
    if (a.ndim() == rank && a.shape() == result_shape && a.size() > 1) hint = &a;
  }
  if (!hint || hint->ndim() != rank) return order;
  auto mag = [&](int d) {
    std::int64_t s = hint->strides()[static_cast<std::size_t>(d)];
    return s < 0 ? -s : s;
  };
  // Ties keep C order: order starts as 0, 1, ..., so the axis number breaks them (std::sort with a
  // total order; libstdc++'s stable_sort uses the deprecated get_temporary_buffer).
  std::sort(order.begin(), order.end(), [&](int x, int y) { return mag(x) != mag(y) ? mag(x) > mag(y) : x < y; });
  return order;
}

Strides strides_in_order(const Shape& shape, const std::vector<int>& order) {
  Strides s(shape.size(), 0);
  std::int64_t st = 1;
  for (std::size_t k = order.size(); k-- > 0;) {
    std::size_t d = static_cast<std::size_t>(order[k]);
    s[d] = st;
    st *= shape[d] > 0 ? shape[d] : 1;
  }
  return s;
}

IterationPlan make_plan(const std::vector<Array>& operands, const Shape& result_shape,
                        const std::optional<Strides>& out_strides, std::size_t out_itemsize,
                        std::optional<int> reduce_axis, const std::vector<int>& axis_order) {
  std::size_t slots = operands.size() + 1;
  std::size_t rank = result_shape.size();
  // Dimension order: memory order, with a reduced axis moved last.
  std::vector<std::size_t> order;
  for (int d : axis_order) {
    if (!reduce_axis || d != *reduce_axis) order.push_back(static_cast<std::size_t>(d));
  }
  if (reduce_axis) order.push_back(static_cast<std::size_t>(*reduce_axis));

  std::vector<Strides> full(slots);
  full[0] = out_strides ? *out_strides : Strides(rank, 0);
  for (std::size_t i = 0; i < operands.size(); ++i) full[i + 1] = broadcast_strides(operands[i], result_shape);

  IterationPlan plan;
  plan.result_shape = result_shape;
  plan.strides.assign(slots, {});
  // Walk the dimensions in order, dropping extent-1 ones and merging a dimension into the
  // previous one when every slot's strides are contiguous across the two.
  std::size_t reduced_pos = reduce_axis ? order.size() - 1 : order.size();
  for (std::size_t k = 0; k < order.size(); ++k) {
    std::size_t d = order[k];
    std::int64_t n = result_shape[d];
    bool is_reduced = k == reduced_pos;
    if (n == 1 && !is_reduced) continue;
    bool merge = !plan.loop_shape.empty() && !is_reduced && n != 0;
    if (merge) {
      for (std::size_t s = 0; s < slots && merge; ++s) {
        merge = plan.strides[s].back() == full[s][d] * n;
      }
    }
    if (merge) {
      plan.loop_shape.back() *= n;
      for (std::size_t s = 0; s < slots; ++s) plan.strides[s].back() = full[s][d];
    } else {
      plan.loop_shape.push_back(n);
      for (std::size_t s = 0; s < slots; ++s) plan.strides[s].push_back(full[s][d]);
    }
  }
  plan.layouts.resize(slots);
  for (std::size_t s = 0; s < slots; ++s) {
    std::size_t item = s == 0 ? out_itemsize : operands[s - 1].itemsize();
    bool all_zero = std::all_of(plan.strides[s].begin(), plan.strides[s].end(), [](std::int64_t v) { return v == 0; });
    if (s > 0 && (all_zero || plan.loop_shape.empty())) {
      plan.layouts[s] = ir::Layout::Scalar;
    } else if (plan.loop_shape.empty() || plan.strides[s].back() == static_cast<std::int64_t>(item)) {
      plan.layouts[s] = ir::Layout::Contiguous;
    } else {
      plan.layouts[s] = ir::Layout::Strided;
    }
  }
  return plan;
}

}  // namespace jitexpr

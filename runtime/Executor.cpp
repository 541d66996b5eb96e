#include "runtime/Executor.h"

#include "runtime/DTypeDispatch.h"

#include <jitexpr/Error.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <type_traits>

namespace jitexpr {

namespace {

// Calls body(ptrs) for every position of the outer loop dimensions (all but the last).
template <typename Body>
void for_each_row(const IterationPlan& plan, const std::vector<char*>& bases, Body&& body) {
  std::size_t outer = plan.loop_shape.empty() ? 0 : plan.loop_shape.size() - 1;
  for (std::int64_t n : plan.loop_shape) {
    if (n == 0) return;
  }
  std::vector<std::int64_t> idx(outer, 0);
  std::vector<char*> ptrs = bases;
  while (true) {
    body(ptrs);
    // Advance the odometer from the last outer dimension.
    std::size_t d = outer;
    while (d > 0) {
      --d;
      for (std::size_t s = 0; s < ptrs.size(); ++s) ptrs[s] += plan.strides[s][d];
      if (++idx[d] < plan.loop_shape[d]) break;
      for (std::size_t s = 0; s < ptrs.size(); ++s) ptrs[s] -= plan.strides[s][d] * plan.loop_shape[d];
      idx[d] = 0;
      if (d == 0) return;
    }
    if (outer == 0) return;
  }
}

std::vector<char*> base_pointers(const std::vector<Array>& operands, const Array* out) {
  std::vector<char*> bases;
  bases.push_back(out ? static_cast<char*>(out->raw_data()) : nullptr);
  for (const Array& a : operands) bases.push_back(static_cast<char*>(a.raw_data()));
  return bases;
}

std::vector<std::int64_t> inner_strides(const IterationPlan& plan) {
  std::vector<std::int64_t> s;
  for (const Strides& st : plan.strides) s.push_back(st.empty() ? 0 : st.back());
  return s;
}

// ---- reduction identities and the combination of partial results ----

template <typename T> struct is_cplx : std::false_type {};
template <typename T> struct is_cplx<std::complex<T>> : std::true_type {};

template <typename T> T identity(ir::ReduceOp op) {
  switch (op) {
    case ir::ReduceOp::Sum: return T(0);
    case ir::ReduceOp::Prod: return T(1);
    case ir::ReduceOp::Min:
      if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
      else if constexpr (std::is_same_v<T, bool>) return true;
      else if constexpr (!is_cplx<T>::value) return std::numeric_limits<T>::max();
      break;
    case ir::ReduceOp::Max:
      if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
      else if constexpr (std::is_same_v<T, bool>) return false;
      else if constexpr (!is_cplx<T>::value) return std::numeric_limits<T>::lowest();
      break;
  }
  return T(0);
}

// The same operation as the kernel's combine step (EmitExpr.cpp), with wrapping integers and
// NaN-propagating min/max.
template <typename T> T combine(ir::ReduceOp op, T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return op == ir::ReduceOp::Max ? (a || b) : (a && b);
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    switch (op) {
      case ir::ReduceOp::Sum: return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
      case ir::ReduceOp::Prod: return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
      case ir::ReduceOp::Min: return a < b ? a : b;
      case ir::ReduceOp::Max: return a > b ? a : b;
    }
  } else if constexpr (is_cplx<T>::value) {
    if (op == ir::ReduceOp::Sum) return a + b;
    using R = typename T::value_type;
    return T(a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()) + T(R(0), R(0));
  } else {
    switch (op) {
      case ir::ReduceOp::Sum: return a + b;
      case ir::ReduceOp::Prod: return a * b;
      // IEEE 754 minimum/maximum, as llvm.minimum/maximum in the kernel: NaN propagates and
      // -0.0 < +0.0, so the result does not depend on which block held which zero.
      case ir::ReduceOp::Min:
        if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
        if (a == b) return std::signbit(a) ? a : b;
        return a < b ? a : b;
      case ir::ReduceOp::Max:
        if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
        if (a == b) return std::signbit(a) ? b : a;
        return a > b ? a : b;
    }
  }
  return a;
}

template <typename F> decltype(auto) dispatch_acc(DType t, F&& f) {
  return dispatch_dtype(t, std::forward<F>(f), "bytes cannot be reduced");
}

}  // namespace

namespace {

// The pointers of every slot at the start of row `row` (a flat index over the outer dimensions).
void row_pointers(const IterationPlan& plan, const std::vector<char*>& bases, std::int64_t row, std::vector<char*>& ptrs) {
  ptrs = bases;
  std::size_t outer = plan.loop_shape.empty() ? 0 : plan.loop_shape.size() - 1;
  for (std::size_t d = outer; d-- > 0;) {
    std::int64_t i = row % plan.loop_shape[d];
    row /= plan.loop_shape[d];
    for (std::size_t s = 0; s < ptrs.size(); ++s) ptrs[s] += i * plan.strides[s][d];
  }
}

std::int64_t row_count(const IterationPlan& plan) {
  std::int64_t rows = 1;
  for (std::size_t d = 0; d + 1 < plan.loop_shape.size(); ++d) rows *= plan.loop_shape[d];
  return rows;
}

// Elements per task of an element-wise loop: big enough to amortize scheduling, small enough to
// keep every operand's block in the caches.
constexpr std::int64_t kElementwiseBlock = 16384;

}  // namespace

std::int32_t run_elementwise(const CodeSlot& code, const IterationPlan& plan, const std::vector<Array>& operands,
                             Array& out, ThreadPool* pool) {
  auto current = [&code] { return code.load(std::memory_order_acquire)->elementwise(); };
  std::vector<std::int64_t> strides = inner_strides(plan);
  std::int64_t n = plan.inner();
  for (std::int64_t e : plan.loop_shape) {
    if (e == 0) return 0;
  }
  std::vector<char*> bases = base_pointers(operands, &out);
  // With a pool (work worth threads, or worth interrupting) the loop goes through it in blocks,
  // even on one thread.
  if (!pool) {
    std::int32_t flags = 0;
    codegen::ElementwiseFn fn = current();
    for_each_row(plan, bases, [&](const std::vector<char*>& ptrs) { flags |= fn(n, ptrs.data(), strides.data()); });
    return flags;
  }
  // Tasks never cut a row anywhere but at multiples of the block size from its start, so each
  // element goes through the same vector or scalar part of the loop as in a serial run, and the
  // results are the same bits on any number of threads (a vectorized sin and a scalar one may
  // differ in the last place).
  std::int64_t rows = row_count(plan);
  std::atomic<std::int32_t> flags{0};
  if (n >= kElementwiseBlock) {
    std::int64_t per_row = (n + kElementwiseBlock - 1) / kElementwiseBlock;
    pool->parallel_for(rows * per_row, 1, [&](std::int64_t begin, std::int64_t end) {
      std::vector<char*> ptrs;
      std::int32_t local = 0;
      for (std::int64_t u = begin; u < end; ++u) {
        pool->check_interrupt();
        std::int64_t row = u / per_row, start = (u % per_row) * kElementwiseBlock;
        row_pointers(plan, bases, row, ptrs);
        for (std::size_t s = 0; s < ptrs.size(); ++s) ptrs[s] += start * strides[s];
        local |= current()(std::min(kElementwiseBlock, n - start), ptrs.data(), strides.data());
      }
      flags.fetch_or(local);
    });
    return flags.load();
  }
  std::int64_t rows_per_task = std::max<std::int64_t>(1, kElementwiseBlock / std::max<std::int64_t>(n, 1));
  pool->parallel_for(rows, rows_per_task, [&](std::int64_t begin, std::int64_t end) {
    std::vector<char*> ptrs;
    std::int32_t local = 0;
    codegen::ElementwiseFn fn = current();
    for (std::int64_t row = begin; row < end; ++row) {
      if (row % rows_per_task == 0) {
        pool->check_interrupt();
        fn = current();
      }
      row_pointers(plan, bases, row, ptrs);
      local |= fn(n, ptrs.data(), strides.data());
    }
    flags.fetch_or(local);
  });
  return flags.load();
}

std::int32_t run_reduction(const CodeSlot& code, const ir::Reduce& red, const IterationPlan& plan,
                           const std::vector<Array>& operands, Array& out, ThreadPool* pool) {
  std::vector<std::int64_t> strides = inner_strides(plan);
  std::int64_t n = plan.inner();
  std::atomic<std::int32_t> flags{0};
  bool has_identity = red.op == ir::ReduceOp::Sum || red.op == ir::ReduceOp::Prod;
  std::int64_t total = shape_size(plan.result_shape);
  if (!has_identity && (red.axis ? plan.result_shape[static_cast<std::size_t>(*red.axis)] == 0 : total == 0)) {
    throw ValueError(fmt::format("zero-size array to reduction operation {} which has no identity", ir::reduce_name(red.op)));
  }
  bool empty = false;
  for (std::int64_t e : plan.loop_shape) empty = empty || e == 0;
  std::int64_t rows = empty ? 0 : row_count(plan);
  std::int64_t blocks_per_row = (n + kReduceBlock - 1) / kReduceBlock;
  bool parallel = pool && pool->threads() > 1;
  dispatch_acc(red.type, [&](auto tag) {
    using T = decltype(tag);
    std::vector<char*> bases = base_pointers(operands, red.axis ? &out : nullptr);
    // Block k of row `row`, folded from the identity: the unit of work and of determinism.
    auto fold_block = [&](std::int64_t row, std::int64_t k, std::vector<char*>& ptrs) {
      if (pool) pool->check_interrupt();
      row_pointers(plan, bases, row, ptrs);
      std::int64_t start = k * kReduceBlock;
      for (std::size_t s = 1; s < ptrs.size(); ++s) ptrs[s] += start * strides[s];
      T part = identity<T>(red.op);
      codegen::ReduceFn fn = code.load(std::memory_order_acquire)->reduce();
      std::int32_t f = fn(std::min(kReduceBlock, n - start), ptrs.data(), strides.data(), &part);
      if (f) flags.fetch_or(f);
      return part;
    };
    if (red.axis) {
      // One output element per row; its blocks are combined in order.
      auto rows_body = [&](std::int64_t begin, std::int64_t end) {
        std::vector<char*> ptrs, row_start;
        for (std::int64_t row = begin; row < end; ++row) {
          T acc = identity<T>(red.op);
          for (std::int64_t k = 0; k < blocks_per_row; ++k) acc = combine(red.op, acc, fold_block(row, k, ptrs));
          row_pointers(plan, bases, row, row_start);
          std::memcpy(row_start[0], &acc, sizeof acc);
        }
      };
      if (parallel) pool->parallel_for(rows, std::max<std::int64_t>(1, kReduceBlock / std::max<std::int64_t>(n, 1)), rows_body);
      else rows_body(0, rows);
      if (empty && n == 0) {
        // An empty reduced axis: every output element is the identity.
        T id = identity<T>(red.op);
        for (std::int64_t i = 0; i < out.size(); ++i) std::memcpy(out.flat_pointer(i), &id, sizeof id);
      }
      return;
    }
    // Every block of every row gives a partial result; they are combined in block order, so the
    // result is the same on any number of threads.
    std::int64_t blocks = rows * blocks_per_row;
    struct Partial {
      T value;  // a struct, so that bool partials are separate bytes, safe to write concurrently
    };
    std::vector<Partial> partials(static_cast<std::size_t>(blocks));
    auto blocks_body = [&](std::int64_t begin, std::int64_t end) {
      std::vector<char*> ptrs;
      for (std::int64_t b = begin; b < end; ++b) {
        partials[static_cast<std::size_t>(b)].value = fold_block(b / blocks_per_row, b % blocks_per_row, ptrs);
      }
    };
    if (parallel) pool->parallel_for(blocks, 1, blocks_body);
    else blocks_body(0, blocks);
    T acc = identity<T>(red.op);
    for (const Partial& part : partials) acc = combine(red.op, acc, part.value);
    std::memcpy(out.raw_data(), &acc, sizeof acc);
  });
  return flags.load();
}

}  // namespace jitexpr

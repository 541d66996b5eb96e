// The fast path of an expression's evaluation: what its last evaluation was specialized for.
#pragma once

#include "runtime/Plan.h"

#include <jitexpr/Array.h>
#include <jitexpr/Runtime.h>

#include <memory>
#include <optional>
#include <vector>

namespace jitexpr {

struct Compiled;

// What one evaluation of a text was specialized for, and everything derived from it: when the next
// evaluation of the same text brings arrays of the same dtypes, shapes and strides, it skips the
// binding, planning, key building and cache lookup and goes straight to the kernel.
struct FastPath {
  struct Signature {
    DType dtype;
    std::size_t itemsize;
    Shape shape;
    Strides strides;
  };
  std::vector<Signature> operands;
  std::optional<Signature> out;  // when the caller gave out=
  Casting casting = Casting::Safe;
  Order order_mode = Order::K;
  bool streaming = false;        // the code assumes out's base 64-byte aligned
  IterationPlan plan;            // with the output's strides final
  Shape out_shape;
  std::vector<int> order;  // the memory order of a new result
  // Not an owner: the in-memory cache decides how long code lives, and evicting it frees it
  // even while this memo (kept with the parsed text) remains.
  std::weak_ptr<const Compiled> compiled;

  static bool same(const Signature& s, const Array& a) {
    return s.dtype == a.dtype() && s.itemsize == a.itemsize() && s.shape == a.shape() && s.strides == a.strides();
  }
  static Signature of(const Array& a) { return {a.dtype(), a.itemsize(), a.shape(), a.strides()}; }
};


}  // namespace jitexpr

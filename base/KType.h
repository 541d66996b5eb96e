// The type of a value in a kernel: a scalar of a dtype, an array of a dtype and rank, or None (what
// a function without a return value gives). Arrays are of one of two layout classes: contiguous
// (C order; the strides follow from the shape, so inner loops vectorize) or strided (any strides,
// read at run time). Specializations are keyed by these types.
#pragma once

#include <jitexpr/DType.h>
#include <jitexpr/Limits.h>

#include <string>

namespace jitexpr {

struct KType {
  DType dtype = DType::Int64;
  int rank = 0;            // 0 for a scalar
  bool contiguous = true;  // arrays only
  bool none = false;

  static KType scalar(DType t) { return {t, 0, true, false}; }
  static KType array(DType t, int rank, bool contiguous = true) { return {t, rank, contiguous, false}; }
  static KType none_type() { return {DType::Bool, 0, true, true}; }
  bool is_array() const { return !none && rank > 0; }
  bool is_scalar() const { return !none && rank == 0; }
  bool operator==(const KType& o) const {
    return none == o.none && dtype == o.dtype && rank == o.rank && (rank == 0 || contiguous == o.contiguous);
  }
  bool operator!=(const KType& o) const { return !(*this == o); }
  // "float64", "float64[:, :]", "float64[:, :] (strided)", "None": the annotation syntax.
  std::string str() const;
};

}  // namespace jitexpr

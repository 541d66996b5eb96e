// The type rules of expressions, in one table-driven place: binary promotion, the result types of
// functions and reductions. The tables follow numexpr over its six native types (bool, int32,
// int64, float32, float64, complex128) and NumPy whenever a narrower type takes part; the expected
// values are generated from numexpr and numpy themselves (tests/golden/data/promotion.csv, made
// by tests/golden/gen_type_tables.py) and checked by tests/unit/DTypeRulesTest.cpp.
#pragma once

#include <jitexpr/DType.h>

namespace jitexpr::ir {

// The common type of two numeric operands of an arithmetic or comparison operator.
DType promote(DType a, DType b);

// The floating type a real-valued math function computes in: float32 stays float32, any integer
// or bool becomes float64 (as numexpr does), float64 stays; complex types keep their type.
DType float_type_for(DType t);

// The real type of a complex type's parts (complex64 -> float32); a real type maps to itself.
DType real_part_type(DType t);
// The complex type that holds a real type (float32 -> complex64, anything else -> complex128).
DType complex_type_for(DType t);

// The accumulator and result type of sum and prod (NumPy's): bool and signed integers sum in int64,
// unsigned integers in uint64, floating and complex types in themselves.
DType sum_type_for(DType t);

// numpy.can_cast(from, to, casting) for numeric dtypes.
bool can_cast(DType from, DType to, Casting casting);

// Bits in one element (bool counts as 1).
int dtype_bits(DType t);

}  // namespace jitexpr::ir

// Promotion tables and the rules built on them.
#include "ir/DTypeRules.h"

#include <array>
#include <cassert>
#include <string>

namespace jitexpr {

namespace ir {

namespace {

constexpr DType B = DType::Bool, I8 = DType::Int8, I16 = DType::Int16, I32 = DType::Int32,
                I64 = DType::Int64, U8 = DType::UInt8, U16 = DType::UInt16, U32 = DType::UInt32,
                U64 = DType::UInt64, F32 = DType::Float32, F64 = DType::Float64,
                C64 = DType::Complex64, C128 = DType::Complex128;

// kPromote[a][b]: numexpr's kind order (bool < int32 < int64 < float32 < float64 < complex128)
// between its native types, numpy.result_type when int8/16, uint*, complex64 take part.
constexpr DType kPromote[13][13] = {
    //  bool  int8   int16  int32  int64  uint8  uint16 uint32 uint64 f32    f64    c64   c128
    {   B,   I8,  I16,  I32,  I64,   U8,  U16,  U32,  U64,  F32,  F64,  C64, C128},  // bool
    {  I8,   I8,  I16,  I32,  I64,  I16,  I32,  I64,  F64,  F32,  F64,  C64, C128},  // int8
    { I16,  I16,  I16,  I32,  I64,  I16,  I32,  I64,  F64,  F32,  F64,  C64, C128},  // int16
    { I32,  I32,  I32,  I32,  I64,  I32,  I32,  I64,  F64,  F32,  F64, C128, C128},  // int32
    { I64,  I64,  I64,  I64,  I64,  I64,  I64,  I64,  F64,  F32,  F64, C128, C128},  // int64
    {  U8,  I16,  I16,  I32,  I64,   U8,  U16,  U32,  U64,  F32,  F64,  C64, C128},  // uint8
    { U16,  I32,  I32,  I32,  I64,  U16,  U16,  U32,  U64,  F32,  F64,  C64, C128},  // uint16
    { U32,  I64,  I64,  I64,  I64,  U32,  U32,  U32,  U64,  F64,  F64, C128, C128},  // uint32
    { U64,  F64,  F64,  F64,  F64,  U64,  U64,  U64,  U64,  F64,  F64, C128, C128},  // uint64
    { F32,  F32,  F32,  F32,  F32,  F32,  F32,  F64,  F64,  F32,  F64,  C64, C128},  // float32
    { F64,  F64,  F64,  F64,  F64,  F64,  F64,  F64,  F64,  F64,  F64, C128, C128},  // float64
    { C64,  C64,  C64, C128, C128,  C64,  C64, C128, C128,  C64, C128,  C64, C128},  // complex64
    {C128, C128, C128, C128, C128, C128, C128, C128, C128, C128, C128, C128, C128},  // complex128
};

}  // namespace

DType promote(DType a, DType b) {
  assert(is_numeric(a) && is_numeric(b) && "promote() takes numeric types");
  return kPromote[static_cast<int>(a)][static_cast<int>(b)];
}

DType float_type_for(DType t) {
  if (t == DType::Float32 || is_complex(t)) return t;
  return DType::Float64;
}

DType real_part_type(DType t) {
  if (t == DType::Complex64) return DType::Float32;
  if (t == DType::Complex128) return DType::Float64;
  return t;
}

DType complex_type_for(DType t) {
  if (t == DType::Float32 || t == DType::Complex64) return DType::Complex64;
  return DType::Complex128;
}

DType sum_type_for(DType t) {
  if (is_bool(t) || is_signed_int(t)) return DType::Int64;
  if (is_unsigned_int(t)) return DType::UInt64;
  return t;
}

namespace {
// numpy's kind order for same_kind casting: bool < unsigned < signed < float < complex.
int kind_rank(DType t) {
  if (is_bool(t)) return 0;
  if (is_unsigned_int(t)) return 1;
  if (is_signed_int(t)) return 2;
  if (is_float(t)) return 3;
  return 4;
}

bool safe_cast(DType from, DType to) {
  if (from == to || is_bool(from)) return true;
  if (is_bool(to)) return false;
  int bits = dtype_bits(from);
  // The widest real type that holds every value of `from` exactly, for ints: float32 for up to
  // 16 bits, float64 beyond (numpy counts int64 -> float64 as safe).
  auto float_ok = [&](int float_bits) { return bits <= 16 ? float_bits >= 32 : float_bits >= 64; };
  if (is_signed_int(from)) {
    if (is_signed_int(to)) return dtype_bits(to) >= bits;
    if (is_unsigned_int(to)) return false;
    if (is_float(to)) return float_ok(dtype_bits(to));
    return float_ok(dtype_bits(to) / 2);
  }
  if (is_unsigned_int(from)) {
    if (is_unsigned_int(to)) return dtype_bits(to) >= bits;
    if (is_signed_int(to)) return dtype_bits(to) > bits;
    if (is_float(to)) return float_ok(dtype_bits(to));
    return float_ok(dtype_bits(to) / 2);
  }
  if (is_float(from)) {
    if (is_float(to)) return dtype_bits(to) >= bits;
    if (is_complex(to)) return dtype_bits(to) / 2 >= bits;
    return false;
  }
  return is_complex(to) && dtype_bits(to) >= bits;
}
}  // namespace

bool can_cast(DType from, DType to, Casting casting) {
  assert(is_numeric(from) && is_numeric(to));
  switch (casting) {
    case Casting::No:
    case Casting::Equiv: return from == to;
    case Casting::Safe: return safe_cast(from, to);
    case Casting::SameKind: return safe_cast(from, to) || kind_rank(from) <= kind_rank(to);
    case Casting::Unsafe: return true;
  }
  return false;
}

int dtype_bits(DType t) { return t == DType::Bool ? 1 : static_cast<int>(dtype_size(t) * 8); }

}  // namespace ir
}  // namespace jitexpr

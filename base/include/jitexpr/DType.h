// The element types of jitexpr arrays and scalars. Part of the public API: no LLVM, no internals.
#pragma once

#include <jitexpr/Export.h>

#include <complex>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace jitexpr {

// The order is the order of the tables in ir/DTypeRules: change both together.
enum class DType : std::uint8_t {
  Bool,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Float32,
  Float64,
  Complex64,
  Complex128,
  Bytes,  // fixed-width byte strings (numpy 'S<n>'); the width lives in the array
};

inline constexpr int kNumDTypes = 14;

// Which conversions of a result into an output of another dtype are allowed (numpy's and
// numexpr's `casting=`): none, only to the same type, only value-preserving ones, those within a
// kind order bool < unsigned < signed < float < complex (float64 to float32, uint64 to int8), or any.
enum class Casting : std::uint8_t { No, Equiv, Safe, SameKind, Unsafe };
JITEXPR_API std::string_view casting_name(Casting c);

// numpy's name for the type: "float64", "complex128", "bytes".
JITEXPR_API std::string_view dtype_name(DType t);
// The inverse of dtype_name; also accepts numpy's short aliases ("f8", "i4", "?", "c16").
JITEXPR_API std::optional<DType> dtype_from_name(std::string_view name);
// Bytes per element; 0 for Bytes, whose width belongs to each array.
JITEXPR_API std::size_t dtype_size(DType t);

constexpr bool is_bool(DType t) { return t == DType::Bool; }
constexpr bool is_signed_int(DType t) { return t >= DType::Int8 && t <= DType::Int64; }
constexpr bool is_unsigned_int(DType t) { return t >= DType::UInt8 && t <= DType::UInt64; }
constexpr bool is_integer(DType t) { return is_signed_int(t) || is_unsigned_int(t); }
constexpr bool is_float(DType t) { return t == DType::Float32 || t == DType::Float64; }
constexpr bool is_complex(DType t) { return t == DType::Complex64 || t == DType::Complex128; }
constexpr bool is_numeric(DType t) { return t != DType::Bytes; }

// The C++ type that holds one element of a dtype, and back.
template <typename T> struct dtype_of;
template <> struct dtype_of<bool> { static constexpr DType value = DType::Bool; };
template <> struct dtype_of<std::int8_t> { static constexpr DType value = DType::Int8; };
template <> struct dtype_of<std::int16_t> { static constexpr DType value = DType::Int16; };
template <> struct dtype_of<std::int32_t> { static constexpr DType value = DType::Int32; };
template <> struct dtype_of<std::int64_t> { static constexpr DType value = DType::Int64; };
template <> struct dtype_of<std::uint8_t> { static constexpr DType value = DType::UInt8; };
template <> struct dtype_of<std::uint16_t> { static constexpr DType value = DType::UInt16; };
template <> struct dtype_of<std::uint32_t> { static constexpr DType value = DType::UInt32; };
template <> struct dtype_of<std::uint64_t> { static constexpr DType value = DType::UInt64; };
template <> struct dtype_of<float> { static constexpr DType value = DType::Float32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::Float64; };
template <> struct dtype_of<std::complex<float>> { static constexpr DType value = DType::Complex64; };
template <> struct dtype_of<std::complex<double>> { static constexpr DType value = DType::Complex128; };
template <typename T> inline constexpr DType dtype_of_v = dtype_of<T>::value;

}  // namespace jitexpr

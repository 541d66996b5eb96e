// Calls a generic function with a value of the C++ type of a numeric dtype, once per dtype in one
// switch, so that code over "any element type" is written once.
#pragma once

#include <jitexpr/DType.h>
#include <jitexpr/Error.h>

#include <complex>
#include <cstdint>
#include <string>

namespace jitexpr {

// f(T{}) for the element type T of `t`; a bytes dtype is a TypeError with `bytes_message`.
template <typename F> decltype(auto) dispatch_dtype(DType t, F&& f, const char* bytes_message) {
  switch (t) {
    case DType::Bool: return f(bool{});
    case DType::Int8: return f(std::int8_t{});
    case DType::Int16: return f(std::int16_t{});
    case DType::Int32: return f(std::int32_t{});
    case DType::Int64: return f(std::int64_t{});
    case DType::UInt8: return f(std::uint8_t{});
    case DType::UInt16: return f(std::uint16_t{});
    case DType::UInt32: return f(std::uint32_t{});
    case DType::UInt64: return f(std::uint64_t{});
    case DType::Float32: return f(float{});
    case DType::Float64: return f(double{});
    case DType::Complex64: return f(std::complex<float>{});
    case DType::Complex128: return f(std::complex<double>{});
    case DType::Bytes: break;
  }
  throw TypeError(bytes_message);
}

}  // namespace jitexpr

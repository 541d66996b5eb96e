// A scalar or an array: what a kernel returns and what a binding or argument holds.
#pragma once

#include <jitexpr/Export.h>
#include <jitexpr/Array.h>
#include <jitexpr/DType.h>

#include <complex>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>

namespace jitexpr {

class JITEXPR_API Value {
 public:
  Value() : dtype_(DType::Int64), v_(std::int64_t{0}) {}
  // C++ scalars convert implicitly: bool, integers (int64), floating (float64), complex128.
  Value(bool v) : dtype_(DType::Bool), v_(v) {}
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Value(T v) : dtype_(DType::Int64), v_(static_cast<std::int64_t>(v)) {}
  Value(float v) : dtype_(DType::Float32), v_(static_cast<double>(v)) {}
  Value(double v) : dtype_(DType::Float64), v_(v) {}
  Value(std::complex<double> v) : dtype_(DType::Complex128), v_(v) {}
  Value(Array a) : dtype_(a.dtype()), v_(std::move(a)) {}

  // A scalar of a given dtype, from a value held in the widest type of its kind.
  static Value scalar(DType dtype, std::complex<double> v);
  // What a kernel without a return value gives (Python's None): no dtype, no value.
  static Value none();
  bool is_none() const { return std::holds_alternative<std::monostate>(v_); }

  DType dtype() const { return dtype_; }
  bool is_array() const { return std::holds_alternative<Array>(v_); }
  bool is_scalar() const { return !is_array() && !is_none(); }

  // Converts the scalar to T. TypeError for an array, or when the conversion would lose the kind
  // (complex to real with a non-zero imaginary part, float to int with a fraction).
  template <typename T> T as() const;
  // The array, or a 0-d array holding the scalar.
  Array array() const;
  // The array without copying it, or nullptr for a scalar.
  const Array* if_array() const { return std::get_if<Array>(&v_); }

  // "3.5", "(1+2j)", "True", "None", or the array's numpy-like rendering.
  std::string to_string() const;

 private:
  DType dtype_;
  std::variant<bool, std::int64_t, double, std::complex<double>, Array, std::monostate> v_;
};

template <> bool Value::as<bool>() const;
template <> std::int64_t Value::as<std::int64_t>() const;
template <> double Value::as<double>() const;
template <> std::complex<double> Value::as<std::complex<double>>() const;
template <> inline int Value::as<int>() const { return static_cast<int>(as<std::int64_t>()); }
template <> inline float Value::as<float>() const { return static_cast<float>(as<double>()); }

}  // namespace jitexpr

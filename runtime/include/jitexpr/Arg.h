// One argument of a kernel call, JIT (jitexpr/Module.h) or AOT (jitexpr/Aot.h). Part of the
// public API.
#pragma once

#include <jitexpr/Array.h>
#include <jitexpr/DType.h>
#include <jitexpr/Export.h>
#include <jitexpr/Value.h>

#include <complex>
#include <cstdint>
#include <type_traits>

namespace jitexpr {

// One argument of a kernel call: a view of a C++ scalar (bool, integers as int64, float, double
// as float64, complex<double>), an Array (a 0-d array passes as a scalar of its dtype) or a
// Value. Made implicitly; it must not outlive the call.
class JITEXPR_API Arg {
 public:
  Arg(bool v) : dtype_(DType::Bool), b_(v) {}
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0> Arg(T v)
      : dtype_(DType::Int64), i_(static_cast<std::int64_t>(v)) {}
  Arg(float v) : dtype_(DType::Float32), f_(v) {}
  Arg(double v) : dtype_(DType::Float64), d_(v) {}
  Arg(std::complex<double> v) : dtype_(DType::Complex128), c_(v) {}
  Arg(const Array& a) : dtype_(a.dtype()), array_(&a) {}
  Arg(const Value& v);

  DType dtype() const { return dtype_; }
  const Array* array() const { return array_; }
  // The scalar's bytes in its dtype's memory form.
  const void* scalar_data() const { return dtype_ == DType::Complex128 ? static_cast<const void*>(&c_) : &b_; }

 private:
  DType dtype_;
  const Array* array_ = nullptr;
  union {
    bool b_;
    std::int64_t i_;
    float f_;
    double d_;
  };
  std::complex<double> c_;  // kept apart from the union: complex<double> is not trivial
};

}  // namespace jitexpr

// jitexpr::Value: a scalar or an array.
#include <jitexpr/Error.h>
#include <jitexpr/Value.h>

#include "runtime/Format.h"

#include <fmt/format.h>

#include <cmath>

namespace jitexpr {

Value Value::scalar(DType dtype, std::complex<double> v) {
  if (is_bool(dtype)) return Value(v != std::complex<double>(0, 0));
  if (is_integer(dtype)) {
    Value out(static_cast<std::int64_t>(v.real()));
    out.dtype_ = dtype;
    return out;
  }
  if (is_float(dtype)) {
    Value out(v.real());
    out.dtype_ = dtype;
    return out;
  }
  Value out(v);
  out.dtype_ = dtype;
  return out;
}

Value Value::none() {
  Value out;
  out.v_ = std::monostate{};
  return out;
}

namespace {
std::complex<double> scalar_value(const std::variant<bool, std::int64_t, double, std::complex<double>, Array, std::monostate>& v) {
  if (std::holds_alternative<std::monostate>(v)) throw TypeError("None is not a number");
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::get<std::complex<double>>(v);
}
}  // namespace

Array Value::array() const {
  if (const auto* a = std::get_if<Array>(&v_)) return *a;
  if (is_none()) throw TypeError("None is not an array");
  if (const auto* b = std::get_if<bool>(&v_)) return Array::scalar(*b);
  if (const auto* i = std::get_if<std::int64_t>(&v_)) {
    if (dtype_ == DType::Int64) return Array::scalar(*i);
    return Array::scalar(*i).astype(dtype_);
  }
  if (const auto* d = std::get_if<double>(&v_)) {
    if (dtype_ == DType::Float32) return Array::scalar_of<float>(static_cast<float>(*d));
    return Array::scalar(*d);
  }
  std::complex<double> c = std::get<std::complex<double>>(v_);
  if (dtype_ == DType::Complex64) return Array::scalar_of<std::complex<float>>(std::complex<float>(c));
  return Array::scalar(c);
}

template <> std::complex<double> Value::as<std::complex<double>>() const {
  if (const auto* a = std::get_if<Array>(&v_)) {
    if (a->size() != 1) throw TypeError(fmt::format("a {} array is not a scalar", a->describe()));
    return a->at_as_complex(std::vector<std::int64_t>(static_cast<std::size_t>(a->ndim()), 0));
  }
  return scalar_value(v_);
}

template <> double Value::as<double>() const {
  std::complex<double> c = as<std::complex<double>>();
  if (c.imag() != 0) throw TypeError("a complex value with a non-zero imaginary part is not a real number");
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return static_cast<double>(*i);
  return c.real();
}

template <> std::int64_t Value::as<std::int64_t>() const {
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return *i;
  if (const auto* b = std::get_if<bool>(&v_)) return *b;
  if (const auto* a = std::get_if<Array>(&v_); a && (is_integer(a->dtype()) || is_bool(a->dtype())) && a->size() == 1) {
    return a->flat_as_int(0);
  }
  double d = as<double>();
  if (d != std::trunc(d) || !std::isfinite(d)) throw TypeError(fmt::format("{} is not an integer", d));
  return static_cast<std::int64_t>(d);
}

template <> bool Value::as<bool>() const {
  if (const auto* b = std::get_if<bool>(&v_)) return *b;
  return as<std::complex<double>>() != std::complex<double>(0, 0);
}

std::string Value::to_string() const {
  if (is_none()) return "None";
  if (const auto* a = std::get_if<Array>(&v_)) return format_array(*a);
  return format_scalar(array());
}

}  // namespace jitexpr

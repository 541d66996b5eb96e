// numpy-like formatting (first version: being completed to match numpy's repr exactly).
#include "runtime/Format.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace jitexpr {

namespace {
std::string py_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".ein") == std::string::npos) s += ".0";
  return s;
}
}  // namespace

std::string format_scalar(const Array& a) {
  DType t = a.dtype();
  if (t == DType::Bool) return a.flat_as_int(0) ? "True" : "False";
  if (is_integer(t)) {
    if (t == DType::UInt64) return fmt::format("{}", static_cast<std::uint64_t>(a.flat_as_int(0)));
    return fmt::format("{}", a.flat_as_int(0));
  }
  if (is_float(t)) return py_float(a.flat_as_double(0));
  if (is_complex(t)) {
    std::complex<double> c = a.at_as_complex(std::vector<std::int64_t>(static_cast<std::size_t>(a.ndim()), 0));
    return fmt::format("({}{}{}j)", py_float(c.real()), c.imag() < 0 ? "" : "+", py_float(c.imag()));
  }
  return "b'...'";
}

std::string format_array(const Array& a) {
  if (a.ndim() == 0) return format_scalar(a);
  std::vector<std::string> items;
  for (std::int64_t i = 0; i < a.size(); ++i) {
    Array one = Array::empty(a.dtype(), {}, a.itemsize());
    std::memcpy(one.raw_data(), a.flat_pointer(i), a.itemsize());
    items.push_back(format_scalar(one));
  }
  return fmt::format("array([{}])", fmt::join(items, ", "));
}

}  // namespace jitexpr

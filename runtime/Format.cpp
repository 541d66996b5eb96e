// numpy 1.24's repr of arrays and Python's repr of scalars, character for character.
//
// Floats go through our own Dragon4 (exact big-integer digit generation, Steele & White / Burger &
// Dybvig) because numpy's layout depends on more than the shortest digits: 'maxprec' caps them at 8
// fractional digits with correct rounding, and scientific columns pad every value to the widest one
// with real digits of the exact binary value (float32 0.1 becomes 1.0000000e-01), which a
// shortest-digits library cannot produce.
#include "runtime/Format.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace jitexpr {

namespace {

// ---------------------------------------------------------------------------------------------
// Exact decimal digits of a binary float.

// An unsigned integer of any size with just the arithmetic digit generation needs. Limbs are
// little-endian and the most significant limb is never zero (zero has no limbs).
class BigUint {
 public:
  explicit BigUint(std::uint64_t v = 0) {
    while (v != 0) {
      limbs_.push_back(static_cast<std::uint32_t>(v));
      v >>= 32;
    }
  }

  static BigUint pow2(int n) {
    BigUint r(1);
    r.shift_left(n);
    return r;
  }

  bool is_zero() const { return limbs_.empty(); }
  bool is_even() const { return limbs_.empty() || (limbs_[0] & 1) == 0; }

  void shift_left(int bits) {
    if (limbs_.empty() || bits == 0) return;
    int whole = bits / 32, part = bits % 32;
    if (part != 0) {
      std::uint32_t carry = 0;
      for (std::uint32_t& l : limbs_) {
        std::uint32_t next = l >> (32 - part);
        l = (l << part) | carry;
        carry = next;
      }
      if (carry != 0) limbs_.push_back(carry);
    }
    limbs_.insert(limbs_.begin(), static_cast<std::size_t>(whole), 0u);
  }

  void mul_small(std::uint32_t m) {
    std::uint64_t carry = 0;
    for (std::uint32_t& l : limbs_) {
      std::uint64_t p = static_cast<std::uint64_t>(l) * m + carry;
      l = static_cast<std::uint32_t>(p);
      carry = p >> 32;
    }
    if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
    if (m == 0) limbs_.clear();
  }

  void mul_pow10(int n) {
    for (; n >= 9; n -= 9) mul_small(1000000000u);
    static constexpr std::uint32_t kSmall[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    if (n > 0) mul_small(kSmall[n]);
  }

  void add(const BigUint& b) {
    if (limbs_.size() < b.limbs_.size()) limbs_.resize(b.limbs_.size(), 0);
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < limbs_.size(); ++i) {
      std::uint64_t s = static_cast<std::uint64_t>(limbs_[i]) + (i < b.limbs_.size() ? b.limbs_[i] : 0) + carry;
      limbs_[i] = static_cast<std::uint32_t>(s);
      carry = s >> 32;
      if (carry == 0 && i >= b.limbs_.size()) break;
    }
    if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
  }

  // *this -= b, where b <= *this.
  void sub(const BigUint& b) {
    assert(compare(*this, b) >= 0 && "BigUint::sub would go negative");
    std::int64_t borrow = 0;
    for (std::size_t i = 0; i < limbs_.size(); ++i) {
      std::int64_t d = static_cast<std::int64_t>(limbs_[i]) - (i < b.limbs_.size() ? b.limbs_[i] : 0) - borrow;
      borrow = d < 0 ? 1 : 0;
      limbs_[i] = static_cast<std::uint32_t>(d + (borrow << 32));
    }
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  }

  friend int compare(const BigUint& a, const BigUint& b) {
    if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
    for (std::size_t i = a.limbs_.size(); i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
    }
    return 0;
  }

 private:
  std::vector<std::uint32_t> limbs_;
};

// A finite binary float taken apart as mantissa * 2^exponent, as Dragon4 wants it.
struct FloatParts {
  bool negative = false;
  std::uint64_t mantissa = 0;
  int exponent = 0;
  int mantissa_bit = 0;            // index of the highest set bit of the mantissa
  bool unequal_margins = false;    // a power of two: the gap below is half the gap above
};

template <typename F> FloatParts decompose(F x) {
  using Bits = std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>;
  constexpr int kFractionBits = std::numeric_limits<F>::digits - 1;  // 23 or 52
  constexpr int kBias = std::numeric_limits<F>::max_exponent - 1;    // 127 or 1023
  Bits bits;
  std::memcpy(&bits, &x, sizeof bits);
  FloatParts p;
  p.negative = (bits >> (sizeof(F) * 8 - 1)) != 0;
  std::uint64_t fraction = bits & ((Bits{1} << kFractionBits) - 1);
  int biased = static_cast<int>((bits >> kFractionBits) & ((Bits{1} << (sizeof(F) * 8 - 1 - kFractionBits)) - 1));
  if (biased != 0) {
    p.mantissa = (std::uint64_t{1} << kFractionBits) | fraction;
    p.exponent = biased - kBias - kFractionBits;
    p.mantissa_bit = kFractionBits;
    p.unequal_margins = biased != 1 && fraction == 0;
  } else {
    p.mantissa = fraction;
    p.exponent = 1 - kBias - kFractionBits;
    p.mantissa_bit = fraction == 0 ? 0 : static_cast<int>(std::bit_width(fraction)) - 1;
    p.unequal_margins = false;
  }
  return p;
}

// How a digit limit counts: digits after the decimal point, or significant digits.
enum class Cutoff { Fraction, Total };

struct Digits {
  std::string digits;  // "1234"; "0" for zero
  int exponent = 0;    // the power of ten of the first digit
};

// The shortest digits that read back as the same float (IEEE round-half-even), but stopping at
// `max_digits` and going on to at least `min_digits` (-1: no limit), rounding the last digit to
// nearest with ties to even. This is numpy's Dragon4 in its "unique" digit mode, whose exact
// stopping and rounding rules the array layout depends on.
Digits dragon4(const FloatParts& f, Cutoff cutoff, int max_digits, int min_digits) {
  Digits out;
  if (f.mantissa == 0) {
    out.digits = "0";
    return out;
  }
  BigUint mantissa(f.mantissa);
  bool is_even = mantissa.is_even();
  // value = scaled_value / scale, and the margins are half the distance to the neighbouring floats,
  // all kept as integers (scaled by 2 or 4 so the halves are whole).
  BigUint scale, value = mantissa, margin_low;
  int shift = f.unequal_margins ? 2 : 1;
  if (f.exponent > 0) {
    value.shift_left(f.exponent + shift);
    scale = BigUint(f.unequal_margins ? 4 : 2);
    margin_low = BigUint::pow2(f.exponent);
  } else {
    value.shift_left(shift);
    scale = BigUint::pow2(-f.exponent + shift);
    margin_low = BigUint(1);
  }
  auto margin_high = [&] {
    BigUint h = margin_low;
    if (f.unequal_margins) h.shift_left(1);
    return h;
  };

  // Estimate floor(log10(value)) + 1; it is exact or one too small, fixed up below.
  int digit_exp = static_cast<int>(std::ceil(static_cast<double>(f.mantissa_bit + f.exponent) * 0.30102999566398119521 - 0.69));
  // A value below the last fractional digit starts at that digit, so that it rounds there.
  if (max_digits >= 0 && cutoff == Cutoff::Fraction && digit_exp <= -max_digits) digit_exp = -max_digits + 1;
  if (digit_exp > 0) {
    scale.mul_pow10(digit_exp);
  } else if (digit_exp < 0) {
    value.mul_pow10(-digit_exp);
    margin_low.mul_pow10(-digit_exp);
  }
  if (compare(value, scale) >= 0) {
    ++digit_exp;
  } else {
    value.mul_small(10);
    margin_low.mul_small(10);
  }

  int max_exp = INT_MIN;  // the exponent of the last digit allowed
  if (max_digits >= 0) max_exp = cutoff == Cutoff::Total ? digit_exp - max_digits : -max_digits;
  int min_exp = digit_exp;  // digits are generated at least down to this exponent
  if (min_digits >= 0) min_exp = std::min(min_exp, cutoff == Cutoff::Total ? digit_exp - min_digits : -min_digits);
  out.exponent = digit_exp - 1;

  bool low = false, high = false;
  int digit = 0;
  for (;;) {
    --digit_exp;
    digit = 0;
    while (compare(value, scale) >= 0) {
      value.sub(scale);
      ++digit;
    }
    assert(digit <= 9 && "dragon4 produced a digit above 9");
    BigUint value_high = value;
    value_high.add(margin_high());
    int c_low = compare(value, margin_low), c_high = compare(value_high, scale);
    low = is_even ? c_low <= 0 : c_low < 0;
    high = is_even ? c_high >= 0 : c_high > 0;
    if (((low || high) && digit_exp <= min_exp) || digit_exp == max_exp) break;
    out.digits += static_cast<char>('0' + digit);
    value.mul_small(10);
    margin_low.mul_small(10);
  }

  bool round_down = low;
  if (low == high) {  // both directions are allowed (or neither): round to nearest, ties to even
    value.shift_left(1);
    int c = compare(value, scale);
    round_down = c < 0 || (c == 0 && digit % 2 == 0);
  }
  if (round_down) {
    out.digits += static_cast<char>('0' + digit);
  } else if (digit < 9) {
    out.digits += static_cast<char>('0' + digit + 1);
  } else {
    while (!out.digits.empty() && out.digits.back() == '9') out.digits.pop_back();
    if (out.digits.empty()) {
      out.digits = "1";
      ++out.exponent;
    } else {
      ++out.digits.back();
    }
  }
  return out;
}

// What happens to trailing zeros (numpy's trim modes 'k', '.', '0', '-').
enum class Trim {
  Keep,          // "1.500", "1."
  Zeros,         // "1.5", "1."
  LeaveOneZero,  // "1.5", "1.0"
  DotAndZeros,   // "1.5", "1"
};

struct FloatStyle {
  int precision = -1;   // most digits (after the point, or after the first digit in scientific)
  int min_digits = -1;  // fewest such digits
  Trim trim = Trim::Keep;
  bool plus = false;    // "+" before positive values
  int pad_left = -1;    // characters before the point (sign included), padded with spaces
  int pad_right = -1;   // characters after the point, padded with spaces
  int exp_digits = -1;  // fewest exponent digits (-1: 2)
};

// Drops trailing zeros of the fraction as `trim` asks; `frac` counts the digits after the point.
void trim_fraction(std::string& s, int& frac, Trim trim) {
  if (trim == Trim::Keep || frac == 0) return;
  while (s.back() == '0') {
    s.pop_back();
    --frac;
  }
  if (s.back() == '.') {
    if (trim == Trim::LeaveOneZero) {
      s += '0';
      ++frac;
    } else if (trim == Trim::DotAndZeros) {
      s.pop_back();
    }
  }
}

// After the digits of a number with `frac` fractional digits: the point for an integral value
// (unless trim '-'), a lone zero for trim '0', zeros up to min_digits for trim 'k'. Returns the
// new count of fractional digits.
int pad_fraction(std::string& s, int frac, const FloatStyle& st) {
  if (st.trim != Trim::DotAndZeros && frac == 0) s += '.';
  int wanted = std::max(st.min_digits, 0);
  if (st.trim == Trim::LeaveOneZero && frac == 0) {
    s += '0';
    ++frac;
  } else if (st.trim == Trim::Keep && wanted > frac) {
    s.append(static_cast<std::size_t>(wanted - frac), '0');
    frac = wanted;
  }
  return frac;
}

std::string positional(const FloatParts& f, const FloatStyle& st) {
  std::string s;
  bool has_sign = f.negative || st.plus;
  if (has_sign) s += f.negative ? '-' : '+';
  Digits d = dragon4(f, Cutoff::Fraction, st.precision, st.min_digits);
  int n = static_cast<int>(d.digits.size());
  int whole = 0, frac = 0;
  if (d.exponent >= 0) {
    whole = d.exponent + 1;
    if (n <= whole) {
      s += d.digits;
      s.append(static_cast<std::size_t>(whole - n), '0');
    } else {
      s.append(d.digits, 0, static_cast<std::size_t>(whole));
      s += '.';
      s.append(d.digits, static_cast<std::size_t>(whole));
      frac = n - whole;
    }
  } else {
    whole = 1;
    s += "0.";
    s.append(static_cast<std::size_t>(-(d.exponent + 1)), '0');
    s += d.digits;
    frac = -(d.exponent + 1) + n;
  }
  frac = pad_fraction(s, frac, st);
  trim_fraction(s, frac, st.trim);
  if (st.pad_right >= frac) {
    if (st.trim == Trim::DotAndZeros && frac == 0) s += ' ';
    s.append(static_cast<std::size_t>(st.pad_right - frac), ' ');
  }
  int left = whole + (has_sign ? 1 : 0);
  if (st.pad_left > left) s.insert(0, static_cast<std::size_t>(st.pad_left - left), ' ');
  return s;
}

std::string scientific(const FloatParts& f, const FloatStyle& st) {
  std::string s;
  bool has_sign = f.negative || st.plus;
  int left = 1 + (has_sign ? 1 : 0);
  if (st.pad_left > left) s.append(static_cast<std::size_t>(st.pad_left - left), ' ');
  if (has_sign) s += f.negative ? '-' : '+';
  Digits d = dragon4(f, Cutoff::Total, st.precision < 0 ? -1 : st.precision + 1,
                     st.min_digits < 0 ? -1 : st.min_digits + 1);
  s += d.digits[0];
  int frac = static_cast<int>(d.digits.size()) - 1;
  if (frac > 0) {
    s += '.';
    s.append(d.digits, 1);
  }
  frac = pad_fraction(s, frac, st);
  // numpy keeps a bare "." here even for trim '-'; it cannot arise in unique mode anyway.
  if (st.trim != Trim::Keep && frac > 0) {
    while (s.back() == '0') s.pop_back();
    if (st.trim == Trim::LeaveOneZero && s.back() == '.') s += '0';
  }
  int e = d.exponent;
  s += e < 0 ? "e-" : "e+";
  std::string exp_text = std::to_string(e < 0 ? -e : e);
  std::size_t width = static_cast<std::size_t>(st.exp_digits < 0 ? 2 : std::min(st.exp_digits, 5));
  if (exp_text.size() < width) s.append(width - exp_text.size(), '0');
  return s + exp_text;
}

// ---------------------------------------------------------------------------------------------
// Scalars as Python prints them.

// Python's repr of a float (and numpy's of a float32): positional from 1e-4 up to 1e16, with at
// least one fractional digit; scientific outside, without a bare point.
template <typename F> std::string repr_float(F x, bool in_complex, bool plus = false) {
  if (std::isnan(x)) return plus ? "+nan" : "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : (plus ? "+inf" : "inf");
  FloatStyle st;
  st.plus = plus;
  double a = std::fabs(static_cast<double>(x));  // numpy compares float32 in double precision
  if (a == 0 || (a >= 1e-4 && a < 1e16)) {
    st.trim = in_complex ? Trim::DotAndZeros : Trim::LeaveOneZero;
    return positional(decompose(x), st);
  }
  st.trim = Trim::DotAndZeros;
  return scientific(decompose(x), st);
}

// Python's repr of a complex: "2j" when the real part is +0, else "(1+2j)", "(nan+nanj)".
template <typename F> std::string repr_complex(std::complex<F> z) {
  if (z.real() == 0 && !std::signbit(z.real())) return repr_float(z.imag(), true) + "j";
  return "(" + repr_float(z.real(), true) + repr_float(z.imag(), true, true) + "j)";
}

// Python's repr of bytes: single quotes unless only a single quote occurs, \xhh for the rest.
std::string repr_bytes(const char* p, std::size_t itemsize) {
  std::size_t n = itemsize;
  while (n > 0 && p[n - 1] == '\0') --n;  // numpy's 'S' scalars drop trailing NULs
  bool has_single = std::memchr(p, '\'', n) != nullptr, has_double = std::memchr(p, '"', n) != nullptr;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string s = "b";
  s += quote;
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      s += '\\';
      s += static_cast<char>(c);
    } else if (c == '\t') {
      s += "\\t";
    } else if (c == '\n') {
      s += "\\n";
    } else if (c == '\r') {
      s += "\\r";
    } else if (c < 0x20 || c >= 0x7f) {
      s += fmt::format("\\x{:02x}", c);
    } else {
      s += static_cast<char>(c);
    }
  }
  s += quote;
  return s;
}

template <typename T> T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::string repr_element(DType t, const char* p, std::size_t itemsize) {
  switch (t) {
    case DType::Bool: return load<bool>(p) ? "True" : "False";
    case DType::Int8: return std::to_string(load<std::int8_t>(p));
    case DType::Int16: return std::to_string(load<std::int16_t>(p));
    case DType::Int32: return std::to_string(load<std::int32_t>(p));
    case DType::Int64: return std::to_string(load<std::int64_t>(p));
    case DType::UInt8: return std::to_string(load<std::uint8_t>(p));
    case DType::UInt16: return std::to_string(load<std::uint16_t>(p));
    case DType::UInt32: return std::to_string(load<std::uint32_t>(p));
    case DType::UInt64: return std::to_string(load<std::uint64_t>(p));
    case DType::Float32: return repr_float(load<float>(p), false);
    case DType::Float64: return repr_float(load<double>(p), false);
    case DType::Complex64: return repr_complex(load<std::complex<float>>(p));
    case DType::Complex128: return repr_complex(load<std::complex<double>>(p));
    case DType::Bytes: return repr_bytes(p, itemsize);
  }
  assert(false && "repr_element: unknown dtype");
  return {};
}

// ---------------------------------------------------------------------------------------------
// Array elements as numpy lays them out: one formatter per array, fitted to all shown values.

// numpy's FloatingFormat for floatmode 'maxprec', precision 8: positional unless the magnitudes
// call for scientific notation, every value padded to the widest integer and fraction parts.
template <typename F> class FloatColumn {
 public:
  FloatColumn(const std::vector<F>& values, bool plus) : plus_(plus) {
    std::vector<F> finite;
    for (F v : values) {
      if (std::isfinite(v)) finite.push_back(v);
    }
    F max_abs = 0, min_abs = std::numeric_limits<F>::infinity();
    bool any_nonzero = false;
    for (F v : finite) {
      if (v == 0) continue;
      any_nonzero = true;
      max_abs = std::max(max_abs, std::fabs(v));
      min_abs = std::min(min_abs, std::fabs(v));
    }
    if (any_nonzero) {
      // The bounds compare in double, but the ratio is a division in the element type (float32
      // rounds, and may overflow to inf).
      F ratio = max_abs / min_abs;
      exp_format_ = static_cast<double>(max_abs) >= 1e8 || static_cast<double>(min_abs) < 0.0001 ||
                    static_cast<double>(ratio) > 1000.0;
    }

    style_.plus = plus;
    style_.trim = Trim::Zeros;
    if (finite.empty()) {
      style_.pad_left = style_.pad_right = 0;
    } else if (exp_format_) {
      // First pass: the shortest digits (at most 8 after the point) fix the column's precision.
      FloatStyle probe;
      probe.precision = 8;
      probe.trim = Trim::Zeros;
      probe.plus = plus;
      int int_width = 0, frac_width = 0, exp_width = 0;
      for (F v : finite) {
        std::string s = scientific(decompose(v), probe);
        std::size_t e = s.find('e'), dot = s.find('.');
        int_width = std::max(int_width, static_cast<int>(dot));
        frac_width = std::max(frac_width, static_cast<int>(e - dot - 1));
        exp_width = std::max(exp_width, static_cast<int>(s.size() - e - 2));  // digits after "e+"
      }
      style_.precision = style_.min_digits = frac_width;
      style_.trim = Trim::Keep;
      style_.pad_left = int_width;
      style_.exp_digits = exp_width;
      style_.pad_right = exp_width + 2 + frac_width;
    } else {
      FloatStyle probe;
      probe.precision = 8;
      probe.trim = Trim::Zeros;
      probe.plus = plus;
      int int_width = 0, frac_width = 0;
      for (F v : finite) {
        std::string s = positional(decompose(v), probe);
        std::size_t dot = s.find('.');
        int_width = std::max(int_width, static_cast<int>(dot));
        frac_width = std::max(frac_width, static_cast<int>(s.size() - dot - 1));
      }
      style_.precision = 8;
      style_.min_digits = 0;
      style_.pad_left = int_width;
      style_.pad_right = frac_width;
    }
    // Room for "nan", "inf" and "-inf" (a column with a "+" sign always reserves one for inf).
    if (finite.size() != values.size()) {
      bool neg_inf = plus;
      for (F v : values) neg_inf = neg_inf || (std::isinf(v) && v < 0);
      int offset = style_.pad_right + 1;
      style_.pad_left = std::max({style_.pad_left, 3 - offset, 3 + (neg_inf ? 1 : 0) - offset});
    }
  }

  std::string operator()(F v) const {
    if (!std::isfinite(v)) {
      std::string s = std::isnan(v) ? (plus_ ? "+nan" : "nan") : (v < 0 ? "-inf" : (plus_ ? "+inf" : "inf"));
      int width = style_.pad_left + style_.pad_right + 1;
      if (width > static_cast<int>(s.size())) s.insert(0, static_cast<std::size_t>(width) - s.size(), ' ');
      return s;
    }
    return exp_format_ ? scientific(decompose(v), style_) : positional(decompose(v), style_);
  }

 private:
  bool plus_;
  bool exp_format_ = false;
  FloatStyle style_;
};

// Formats the shown elements of an array, in C order.
template <typename T> std::vector<std::string> format_column(const std::vector<const char*>& ptrs) {
  std::vector<T> values;
  values.reserve(ptrs.size());
  for (const char* p : ptrs) values.push_back(load<T>(p));
  std::vector<std::string> words;
  words.reserve(values.size());
  if constexpr (std::is_same_v<T, bool>) {
    for (bool v : values) words.push_back(v ? " True" : "False");
  } else if constexpr (std::is_integral_v<T>) {
    std::size_t width = 0;
    for (T v : values) {
      words.push_back(std::to_string(v));
      width = std::max(width, words.back().size());
    }
    for (std::string& w : words) w.insert(0, width - w.size(), ' ');
  } else if constexpr (std::is_floating_point_v<T>) {
    FloatColumn<T> column(values, false);
    for (T v : values) words.push_back(column(v));
  } else {
    using F = typename T::value_type;
    std::vector<F> re, im;
    for (const T& v : values) {
      re.push_back(v.real());
      im.push_back(v.imag());
    }
    FloatColumn<F> real_column(re, false), imag_column(im, true);
    for (std::size_t i = 0; i < values.size(); ++i) {
      std::string r = real_column(re[i]), j = imag_column(im[i]);
      // The "j" goes before the imaginary part's right padding.
      std::size_t end = j.find_last_not_of(' ') + 1;
      j.insert(end, "j");
      words.push_back(r + j);
    }
  }
  return words;
}

std::vector<std::string> format_elements(DType t, const std::vector<const char*>& ptrs, std::size_t itemsize) {
  switch (t) {
    case DType::Bool: return format_column<bool>(ptrs);
    case DType::Int8: return format_column<std::int8_t>(ptrs);
    case DType::Int16: return format_column<std::int16_t>(ptrs);
    case DType::Int32: return format_column<std::int32_t>(ptrs);
    case DType::Int64: return format_column<std::int64_t>(ptrs);
    case DType::UInt8: return format_column<std::uint8_t>(ptrs);
    case DType::UInt16: return format_column<std::uint16_t>(ptrs);
    case DType::UInt32: return format_column<std::uint32_t>(ptrs);
    case DType::UInt64: return format_column<std::uint64_t>(ptrs);
    case DType::Float32: return format_column<float>(ptrs);
    case DType::Float64: return format_column<double>(ptrs);
    case DType::Complex64: return format_column<std::complex<float>>(ptrs);
    case DType::Complex128: return format_column<std::complex<double>>(ptrs);
    case DType::Bytes: {
      // Strings are not padded to a common width.
      std::vector<std::string> words;
      for (const char* p : ptrs) words.push_back(repr_bytes(p, itemsize));
      return words;
    }
  }
  assert(false && "format_elements: unknown dtype");
  return {};
}

// numpy's print options, fixed at their defaults.
constexpr std::int64_t kSummaryThreshold = 1000;  // more elements than this are summarized
constexpr std::int64_t kEdgeItems = 3;            // items kept at each end of a summarized axis
constexpr std::size_t kLineWidth = 75;

// The nested-bracket text of an array whose shown elements are already formatted; mirrors
// numpy's _formatArray. `shown[d]` counts the indices shown along axis d and `summarized[d]`
// whether "..." stands between its leading and trailing edge items.
class Layout {
 public:
  Layout(const std::vector<std::string>& words, const std::vector<std::int64_t>& shown,
         const std::vector<bool>& summarized)
      : words_(words), shown_(shown), summarized_(summarized) {}

  std::string render(std::size_t axis, std::int64_t offset, const std::string& indent, std::size_t width) const {
    std::size_t ndim = shown_.size();
    if (axis == ndim) return words_[static_cast<std::size_t>(offset)];
    std::string next_indent = indent + ' ';
    std::size_t next_width = width - 1;  // room for the closing "]"
    std::int64_t n = shown_[axis];
    std::int64_t block = 1;  // shown elements per index along this axis
    for (std::size_t d = axis + 1; d < ndim; ++d) block *= shown_[d];
    auto child = [&](std::int64_t i) { return render(axis + 1, offset + i * block, next_indent, next_width); };

    std::string s;
    if (axis + 1 == ndim) {
      // The last axis: elements wrap to a new line when they would pass the width, less the
      // room for the "," or "]" after them.
      std::size_t elem_width = width - 1;
      std::string line = indent;
      for (std::int64_t i = 0; i + 1 < n; ++i) {
        extend_line(s, line, child(i), elem_width, indent);
        line += ", ";
        if (summarized_[axis] && i + 1 == kEdgeItems) {
          extend_line(s, line, "...", elem_width, indent);
          line += ", ";
        }
      }
      extend_line(s, line, child(n - 1), elem_width, indent);
      s += line;
    } else {
      // Other axes: one sub-array per row, with a blank line per extra dimension between them.
      std::string separator = "," + std::string(ndim - axis - 1, '\n');
      for (std::int64_t i = 0; i + 1 < n; ++i) {
        s += indent + child(i) + separator;
        if (summarized_[axis] && i + 1 == kEdgeItems) s += indent + "..." + separator;
      }
      s += indent + child(n - 1);
    }
    return "[" + s.substr(indent.size()) + "]";
  }

 private:
  static void extend_line(std::string& s, std::string& line, const std::string& word, std::size_t width,
                          const std::string& indent) {
    // Wrapping a line that holds nothing but the indent would not help.
    if (line.size() + word.size() > width && line.size() > indent.size()) {
      std::size_t end = line.find_last_not_of(' ');
      s.append(line, 0, end == std::string::npos ? 0 : end + 1);
      s += '\n';
      line = indent;
    }
    line += word;
  }

  const std::vector<std::string>& words_;
  const std::vector<std::int64_t>& shown_;
  const std::vector<bool>& summarized_;
};

// numpy leaves out the dtype when the values alone imply it.
bool dtype_is_implied(DType t) {
  switch (t) {
    case DType::Bool:
    case DType::Int64:
    case DType::Float64:
    case DType::Complex128: return true;
    case DType::Int8:
    case DType::Int16:
    case DType::Int32:
    case DType::UInt8:
    case DType::UInt16:
    case DType::UInt32:
    case DType::UInt64:
    case DType::Float32:
    case DType::Complex64:
    case DType::Bytes: return false;
  }
  return false;
}

std::string dtype_repr(const Array& a) {
  if (a.dtype() == DType::Bytes) return fmt::format("'|S{}'", a.itemsize());
  return std::string(dtype_name(a.dtype()));
}

}  // namespace

std::string format_scalar(const Array& a) {
  return repr_element(a.dtype(), static_cast<const char*>(a.raw_data()), a.itemsize());
}

std::string format_array(const Array& a) {
  if (a.ndim() == 0) return format_scalar(a);
  std::int64_t size = a.size();
  bool skip_dtype = dtype_is_implied(a.dtype()) && size > 0;
  const std::string prefix = "array(";
  std::string text = prefix;
  if (size == 0) {
    text += "[]";
    if (a.ndim() != 1) text += ", shape=" + shape_string(a.shape());
  } else {
    // The indices shown along each axis: all of them, or the edge items of a summarized array.
    bool summarize = size > kSummaryThreshold;
    std::size_t ndim = static_cast<std::size_t>(a.ndim());
    std::vector<std::vector<std::int64_t>> indices(ndim);
    std::vector<std::int64_t> shown(ndim);
    std::vector<bool> summarized(ndim);
    for (std::size_t d = 0; d < ndim; ++d) {
      std::int64_t n = a.shape()[d];
      summarized[d] = summarize && n > 2 * kEdgeItems;
      for (std::int64_t i = 0; i < n; ++i) {
        if (!summarized[d] || i < kEdgeItems || i >= n - kEdgeItems) indices[d].push_back(i);
      }
      shown[d] = static_cast<std::int64_t>(indices[d].size());
    }
    // Pointers to the shown elements in C order; the formatter is fitted to these alone.
    std::vector<const char*> ptrs;
    std::vector<std::size_t> pos(ndim, 0);
    for (;;) {
      const char* p = static_cast<const char*>(a.raw_data());
      for (std::size_t d = 0; d < ndim; ++d) p += indices[d][pos[d]] * a.strides()[d];
      ptrs.push_back(p);
      std::size_t d = ndim;
      while (d > 0 && ++pos[d - 1] == indices[d - 1].size()) pos[--d] = 0;
      if (d == 0) break;
    }
    std::vector<std::string> words = format_elements(a.dtype(), ptrs, a.itemsize());
    // Lines end one column early to leave room for the ")" or "," that follows the brackets.
    std::string indent(prefix.size() + 1, ' ');
    text += Layout(words, shown, summarized).render(0, 0, indent, kLineWidth - 1);
  }
  if (skip_dtype) return text + ")";
  text += ",";
  std::string dtype_text = "dtype=" + dtype_repr(a) + ")";
  std::size_t line_start = text.rfind('\n');
  std::size_t last_line = line_start == std::string::npos ? text.size() : text.size() - line_start - 1;
  if (last_line + dtype_text.size() + 1 > kLineWidth) return text + "\n" + std::string(prefix.size(), ' ') + dtype_text;
  return text + " " + dtype_text;
}

}  // namespace jitexpr

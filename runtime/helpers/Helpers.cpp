// Runtime helpers that are easier to write in C++ than in IR: complex functions, numpy's floor
// division and modulo, integer powers, byte-string comparison. clang compiles this file to
// bitcode at build time; codegen links it into every JIT module, so LLVM inlines what it calls.
// Complex values pass as two doubles and return as struct {double, double}, which is the x86-64
// C ABI's { double, double } in IR. complex64 functions compute in double and round after.
#include "base/KernelAbi.h"

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>

namespace {
using cd = std::complex<double>;
}

extern "C" {

struct jx_c128 {
  double re, im;
};

static inline jx_c128 pack(cd z) { return {z.real(), z.imag()}; }

// Smith's algorithm, as numpy uses, so large and small divisors do not overflow.
jx_c128 jx_cdiv(double a, double b, double c, double d) {
  double abs_c = std::fabs(c), abs_d = std::fabs(d);
  if (abs_c >= abs_d) {
    if (abs_c == 0 && abs_d == 0) return {a / abs_c, b / abs_d};  // inf/nan as numpy
    double rat = d / c, scl = 1.0 / (c + d * rat);
    return {(a + b * rat) * scl, (b - a * rat) * scl};
  }
  double rat = c / d, scl = 1.0 / (d + c * rat);
  return {(a * rat + b) * scl, (b * rat - a) * scl};
}

jx_c128 jx_cpow(double a, double b, double c, double d) {
  if (c == 0 && d == 0) return {1.0, 0.0};
  if (a == 0 && b == 0) {
    if (c > 0 && d == 0) return {0.0, 0.0};
    return {NAN, NAN};
  }
  // Small integer exponents by repeated multiplication, as numpy does, for exact results.
  if (d == 0 && c == std::floor(c) && std::fabs(c) <= 100) {
    int n = static_cast<int>(c);
    cd base(a, b), r(1.0, 0.0);
    int m = n < 0 ? -n : n;
    while (m) {
      if (m & 1) r *= base;
      base *= base;
      m >>= 1;
    }
    if (n < 0) {
      jx_c128 q = jx_cdiv(1.0, 0.0, r.real(), r.imag());
      return q;
    }
    return pack(r);
  }
  return pack(std::pow(cd(a, b), cd(c, d)));
}

#define JX_CFUN(name, expr) \
  jx_c128 jx_c##name(double re, double im) { cd z(re, im); return pack(expr); }
JX_CFUN(sqrt, std::sqrt(z))
JX_CFUN(exp, std::exp(z))
JX_CFUN(log, std::log(z))
JX_CFUN(log10, std::log10(z))
JX_CFUN(log2, std::log(z) / std::log(2.0))
JX_CFUN(log1p, std::log(cd(1.0, 0.0) + z))
JX_CFUN(expm1, std::exp(z) - cd(1.0, 0.0))
JX_CFUN(sin, std::sin(z))
JX_CFUN(cos, std::cos(z))
JX_CFUN(tan, std::tan(z))
JX_CFUN(arcsin, std::asin(z))
JX_CFUN(arccos, std::acos(z))
JX_CFUN(arctan, std::atan(z))
JX_CFUN(sinh, std::sinh(z))
JX_CFUN(cosh, std::cosh(z))
JX_CFUN(tanh, std::tanh(z))
JX_CFUN(arcsinh, std::asinh(z))
JX_CFUN(arccosh, std::acosh(z))
JX_CFUN(arctanh, std::atanh(z))
#undef JX_CFUN

// numpy's npy_divmod: Python's floor division and modulo for floating point.
static inline void divmod(double a, double b, double* div_out, double* mod_out) {
  double mod = std::fmod(a, b);
  if (b == 0) {
    *div_out = a / b;
    *mod_out = mod;
    return;
  }
  double div = (a - mod) / b;
  if (mod != 0) {
    if ((b < 0) != (mod < 0)) {
      mod += b;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, b);
  }
  double floordiv;
  if (div != 0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, a / b);
  }
  *div_out = floordiv;
  *mod_out = mod;
}

double jx_floordiv_f64(double a, double b) {
  double d, m;
  divmod(a, b, &d, &m);
  return d;
}
double jx_mod_f64(double a, double b) {
  double d, m;
  divmod(a, b, &d, &m);
  return m;
}
float jx_floordiv_f32(float a, float b) {
  float mod = std::fmod(a, b);
  if (b == 0) return a / b;
  float div = (a - mod) / b;
  if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1.0f;
  if (div == 0) return std::copysign(0.0f, a / b);
  float fl = std::floor(div);
  if (div - fl > 0.5f) fl += 1.0f;
  return fl;
}
float jx_mod_f32(float a, float b) {
  float mod = std::fmod(a, b);
  if (b == 0) return mod;
  if (mod != 0) {
    if ((b < 0) != (mod < 0)) mod += b;
  } else {
    mod = std::copysign(0.0f, b);
  }
  return mod;
}

// Integer powers by squaring, wrapping on overflow. A negative exponent is the caller's check.
std::int64_t jx_ipow_i64(std::int64_t base, std::int64_t exp) {
  std::uint64_t r = 1, b = static_cast<std::uint64_t>(base);
  std::uint64_t e = static_cast<std::uint64_t>(exp);
  if (exp < 0) return 0;
  while (e) {
    if (e & 1) r *= b;
    b *= b;
    e >>= 1;
  }
  return static_cast<std::int64_t>(r);
}
std::uint64_t jx_ipow_u64(std::uint64_t base, std::uint64_t exp) {
  std::uint64_t r = 1;
  while (exp) {
    if (exp & 1) r *= base;
    base *= base;
    exp >>= 1;
  }
  return r;
}

// Fixed-width byte strings compare as numpy's 'S' arrays: as if padded with NUL bytes.
std::int32_t jx_bytes_cmp(const unsigned char* a, std::int64_t na, const unsigned char* b, std::int64_t nb) {
  std::int64_t n = na > nb ? na : nb;
  for (std::int64_t i = 0; i < n; ++i) {
    unsigned ca = i < na ? a[i] : 0, cb = i < nb ? b[i] : 0;
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

// numexpr's contains(): is the needle (trailing NULs stripped) a substring of the haystack?
std::int32_t jx_bytes_contains(const unsigned char* hay, std::int64_t nh, const unsigned char* needle,
                               std::int64_t nn) {
  while (nh > 0 && hay[nh - 1] == 0) --nh;
  while (nn > 0 && needle[nn - 1] == 0) --nn;
  if (nn == 0) return 1;
  for (std::int64_t i = 0; i + nn <= nh; ++i) {
    if (std::memcmp(hay + i, needle, static_cast<std::size_t>(nn)) == 0) return 1;
  }
  return 0;
}

}  // extern "C"

// ---- kernels: errors, random numbers, host services (base/KernelAbi.h) ----

extern "C" {

// Records the first error of a call and returns 1, the kernel's failure status.
__attribute__((cold, noinline)) std::int32_t jx_raise(jx_context* ctx, std::int32_t code, std::uint32_t begin,
                                                       std::uint32_t end, std::int64_t a, std::int64_t b,
                                                       std::int64_t c) {
  if (ctx->error == JX_OK) {
    ctx->error = code;
    ctx->begin = begin;
    ctx->end = end;
    ctx->a = a;
    ctx->b = b;
    ctx->c = c;
  }
  return 1;
}

// 1 once the host's interrupt flag is set: a loop then fails with JX_INTERRUPTED.
std::int32_t jx_interrupted(jx_context* ctx) { return *ctx->interrupt != 0; }

// xoshiro256** (Blackman and Vigna), 53 random bits to a double in [0, 1).
double jx_random(jx_context* ctx) {
  std::uint64_t* s = ctx->rng;
  std::uint64_t x = s[1] * 5;
  std::uint64_t result = ((x << 7) | (x >> 57)) * 9;
  std::uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 45) | (s[3] >> 19);
  return static_cast<double>(result >> 11) * 0x1.0p-53;
}

void* jx_new_array(jx_context* ctx, std::int64_t rank, const std::int64_t* dims, std::int64_t dtype, std::int32_t zero,
                   std::uint32_t begin, std::uint32_t end) {
  return ctx->new_array(ctx, rank, dims, dtype, zero, begin, end);
}

std::int32_t jx_parallel_for(jx_context* ctx, jx_body_fn body, void* env, std::int64_t n, void* partials,
                             std::int64_t partial_bytes) {
  std::int64_t blocks = n <= 0 ? 0 : n < JX_PRANGE_BLOCKS ? n : JX_PRANGE_BLOCKS;
  return ctx->parallel_for(ctx, body, env, n, blocks, partials, partial_bytes);
}

}  // extern "C"

// The scalar reference evaluator of the end-to-end fuzz target: walks the tree of ReferenceExpr.h
// at one element. Integers wrap in their type's width; floats follow IEEE and glibc's libm, with
// the error bound described in ReferenceExpr.h.
#include "tests/fuzz/ReferenceExpr.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace jitexpr::fuzz {

namespace {

bool is_int(RType t) { return t == RType::Int32 || t == RType::Int64; }

// One unit in the last place of x (at least the smallest subnormal).
double ulp(double x) {
  if (!std::isfinite(x)) return 0;
  double a = std::fabs(x);
  return std::max(std::nextafter(a, std::numeric_limits<double>::infinity()) - a,
                  std::numeric_limits<double>::denorm_min());
}

std::int64_t wrap(std::int64_t v, RType t) {
  return t == RType::Int32 ? static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(v))) : v;
}
std::int64_t wrap_u(std::uint64_t v, RType t) { return wrap(static_cast<std::int64_t>(v), t); }

double as_float(const RValue& v, RType t) { return t == RType::Float64 ? v.f : static_cast<double>(v.i); }

RValue undefined() {
  RValue r;
  r.undefined = true;
  return r;
}

// A float result with bound `err`; a non-finite value derived from inexact inputs is undefined
// (an overflow threshold the bound cannot place).
RValue float_result(double f, double err) {
  RValue r;
  r.f = f;
  r.err = err;
  if (err > 0 && !std::isfinite(f)) r.undefined = true;
  if (std::isnan(err)) r.undefined = true;
  return r;
}

RValue int_result(std::int64_t i) {
  RValue r;
  r.i = i;
  return r;
}

// The bound of a result computed by one correctly rounded operation from inputs with bound
// `propagated`: zero when the inputs are exact (both sides compute the same bits).
double rounded(double propagated, double r) { return propagated > 0 ? propagated + ulp(r) : 0; }

std::int64_t floor_div(std::int64_t a, std::int64_t b, RType t) {
  if (b == 0) return 0;
  if (b == -1) return wrap_u(0 - static_cast<std::uint64_t>(a), t);
  std::int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  if (b == 0 || b == -1) return 0;
  std::int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

std::int64_t shift(bool left, std::int64_t a, std::int64_t count, RType t) {
  int bits = t == RType::Int32 ? 32 : 64;
  if (count < 0 || count >= bits) return left ? 0 : (a < 0 ? -1 : 0);
  if (left) return wrap_u(static_cast<std::uint64_t>(a) << count, t);
  return a >> count;
}

std::int64_t int_power(std::int64_t base, std::int64_t exponent, RType t) {
  std::uint64_t r = 1;
  for (std::int64_t k = 0; k < exponent; ++k) r *= static_cast<std::uint64_t>(base);
  return wrap_u(r, t);
}

RValue float_power(const RValue& x, double p) {
  if (p == 0) return float_result(1.0, 0);
  if (p == 1) return x;
  if (p == 0.5) {  // documented: x**0.5 is sqrt(x)
    if (x.err > 0 && x.f - x.err <= 0 && x.f + x.err >= 0) return undefined();
    double r = std::sqrt(x.f);
    return float_result(r, x.err > 0 ? std::sqrt(x.err) + ulp(r) : 0);
  }
  bool integral = p == std::floor(p);
  if (!integral && x.err > 0 && x.f - x.err <= 0 && x.f + x.err >= 0) return undefined();
  double r = std::pow(x.f, p);
  double a = std::fabs(x.f);
  // Repeated squaring rounds once per multiplication; pow is within a few ULP.
  double propagated = x.err > 0 ? (std::pow(a + x.err, p) - std::pow(a, p)) * 1.01 : 0;
  return float_result(r, propagated + 8 * ulp(r));
}

// maximum/minimum: numpy's (a >= b or isnan(a)) ? a : b, and its mirror.
RValue extremum(bool max, const RValue& x, const RValue& y) {
  bool take_x = std::isnan(x.f) || (max ? x.f >= y.f : x.f <= y.f);
  RValue r = take_x ? x : y;
  double e = std::max(x.err, y.err);
  if (e > 0 && std::fabs(x.f - y.f) <= x.err + y.err) e += std::fabs(x.f - y.f);
  return float_result(r.f, e > 0 ? e : 0);
}

RValue math_function(ROp op, const RValue& x) {
  double a = x.f, e = x.err;
  switch (op) {
    case ROp::Sqrt: return float_power(x, 0.5);
    case ROp::Exp: {
      double r = std::exp(a);
      return float_result(r, (e > 0 ? std::fabs(r) * std::expm1(e) * 1.01 : 0) + 8 * ulp(r));
    }
    case ROp::Log: {
      if (e > 0 && a - e <= 0) return undefined();
      double r = std::log(a);
      return float_result(r, (e > 0 ? std::log1p(e / (a - e)) * 1.01 : 0) + 8 * ulp(r));
    }
    case ROp::Sin: case ROp::Cos: {
      double r = op == ROp::Sin ? std::sin(a) : std::cos(a);
      // Huge arguments: libmvec and libm reduce them differently only in the last bits of the
      // result, but a bound relative to a tiny result would be too strict.
      double floor = std::fabs(a) > 1e6 ? 1e-15 : 0;
      return float_result(r, e + 8 * ulp(r) + floor);
    }
    default: return undefined();
  }
}

// A comparison whose operands' bounds overlap cannot be decided by the reference.
bool undecidable(const RValue& x, const RValue& y) {
  double e = x.err + y.err;
  return e > 0 && (std::isnan(x.f) || std::isnan(y.f) || std::fabs(x.f - y.f) <= e);
}

bool truth(const RValue& c, RType t, bool* known) {
  *known = true;
  if (t != RType::Float64) return c.i != 0;
  if (c.err > 0 && (std::isnan(c.f) || std::fabs(c.f) <= c.err)) *known = false;
  return c.f != 0;  // NaN is true
}

}  // namespace

RValue evaluate_reference(const RNode& n, const std::vector<RValue>& vars) {
  if (n.op == ROp::Var) return vars[static_cast<std::size_t>(n.var)];
  if (n.op == ROp::Lit) return n.literal;
  std::vector<RValue> v;
  for (const auto& a : n.args) {
    v.push_back(evaluate_reference(*a, vars));
    if (v.back().undefined) return undefined();
  }
  RType t = n.type;
  RType ta = n.args[0]->type;
  RType tb = n.args.size() > 1 ? n.args[1]->type : ta;
  // The operands' common type: what both are converted to before the operation.
  RType common = std::max(ta, tb);
  auto fx = [&] { return RValue{0, as_float(v[0], ta), v[0].err, false}; };
  auto fy = [&] { return RValue{0, as_float(v[1], tb), v[1].err, false}; };
  switch (n.op) {
    case ROp::Var: case ROp::Lit: break;
    case ROp::Add: case ROp::Sub: case ROp::Mul: {
      if (is_int(t)) {
        std::uint64_t a = static_cast<std::uint64_t>(v[0].i), b = static_cast<std::uint64_t>(v[1].i);
        return int_result(wrap_u(n.op == ROp::Add ? a + b : n.op == ROp::Sub ? a - b : a * b, t));
      }
      RValue x = fx(), y = fy();
      if (n.op == ROp::Mul) {
        double r = x.f * y.f;
        double p = x.err + y.err > 0 ? std::fabs(x.f) * y.err + std::fabs(y.f) * x.err + x.err * y.err : 0;
        return float_result(r, rounded(p, r));
      }
      double r = n.op == ROp::Add ? x.f + y.f : x.f - y.f;
      return float_result(r, rounded(x.err + y.err, r));
    }
    case ROp::Div: {
      RValue x = fx(), y = fy();
      double r = x.f / y.f;
      if (x.err + y.err == 0) return float_result(r, 0);
      if (std::fabs(y.f) <= y.err) return undefined();
      return float_result(r, (x.err + std::fabs(r) * y.err) / (std::fabs(y.f) - y.err) * 1.01 + ulp(r));
    }
    case ROp::FloorDiv: return int_result(floor_div(v[0].i, v[1].i, t));
    case ROp::Mod: return int_result(floor_mod(v[0].i, v[1].i));
    case ROp::Pow: {
      if (is_int(t)) return int_result(int_power(v[0].i, v[1].i, t));
      return float_power(fx(), as_float(v[1], tb));
    }
    case ROp::Lt: case ROp::Le: case ROp::Eq: case ROp::Ne: case ROp::Ge: case ROp::Gt: {
      bool r;
      if (common == RType::Float64) {
        RValue x = fx(), y = fy();
        if (undecidable(x, y)) return undefined();
        double a = x.f, b = y.f;
        r = n.op == ROp::Lt ? a < b : n.op == ROp::Le ? a <= b : n.op == ROp::Eq ? a == b
          : n.op == ROp::Ne ? a != b : n.op == ROp::Ge ? a >= b : a > b;
      } else {
        std::int64_t a = v[0].i, b = v[1].i;
        r = n.op == ROp::Lt ? a < b : n.op == ROp::Le ? a <= b : n.op == ROp::Eq ? a == b
          : n.op == ROp::Ne ? a != b : n.op == ROp::Ge ? a >= b : a > b;
      }
      return int_result(r);
    }
    case ROp::And: return int_result(v[0].i & v[1].i);
    case ROp::Or: return int_result(v[0].i | v[1].i);
    case ROp::Xor: return int_result(v[0].i ^ v[1].i);
    case ROp::Shl: case ROp::Shr: return int_result(shift(n.op == ROp::Shl, v[0].i, v[1].i, t));
    case ROp::Neg:
      if (is_int(t)) return int_result(wrap_u(0 - static_cast<std::uint64_t>(v[0].i), t));
      return float_result(-v[0].f, v[0].err);
    case ROp::Not: return int_result(t == RType::Bool ? !v[0].i : ~v[0].i);
    case ROp::Abs:
      if (is_int(t)) return int_result(v[0].i < 0 ? wrap_u(0 - static_cast<std::uint64_t>(v[0].i), t) : v[0].i);
      return float_result(std::fabs(v[0].f), v[0].err);
    case ROp::Where: {
      bool known;
      bool c = truth(v[0], ta, &known);
      if (!known) return undefined();
      RType tx = n.args[1]->type, ty = n.args[2]->type;
      const RValue& pick = c ? v[1] : v[2];
      RType tp = c ? tx : ty;
      if (is_int(t)) return int_result(wrap(pick.i, t));
      return float_result(as_float(pick, tp), pick.err);
    }
    case ROp::Sqrt: case ROp::Exp: case ROp::Log: case ROp::Sin: case ROp::Cos:
      return math_function(n.op, fx());
    case ROp::Maximum: case ROp::Minimum: {
      bool max = n.op == ROp::Maximum;
      if (is_int(t)) return int_result(max ? std::max(v[0].i, v[1].i) : std::min(v[0].i, v[1].i));
      return extremum(max, fx(), fy());
    }
  }
  return undefined();
}

}  // namespace jitexpr::fuzz

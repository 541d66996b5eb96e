// The session's array constructors: arange, linspace, zeros, ones, empty, full, random, and the
// .npy files (load, save).
#include "tools/session/Session.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

namespace jitexpr::tools {

Value Session::call_builtin(std::string_view text, const SessionCall& sc) {
  const ast::Call& c = sc.call;
  const Source& src = sc.src;
  auto arg_text = [&](const ast::Expr& a) { return std::string(text.substr(a.range.begin, a.range.end - a.range.begin)); };
  auto fail = [&](SourceRange r, std::string msg) { fail_at(ErrorKind::Type, src, r, std::move(msg)); };
  auto scalar = [&](const ast::Expr& a) -> Value {
    // Literals need no compiled code.
    if (const auto* i = a.as<ast::IntLit>()) return Value(i->value);
    if (const auto* f = a.as<ast::FloatLit>()) return Value(f->value);
    if (const auto* b = a.as<ast::BoolLit>()) return Value(b->value);
    if (const auto* u = a.as<ast::Unary>(); u && u->op == UnaryOp::Neg) {
      if (const auto* f = u->operand->as<ast::FloatLit>()) return Value(-f->value);
    }
    Array v = evaluate(arg_text(a)).array();
    if (v.ndim() != 0) fail(a.range, fmt::format("{}() needs a number here, not an array of shape {}", c.callee, shape_string(v.shape())));
    return Value(v);
  };
  auto integer = [&](const ast::Expr& a) -> std::int64_t {
    Value v = scalar(a);
    if (!is_integer(v.dtype())) fail(a.range, fmt::format("{}() needs an integer here, not '{}'", c.callee, dtype_name(v.dtype())));
    return v.as<std::int64_t>();
  };
  auto string_arg = [&](const ast::Expr& a) -> std::string {
    const auto* s = a.as<ast::BytesLit>();
    if (!s) fail(a.range, fmt::format("{}() needs a file name in quotes here", c.callee));
    return s->value;
  };
  auto shape_arg = [&](const ast::Expr& a) -> Shape {
    Shape shape;
    if (const auto* t = a.as<ast::Tuple>()) {
      for (const auto& el : t->elements) shape.push_back(integer(*el));
    } else {
      shape.push_back(integer(a));
    }
    for (std::size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] < 0) fail(a.range, fmt::format("negative dimensions are not allowed: {}", shape_string(shape)));
    }
    return shape;
  };
  std::optional<DType> dtype;
  std::optional<std::int64_t> seed;
  std::optional<std::int64_t> num;
  for (const ast::Keyword& k : c.keywords) {
    if (k.name == "dtype") {
      std::string name;
      if (const auto* n = k.value->as<ast::Name>()) name = n->id;
      else if (const auto* s = k.value->as<ast::BytesLit>()) name = s->value;
      else if (const auto* a = k.value->as<ast::Attribute>()) name = a->attr;  // np.float32
      std::optional<DType> t = dtype_from_name(name);
      if (!t || *t == DType::Bytes) fail(k.value->range, fmt::format("unknown dtype '{}'", name));
      dtype = t;
    } else if (k.name == "seed" && c.callee == "random") {
      seed = integer(*k.value);
    } else if (k.name == "num" && c.callee == "linspace") {
      num = integer(*k.value);
    } else {
      fail(k.name_range, fmt::format("{}() got an unexpected keyword argument '{}'", c.callee, k.name));
    }
  }
  auto arity = [&](std::size_t lo, std::size_t hi) {
    if (c.args.size() < lo || c.args.size() > hi) {
      std::string range = lo == hi ? std::to_string(lo) : fmt::format("{} to {}", lo, hi);
      fail(c.range, fmt::format("{}() takes {} positional argument{} ({} given)", c.callee, range, hi == 1 ? "" : "s", c.args.size()));
    }
  };
  const std::string& f = c.callee;
  if (f == "arange") {
    arity(1, 3);
    std::vector<Value> vals;
    for (const auto& a : c.args) vals.push_back(scalar(*a));
    bool all_int = std::all_of(vals.begin(), vals.end(), [](const Value& v) { return is_integer(v.dtype()) || is_bool(v.dtype()); });
    DType t = dtype.value_or(all_int ? DType::Int64 : DType::Float64);
    if (vals.size() == 1 && all_int) return Value(Array::arange(vals[0].as<std::int64_t>(), t));
    double start = vals.size() == 1 ? 0.0 : vals[0].as<double>();
    double stop = vals.size() == 1 ? vals[0].as<double>() : vals[1].as<double>();
    double step = vals.size() == 3 ? vals[2].as<double>() : 1.0;
    if (step == 0) fail(c.args[2]->range, "arange() step must not be zero");
    return Value(Array::arange(start, stop, step, t));
  }
  if (f == "linspace") {
    arity(2, 3);
    if (c.args.size() == 3) num = integer(*c.args[2]);
    std::int64_t n = num.value_or(50);
    if (n < 0) fail(c.range, fmt::format("linspace() needs a non-negative number of samples, not {}", n));
    return Value(Array::linspace(scalar(*c.args[0]).as<double>(), scalar(*c.args[1]).as<double>(), n, dtype.value_or(DType::Float64)));
  }
  if (f == "zeros" || f == "empty" || f == "ones") {
    arity(1, 1);
    Shape shape = shape_arg(*c.args[0]);
    DType t = dtype.value_or(DType::Float64);
    return Value(f == "ones" ? Array::ones(t, shape) : Array::zeros(t, shape));
  }
  if (f == "full") {
    arity(2, 2);
    Shape shape = shape_arg(*c.args[0]);
    // Through a 0-d array and astype, so that a large int64 fill keeps every digit.
    Array fill = scalar(*c.args[1]).array();
    Array one = fill.astype(dtype.value_or(fill.dtype()));
    Array out = Array::empty(one.dtype(), shape);
    for (std::int64_t i = 0; i < out.size(); ++i) std::memcpy(out.flat_pointer(i), one.raw_data(), one.itemsize());
    return Value(out);
  }
  if (f == "random") {
    arity(1, 1);
    Shape shape = shape_arg(*c.args[0]);
    static std::mt19937_64 session_rng{std::random_device{}()};
    std::mt19937_64 seeded(seed ? static_cast<std::uint64_t>(*seed) : 0);
    std::mt19937_64& rng = seed ? seeded : session_rng;
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    Array a = Array::empty(DType::Float64, shape);
    double* d = a.data<double>();
    for (std::int64_t i = 0; i < a.size(); ++i) d[i] = uniform(rng);
    return Value(dtype && *dtype != DType::Float64 ? a.astype(*dtype) : a);
  }
  if (f == "load") {
    arity(1, 1);
    return Value(load_npy(string_arg(*c.args[0])));
  }
  if (f == "save") {
    arity(2, 2);
    std::string path = string_arg(*c.args[0]);
    Array v = evaluate(arg_text(*c.args[1])).array();
    save_npy(path, v);
    return Value::scalar(DType::Bytes, 0);  // nothing to print
  }
  fail(c.callee_range, fmt::format("unknown function '{}'", f));
  return {};
}

}  // namespace jitexpr::tools

// Kernel type inference: statements (see KernelInferImpl.h).
#include "ir/KernelInferImpl.h"

#include "ir/DTypeRules.h"
#include "ir/ScalarTyping.h"

#include <fmt/format.h>
#include <jitexpr/Limits.h>

#include <cassert>
#include <cmath>

namespace jitexpr::ir::kernel_infer {

KBlock FunctionInferrer::block(const ast::Block& b) {
  KBlock out;
  for (const ast::StmtPtr& s : b) stmt(*s, out);
  return out;
}

void FunctionInferrer::stmt(const ast::Stmt& s, KBlock& out) {
  switch (s.kind) {
    case ast::StmtKind::ExprStmt: {
      const ast::Expr& e = *s.cast<ast::ExprStmt>().value;
      NodePtr v = e.as<ast::Call>() ? call(e.cast<ast::Call>()) : expr(e);
      out.push_back(std::make_unique<k::Eval>(s.range, v));
      return;
    }
    case ast::StmtKind::Assign: {
      const auto& a = s.cast<ast::Assign>();
      if (a.targets.size() == 1 && a.targets[0]->as<ast::Tuple>()) {
        tuple_assign(a.targets[0]->cast<ast::Tuple>(), *a.value, s.range, out);
        return;
      }
      for (const ast::ExprPtr& t : a.targets) {
        if (t->as<ast::Tuple>())
          fail(ErrorKind::Syntax, t->range, "a tuple target cannot be chained with other targets");
      }
      NodePtr v = expr(*a.value);
      if (a.targets.size() > 1) {
        // a = b = v: v once, into a temporary, then each target from it.
        std::string tmp = fmt::format("$chain{}", temps_++);
        v = set_local(tmp, v, a.value->range, out, s.range);
        v = Local::make(find_local(tmp), ktype_of(*v), a.value->range);
      }
      for (const ast::ExprPtr& t : a.targets) assign(*t, v, s.range, out);
      return;
    }
    case ast::StmtKind::AugAssign: aug_assign(s.cast<ast::AugAssign>(), out); return;
    case ast::StmtKind::AnnAssign: {
      const auto& a = s.cast<ast::AnnAssign>();
      const std::string& name = a.target->cast<ast::Name>().id;
      KType t = annotation_type(a.annotation);
      if (t.none) fail(ErrorKind::Type, a.annotation.range, "a variable cannot be declared None");
      int slot = find_local(name);
      if (slot < 0) {
        new_local(name, t, a.target->range, true);
      } else {
        KLocal& l = fn_.locals[static_cast<std::size_t>(slot)];
        if (l.type != t && typed_[static_cast<std::size_t>(slot)] && (l.fixed || l.param)) {
          fail(
              ErrorKind::Type, a.annotation.range,
              fmt::format("'{}' is declared {} here but is {} since line {}", name, q(t), q(l.type), line_of(l.first)));
        }
        if (l.type != t) changed_ = true;
        l.type = t;
        l.fixed = true;
        typed_[static_cast<std::size_t>(slot)] = true;
      }
      if (a.value) assign(*a.target, expr(*a.value), s.range, out);
      return;
    }
    case ast::StmtKind::If: {
      const auto& i = s.cast<ast::If>();
      NodePtr c = truth(*i.cond);
      KBlock t = block(i.then_body);
      KBlock e = block(i.else_body);
      out.push_back(std::make_unique<k::If>(s.range, c, std::move(t), std::move(e)));
      return;
    }
    case ast::StmtKind::While: {
      const auto& w = s.cast<ast::While>();
      NodePtr c = truth(*w.cond);
      ++loops_;
      KBlock b = block(w.body);
      --loops_;
      out.push_back(std::make_unique<k::While>(s.range, c, std::move(b)));
      return;
    }
    case ast::StmtKind::For: for_loop(s.cast<ast::For>(), out); return;
    case ast::StmtKind::Break:
    case ast::StmtKind::Continue:
      if (prange_depth_ == loops_) {
        fail(ErrorKind::Syntax, s.range,
             fmt::format("'{}' cannot leave a prange loop: its iterations run in parallel",
                         s.kind == ast::StmtKind::Break ? "break" : "continue"));
      }
      if (s.kind == ast::StmtKind::Break) out.push_back(std::make_unique<k::Break>(s.range));
      else out.push_back(std::make_unique<k::Continue>(s.range));
      return;
    case ast::StmtKind::Return: ret(s.cast<ast::Return>(), out); return;
    case ast::StmtKind::Pass: return;
  }
}

void FunctionInferrer::assign(const ast::Expr& target, NodePtr value, SourceRange stmt_range, KBlock& out) {
  if (const auto* n = target.as<ast::Name>()) {
    // A local may shadow a def of the module (as in Python), but not a module: `math.sqrt` must
    // keep its meaning.
    if (is_module_name(n->id)) {
      fail(ErrorKind::Type, n->range, fmt::format("cannot assign to '{}': it names a module", n->id));
    }
    set_local(n->id, std::move(value), target.range, out, stmt_range);
    return;
  }
  if (const auto* s = target.as<ast::Subscript>()) {
    NodePtr load = subscript(*s);
    const auto& l = load->cast<Load>();
    KType elem = KType::scalar(l.type);
    NodePtr v = convert(std::move(value), elem, target.range, "an element of " + q(ktype_of(*l.array)));
    out.push_back(std::make_unique<k::Store>(stmt_range, l.array, l.indices, v));
    return;
  }
  fail(ErrorKind::Syntax, target.range, "cannot assign to this expression");
}

// a, b = x, y (every value first, then every target, as Python does), and n, m = a.shape.
void FunctionInferrer::tuple_assign(const ast::Tuple& targets, const ast::Expr& value, SourceRange stmt_range,
                                    KBlock& out) {
  std::vector<NodePtr> values;
  if (const auto* t = value.as<ast::Tuple>()) {
    for (const ast::ExprPtr& e : t->elements) values.push_back(expr(*e));
  } else if (const auto* a = value.as<ast::Attribute>(); a && a->attr == "shape") {
    NodePtr arr = expr(*a->object);
    KType at = ktype_of(*arr);
    if (!at.is_array()) fail(ErrorKind::Type, a->object->range, fmt::format("{} has no shape", q(at)));
    for (int i = 0; i < at.rank; ++i) values.push_back(Dim::make(arr, i, value.range));
  } else {
    fail(ErrorKind::Type, value.range, "a tuple assignment needs a tuple of values (a, b = x, y) or an array's shape");
  }
  if (values.size() != targets.elements.size()) {
    fail(ErrorKind::Value, value.range,
         fmt::format("cannot unpack {} values into {} targets", values.size(), targets.elements.size()));
  }
  // Each value into a temporary first, so that `a, b = b, a` swaps.
  std::vector<NodePtr> temps;
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::string tmp = fmt::format("$tuple{}", temps_++);
    NodePtr v = set_local(tmp, values[i], values[i]->range, out, stmt_range);
    temps.push_back(Local::make(find_local(tmp), ktype_of(*v), values[i]->range));
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (targets.elements[i]->as<ast::Tuple>())
      fail(ErrorKind::Syntax, targets.elements[i]->range, "nested tuple targets are not supported");
    assign(*targets.elements[i], temps[i], stmt_range, out);
  }
}

void FunctionInferrer::aug_assign(const ast::AugAssign& a, KBlock& out) {
  // x op= v is x = x op v, typed as the binary operator is.
  ast::Binary bin(a.range, a.op, nullptr, nullptr);
  bin.op_range = a.op_range;
  NodePtr cur = expr(*a.target);
  NodePtr v = expr(*a.value);
  if (ktype_of(*cur).is_array() || ktype_of(*v).is_array()) {
    fail(ErrorKind::Type, a.op_range, "array arithmetic is not supported in kernels; update the elements in a loop");
  }
  NodePtr r = type_binary(Dialect::Python, src_, bin, cur, v);
  assign(*a.target, r, a.range, out);
}

void FunctionInferrer::for_loop(const ast::For& f, KBlock& out) {
  const auto* c = f.iter->as<ast::Call>();
  bool parallel = c && c->callee == "prange" && (c->prefix.empty() || c->prefix == "numba");
  if (!c || (!(c->callee == "range" && c->prefix.empty()) && !parallel)) {
    fail(ErrorKind::Type, f.iter->range, "a for loop iterates over range(...) or prange(...)");
  }
  check_args(*c, 1, 3);
  std::vector<NodePtr> bounds;
  for (const ast::ExprPtr& a : c->args) {
    NodePtr b = expr(*a);
    KType t = ktype_of(*b);
    if (!t.is_scalar() || !(is_integer(t.dtype) || is_bool(t.dtype))) {
      fail(ErrorKind::Type, a->range, fmt::format("{}() needs integers, not {}", c->callee, q(t)));
    }
    if (t.dtype == DType::UInt64)
      fail(ErrorKind::Type, a->range, fmt::format("{}() needs integers that fit int64, not 'uint64'", c->callee));
    bounds.push_back(cast_to(DType::Int64, b));
  }
  NodePtr start = bounds.size() > 1 ? bounds[0] : Const::make(Scalar::of_int(DType::Int64, 0), f.iter->range);
  NodePtr stop = bounds.size() > 1 ? bounds[1] : bounds[0];
  NodePtr step = bounds.size() > 2 ? bounds[2] : Const::make(Scalar::of_int(DType::Int64, 1), f.iter->range);
  if (parallel && bounds.size() > 2)
    fail(ErrorKind::Type, c->args[2]->range, "prange() takes no step; use range() for a stepped loop");
  int var = assign_slot(f.var, KType::scalar(DType::Int64), f.var_range);
  if (fn_.locals[static_cast<std::size_t>(var)].type != KType::scalar(DType::Int64)) {
    fail(ErrorKind::Type, f.var_range,
         fmt::format("the loop variable '{}' is an int64, but is {} since line {}", f.var,
                     q(fn_.locals[static_cast<std::size_t>(var)].type),
                     line_of(fn_.locals[static_cast<std::size_t>(var)].first)));
  }
  ++loops_;
  int saved = prange_depth_;
  if (parallel) prange_depth_ = loops_;
  KBlock body = block(f.body);
  prange_depth_ = saved;
  --loops_;
  auto loop = std::make_unique<k::For>(f.range, var, start, stop, step, parallel, std::move(body));
  if (parallel) loop->reductions = find_reductions(f);
  out.push_back(std::move(loop));
}

void FunctionInferrer::ret(const ast::Return& r, KBlock& out) {
  if (prange_depth_ >= 0)
    fail(ErrorKind::Syntax, r.range, "'return' cannot leave a prange loop: its iterations run in parallel");
  NodePtr v;
  KType t = KType::none_type();
  if (r.value && !(r.value->as<ast::Name>() && r.value->cast<ast::Name>().id == "None")) {
    if (r.value->as<ast::Tuple>())
      fail(ErrorKind::Type, r.value->range, "returning a tuple is not supported; return one value");
    v = expr(*r.value);
    t = ktype_of(*v);
  }
  SourceRange where = r.value ? r.value->range : r.range;
  if (def_.returns || result_seen_) {
    if (fn_.result.none != t.none) {
      fail(ErrorKind::Type, where,
           fmt::format("{}() returns {} here but {} elsewhere", def_.name, q(t), q(fn_.result)));
    }
    if (!def_.returns) {
      std::optional<KType> u = unify(fn_.result, t);
      if (!u)
        fail(ErrorKind::Type, where,
             fmt::format("{}() returns {} here but {} elsewhere", def_.name, q(t), q(fn_.result)));
      if (*u != fn_.result) changed_ = true;
      fn_.result = *u;
    }
  } else {
    if (fn_.result != t) changed_ = true;
    fn_.result = t;
    result_seen_ = true;
  }
  if (v) v = convert(v, fn_.result, where, fmt::format("the result of {}()", def_.name));
  out.push_back(std::make_unique<k::Return>(r.range, v));
}

}  // namespace jitexpr::ir::kernel_infer

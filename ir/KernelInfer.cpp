// Type inference for kernels (see KernelInfer.h).
//
// Each specialization is inferred by passes over the function's body: a pass types every
// statement with the locals' types so far, and an assignment widens its local's type (bool -> int
// -> float -> complex, as Numba unifies). When a pass widened nothing, its typed statements are
// final: every conversion it inserted is right. A read of a local whose type no pass has seen yet
// (assigned further down, in a loop) gives a placeholder and asks for another pass.
#include "ir/KernelInfer.h"

#include "ir/DTypeRules.h"
#include "ir/ScalarTyping.h"

#include <fmt/format.h>
#include <jitexpr/Limits.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

namespace jitexpr::ir {

namespace {

std::string q(const KType& t) { return "'" + t.str() + "'"; }

// The type two types of one local unify to, if any.
std::optional<KType> unify(const KType& a, const KType& b) {
  if (a.none || b.none) return a == b ? std::optional<KType>(a) : std::nullopt;
  if (a.is_array() || b.is_array()) {
    if (a.rank != b.rank || a.dtype != b.dtype) return std::nullopt;
    return KType::array(a.dtype, a.rank, a.contiguous && b.contiguous);
  }
  return KType::scalar(promote(a.dtype, b.dtype));
}

bool is_arith(BinOp op) {
  switch (op) {
    case BinOp::BitAnd:
    case BinOp::BitOr:
    case BinOp::BitXor: return false;
    default: return !is_comparison(op);
  }
}

// Python's math module constants and numpy's, by name.
std::optional<double> module_constant(std::string_view name) {
  if (name == "pi") return 3.141592653589793;
  if (name == "e") return 2.718281828459045;
  if (name == "tau") return 6.283185307179586;
  if (name == "inf") return HUGE_VAL;
  if (name == "nan") return std::nan("");
  return std::nullopt;
}

bool is_module_name(std::string_view n) {
  return n == "math" || n == "np" || n == "numpy" || n == "cmath" || n == "random";
}

// The expressions directly in a statement (not in its nested blocks), and the names it assigns.
void for_each_expr(const ast::Stmt& s, const std::function<void(const ast::Expr&)>& expr_fn,
                   const std::function<void(const std::string&)>& target_fn) {
  auto target = [&](const ast::Expr& t, auto& self) -> void {
    if (const auto* n = t.as<ast::Name>()) {
      target_fn(n->id);
    } else if (const auto* tup = t.as<ast::Tuple>()) {
      for (const ast::ExprPtr& e : tup->elements) self(*e, self);
    } else {
      expr_fn(t);  // a subscript target reads its array and indices
    }
  };
  switch (s.kind) {
    case ast::StmtKind::ExprStmt: expr_fn(*s.cast<ast::ExprStmt>().value); return;
    case ast::StmtKind::Assign:
      expr_fn(*s.cast<ast::Assign>().value);
      for (const ast::ExprPtr& t : s.cast<ast::Assign>().targets) target(*t, target);
      return;
    case ast::StmtKind::AugAssign:
      expr_fn(*s.cast<ast::AugAssign>().value);
      expr_fn(*s.cast<ast::AugAssign>().target);
      target(*s.cast<ast::AugAssign>().target, target);
      return;
    case ast::StmtKind::AnnAssign:
      if (s.cast<ast::AnnAssign>().value) expr_fn(*s.cast<ast::AnnAssign>().value);
      target(*s.cast<ast::AnnAssign>().target, target);
      return;
    case ast::StmtKind::If: expr_fn(*s.cast<ast::If>().cond); return;
    case ast::StmtKind::While: expr_fn(*s.cast<ast::While>().cond); return;
    case ast::StmtKind::For:
      expr_fn(*s.cast<ast::For>().iter);
      target_fn(s.cast<ast::For>().var);
      return;
    case ast::StmtKind::Return:
      if (s.cast<ast::Return>().value) expr_fn(*s.cast<ast::Return>().value);
      return;
    case ast::StmtKind::Break:
    case ast::StmtKind::Continue:
    case ast::StmtKind::Pass: return;
  }
}

void for_each_block(const ast::Stmt& s, const std::function<void(const ast::Block&)>& fn) {
  if (const auto* i = s.as<ast::If>()) {
    fn(i->then_body);
    fn(i->else_body);
  } else if (const auto* w = s.as<ast::While>()) {
    fn(w->body);
  } else if (const auto* f = s.as<ast::For>()) {
    fn(f->body);
  }
}

void for_each_child(const ast::Expr& e, const std::function<void(const ast::Expr&)>& fn) {
  for (const ast::Expr* k : ast::children(e)) fn(*k);
}

void collect_assigned(const ast::Block& b, std::set<std::string>& out) {
  for (const ast::StmtPtr& s : b) {
    for_each_expr(*s, [](const ast::Expr&) {}, [&](const std::string& n) { out.insert(n); });
    for_each_block(*s, [&](const ast::Block& inner) { collect_assigned(inner, out); });
  }
}

// Whether a loop body breaks out of its own loop (not out of a nested one).
bool breaks(const KBlock& b) {
  for (const KStmtPtr& s : b) {
    if (s->kind == KStmtKind::Break) return true;
    if (const auto* i = s->as<k::If>(); i && (breaks(i->then_body) || breaks(i->else_body))) return true;
  }
  return false;
}

// Whether control cannot reach the end of a block: it returns on every path (or loops forever in
// `while True` without a break). Conservative: a path it cannot rule out counts as reaching it.
bool never_ends(const KBlock& b) {
  for (const KStmtPtr& s : b) {
    if (s->kind == KStmtKind::Return) return true;
    if (const auto* i = s->as<k::If>(); i && never_ends(i->then_body) && never_ends(i->else_body)) return true;
    if (const auto* w = s->as<k::While>()) {
      const auto* c = w->cond->as<Const>();
      if (c && c->value.i != 0 && !breaks(w->body)) return true;
    }
  }
  return false;
}

class KernelInferrer;

// Infers one specialization.
class FunctionInferrer {
 public:
  FunctionInferrer(KernelInferrer& owner, const ast::FunctionDef& def, KFunction& fn, const Source& src)
      : owner_(owner), def_(def), fn_(fn), src_(src) {}

  void run(const std::vector<KType>& params);

 private:
  [[noreturn]] void fail(ErrorKind k, SourceRange r, std::string msg) const { fail_at(k, src_, r, std::move(msg)); }
  int line_of(SourceRange r) const {
    return 1 + static_cast<int>(std::count(src_.text.begin(), src_.text.begin() + r.begin, '\n'));
  }

  // ---- locals ----
  int find_local(const std::string& name) const {
    for (std::size_t i = 0; i < fn_.locals.size(); ++i) {
      if (fn_.locals[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }
  int new_local(const std::string& name, KType t, SourceRange r, bool fixed) {
    fn_.locals.push_back({name, t, r, false, fixed});
    typed_.push_back(true);
    return static_cast<int>(fn_.locals.size()) - 1;
  }
  // A local's slot for an assignment of a value of type `t` at `r`, its type widened to hold it.
  int assign_slot(const std::string& name, const KType& t, SourceRange r);
  NodePtr convert(NodePtr v, const KType& to, SourceRange r, std::string_view what);
  NodePtr set_local(const std::string& name, NodePtr v, SourceRange r, KBlock& out, SourceRange stmt_range);

  // ---- statements ----
  KBlock block(const ast::Block& b);
  void stmt(const ast::Stmt& s, KBlock& out);
  void assign(const ast::Expr& target, NodePtr value, SourceRange stmt_range, KBlock& out);
  void tuple_assign(const ast::Tuple& targets, const ast::Expr& value, SourceRange stmt_range, KBlock& out);
  void aug_assign(const ast::AugAssign& a, KBlock& out);
  void for_loop(const ast::For& f, KBlock& out);
  void ret(const ast::Return& r, KBlock& out);
  std::vector<Reduction> find_reductions(const ast::For& f) const;

  // ---- expressions ----
  NodePtr expr(const ast::Expr& e);
  NodePtr scalar_expr(const ast::Expr& e, std::string_view what);
  NodePtr truth(const ast::Expr& e);
  NodePtr index(const ast::Expr& e);
  NodePtr name(const ast::Name& n);
  NodePtr unary(const ast::Unary& u);
  NodePtr binary(const ast::Binary& b);
  NodePtr list_repeat(const ast::Binary& b);
  NodePtr attribute(const ast::Attribute& a);
  NodePtr subscript(const ast::Subscript& s);
  NodePtr call(const ast::Call& c);
  NodePtr call_def(const ast::Call& c, const ast::FunctionDef& callee);
  NodePtr new_array(const ast::Call& c, Fill fill);
  NodePtr like_array(const ast::Call& c, Fill fill);
  NodePtr conversion(const ast::Call& c);
  NodePtr min_max(const ast::Call& c);
  NodePtr random(const ast::Call& c);
  std::vector<NodePtr> shape_dims(const ast::Expr& e);
  DType dtype_arg(const ast::Expr& e) const;
  void check_args(const ast::Call& c, std::size_t lo, std::size_t hi, std::set<std::string> keywords = {});
  const std::set<std::string>& assigned_names() {
    if (!assigned_) {
      assigned_.emplace();
      collect_assigned(def_.body, *assigned_);
    }
    return *assigned_;
  }
  const ast::Expr* keyword(const ast::Call& c, std::string_view name) const {
    for (const ast::Keyword& k : c.keywords) {
      if (k.name == name) return k.value.get();
    }
    return nullptr;
  }

  KernelInferrer& owner_;
  const ast::FunctionDef& def_;
  KFunction& fn_;
  const Source& src_;
  std::vector<bool> typed_;  // per local: has a type from an assignment seen in some pass
  bool changed_ = false;     // this pass widened a type
  // The result type is known: annotated, or from a return of this pass or an earlier one (a
  // later pass unifies with it; starting over would undo the widening and never settle).
  bool result_seen_ = false;
  bool incomplete_ = false;  // this pass read a local not typed yet
  std::string untyped_name_;
  SourceRange untyped_range_;
  int loops_ = 0;            // loops around the current statement
  int prange_depth_ = -1;    // loops_ at the innermost prange body, or -1
  int temps_ = 0;
  std::optional<std::set<std::string>> assigned_;
};

class KernelInferrer {
 public:
  KernelInferrer(const ast::Module& m, const Source& src) : m_(m), src_(src) {}

  const ast::FunctionDef* find(std::string_view name) const {
    for (const ast::FunctionDef& f : m_.functions) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }

  // The index of def's specialization for `args`, inferring it on first use.
  int specialize(const ast::FunctionDef& def, const std::vector<KType>& args, SourceRange call_site, bool from_host) {
    std::string key = def.name + "(";
    for (const KType& t : args) key += t.str() + ",";
    if (auto it = index_.find(key); it != index_.end()) {
      KFunction& f = *prog_.functions[static_cast<std::size_t>(it->second)];
      if (in_progress_.count(it->second)) {
        if (!def.returns) {
          fail_at(ErrorKind::Type, src_, call_site,
                  fmt::format("recursive call of '{}' needs a return type annotation on its def, as in "
                              "'def {}(...) -> int64:'",
                              def.name, def.name));
        }
        f.recursive = true;
      }
      return it->second;
    }
    if (prog_.functions.size() >= 1000) {
      fail_at(ErrorKind::Type, src_, call_site, "too many specializations (1000): are calls recursing on new types?");
    }
    check_params(def, args, call_site, from_host);
    int idx = static_cast<int>(prog_.functions.size());
    index_[key] = idx;
    prog_.functions.push_back(std::make_unique<KFunction>());
    KFunction& f = *prog_.functions.back();
    f.name = def.name;
    f.symbol = fmt::format("jx_{}_{}", def.name, idx);
    if (def.returns) f.result = annotation_type(*def.returns);
    in_progress_.insert(idx);
    FunctionInferrer(*this, def, f, src_).run(args);
    in_progress_.erase(idx);
    return idx;
  }

  KFunction& function(int i) { return *prog_.functions[static_cast<std::size_t>(i)]; }
  KProgram take() { return std::move(prog_); }

 private:
  // The arguments fit the parameters: their count, and each annotated one's type.
  void check_params(const ast::FunctionDef& def, const std::vector<KType>& args, SourceRange call_site,
                    bool from_host) const {
    if (args.size() != def.params.size()) {
      SourceRange where = from_host ? def.name_range : call_site;
      fail_at(ErrorKind::Type, src_, where,
              fmt::format("{}() takes {} argument{} ({} given)", def.name, def.params.size(),
                          def.params.size() == 1 ? "" : "s", args.size()));
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
      const ast::Param& p = def.params[i];
      if (!p.annotation) continue;
      KType want = annotation_type(*p.annotation);
      bool ok = want.is_array() ? args[i].is_array() && args[i].dtype == want.dtype && args[i].rank == want.rank
                                : args[i].is_scalar() && (is_complex(want.dtype) || !is_complex(args[i].dtype));
      if (!ok) {
        SourceRange where = from_host ? p.range : call_site;
        fail_at(ErrorKind::Type, src_, where,
                fmt::format("argument {} of {}() ('{}') must be {}, not {}", i + 1, def.name, p.name, q(want),
                            q(args[i])));
      }
    }
  }

  const ast::Module& m_;
  const Source& src_;
  KProgram prog_;
  std::map<std::string, int> index_;
  std::set<int> in_progress_;
};

// ---- FunctionInferrer ----

void FunctionInferrer::run(const std::vector<KType>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const ast::Param& p = def_.params[i];
    KType t = args[i];
    if (p.annotation) {
      KType want = annotation_type(*p.annotation);
      t = want.is_array() ? KType::array(want.dtype, want.rank, args[i].contiguous) : want;
    }
    fn_.locals.push_back({p.name, t, p.range, true, p.annotation.has_value()});
    typed_.push_back(true);
    // The caller passes its own type; the function converts it to the annotated local's on entry.
    fn_.params.push_back(args[i]);
  }
  fn_.num_params = static_cast<int>(args.size());
  result_seen_ = def_.returns.has_value();
  for (int pass = 0;; ++pass) {
    changed_ = incomplete_ = false;
    temps_ = 0;
    KBlock body = block(def_.body);
    if (!changed_ && !incomplete_) {
      fn_.body = std::move(body);
      break;
    }
    if (!changed_ || pass > 64) {
      fail(ErrorKind::Name, untyped_range_,
           fmt::format("local variable '{}' is read before any assignment gives it a value", untyped_name_));
    }
  }
  // Python returns None from the end of a body; a def that returns a value has no None to give.
  if (!fn_.result.none && !never_ends(fn_.body)) {
    fail(ErrorKind::Type, def_.name_range,
         fmt::format("{}() returns {} but can reach the end of its body, which would return None; end it with a "
                     "return",
                     def_.name, q(fn_.result)));
  }
}

int FunctionInferrer::assign_slot(const std::string& name, const KType& t, SourceRange r) {
  if (t.none) fail(ErrorKind::Type, r, fmt::format("cannot assign None to '{}': the function returns no value", name));
  int slot = find_local(name);
  if (slot < 0) {
    if (fn_.locals.size() >= 65536) fail(ErrorKind::Value, r, "too many local variables (65536)");
    return new_local(name, t, r, false);
  }
  KLocal& l = fn_.locals[static_cast<std::size_t>(slot)];
  if (!typed_[static_cast<std::size_t>(slot)]) {
    l.type = t;
    l.first = r;
    typed_[static_cast<std::size_t>(slot)] = true;
    changed_ = true;
    return slot;
  }
  if (l.fixed) return slot;  // the value converts (set_local)
  std::optional<KType> u = unify(l.type, t);
  if (!u) {
    fail(ErrorKind::Type, r,
         fmt::format("cannot assign {} to '{}', which is {} since line {}", q(t), name, q(l.type), line_of(l.first)));
  }
  if (*u != l.type) {
    l.type = *u;
    changed_ = true;
  }
  return slot;
}

// `v` as a value of type `to`: scalars convert unless that drops an imaginary part; arrays must
// have the same dtype and rank (a contiguous one passes for a strided one).
NodePtr FunctionInferrer::convert(NodePtr v, const KType& to, SourceRange r, std::string_view what) {
  KType from = ktype_of(*v);
  if (from == to) return v;
  if (to.is_scalar() && from.is_scalar()) {
    if (is_complex(from.dtype) && !is_complex(to.dtype)) {
      fail(ErrorKind::Type, r, fmt::format("cannot convert {} to {} for {}: it would drop the imaginary part; use .real or abs()",
                                           q(from), q(to), what));
    }
    return cast_to(to.dtype, std::move(v));
  }
  if (to.is_array() && from.is_array() && from.dtype == to.dtype && from.rank == to.rank && !to.contiguous) return v;
  fail(ErrorKind::Type, r, fmt::format("cannot convert {} to {} for {}", q(from), q(to), what));
}

NodePtr FunctionInferrer::set_local(const std::string& name, NodePtr v, SourceRange r, KBlock& out, SourceRange stmt_range) {
  int slot = assign_slot(name, ktype_of(*v), r);
  const KLocal& l = fn_.locals[static_cast<std::size_t>(slot)];
  NodePtr value = convert(std::move(v), l.type, r, fmt::format("'{}'", name));
  out.push_back(std::make_unique<k::SetLocal>(stmt_range, slot, value));
  return value;
}

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
        if (t->as<ast::Tuple>()) fail(ErrorKind::Syntax, t->range, "a tuple target cannot be chained with other targets");
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
          fail(ErrorKind::Type, a.annotation.range,
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
void FunctionInferrer::tuple_assign(const ast::Tuple& targets, const ast::Expr& value, SourceRange stmt_range, KBlock& out) {
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
    if (targets.elements[i]->as<ast::Tuple>()) fail(ErrorKind::Syntax, targets.elements[i]->range, "nested tuple targets are not supported");
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
  if (is_arith(a.op)) {
    if (is_bool(cur->type)) cur = cast_to(DType::Int64, cur);
    if (is_bool(v->type)) v = cast_to(DType::Int64, v);
  }
  NodePtr r = type_binary(src_, bin, cur, v);
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
    if (t.dtype == DType::UInt64) fail(ErrorKind::Type, a->range, fmt::format("{}() needs integers that fit int64, not 'uint64'", c->callee));
    bounds.push_back(cast_to(DType::Int64, b));
  }
  NodePtr start = bounds.size() > 1 ? bounds[0] : Const::make(Scalar::of_int(DType::Int64, 0), f.iter->range);
  NodePtr stop = bounds.size() > 1 ? bounds[1] : bounds[0];
  NodePtr step = bounds.size() > 2 ? bounds[2] : Const::make(Scalar::of_int(DType::Int64, 1), f.iter->range);
  if (parallel && bounds.size() > 2) fail(ErrorKind::Type, c->args[2]->range, "prange() takes no step; use range() for a stepped loop");
  int var = assign_slot(f.var, KType::scalar(DType::Int64), f.var_range);
  if (fn_.locals[static_cast<std::size_t>(var)].type != KType::scalar(DType::Int64)) {
    fail(ErrorKind::Type, f.var_range,
         fmt::format("the loop variable '{}' is an int64, but is {} since line {}", f.var,
                     q(fn_.locals[static_cast<std::size_t>(var)].type), line_of(fn_.locals[static_cast<std::size_t>(var)].first)));
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

// The locals a prange body combines: updated only by `x op= ...` there and not read otherwise.
std::vector<Reduction> FunctionInferrer::find_reductions(const ast::For& f) const {
  std::map<std::string, std::optional<BinOp>> updates;  // nullopt: updated with several operators
  std::map<std::string, SourceRange> first_update;
  std::set<std::string> read, plain;
  std::function<void(const ast::Expr&)> reads = [&](const ast::Expr& e) {
    if (const auto* n = e.as<ast::Name>()) read.insert(n->id);
    for_each_child(e, reads);
  };
  std::function<void(const ast::Block&)> scan = [&](const ast::Block& b) {
    for (const ast::StmtPtr& s : b) {
      if (const auto* a = s->as<ast::AugAssign>()) {
        if (const auto* n = a->target->as<ast::Name>()) {
          auto it = updates.find(n->id);
          bool same = it == updates.end() || (it->second && *it->second == a->op);
          updates[n->id] = same ? std::optional<BinOp>(a->op) : std::nullopt;
          first_update.emplace(n->id, a->range);
          reads(*a->value);
          continue;
        }
      }
      for_each_expr(*s, reads, [&](const std::string& target) { plain.insert(target); });
      for_each_block(*s, scan);
    }
  };
  scan(f.body);
  auto combinable = [](BinOp op) {
    return op == BinOp::Add || op == BinOp::Sub || op == BinOp::Mul || op == BinOp::BitAnd || op == BinOp::BitOr ||
           op == BinOp::BitXor;
  };
  std::vector<Reduction> out;
  for (const auto& [name, op] : updates) {
    // A variable assigned in the body is private to it; one only updated there carries its
    // value in from outside, and is a reduction, or would silently lose its updates.
    if (plain.count(name)) continue;
    if (!op || read.count(name) || !combinable(*op)) {
      fail(ErrorKind::Type, first_update.at(name),
           fmt::format("'{}' is updated across the iterations of this prange loop but is not a reduction (one of += -= "
                       "*= &= |= ^=, the same everywhere, and not read elsewhere in the loop): its blocks run in "
                       "parallel and would lose updates; use range() or accumulate into a reduction",
                       name));
    }
    int slot = find_local(name);
    if (slot >= 0) out.push_back({slot, *op});
  }
  return out;
}

void FunctionInferrer::ret(const ast::Return& r, KBlock& out) {
  if (prange_depth_ >= 0) fail(ErrorKind::Syntax, r.range, "'return' cannot leave a prange loop: its iterations run in parallel");
  NodePtr v;
  KType t = KType::none_type();
  if (r.value && !(r.value->as<ast::Name>() && r.value->cast<ast::Name>().id == "None")) {
    if (r.value->as<ast::Tuple>()) fail(ErrorKind::Type, r.value->range, "returning a tuple is not supported; return one value");
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
      if (!u) fail(ErrorKind::Type, where, fmt::format("{}() returns {} here but {} elsewhere", def_.name, q(t), q(fn_.result)));
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

// ---- expressions ----

NodePtr FunctionInferrer::expr(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::IntLit: return Const::make(Scalar::of_int(DType::Int64, e.cast<ast::IntLit>().value), e.range);
    case ast::ExprKind::FloatLit: return Const::make(Scalar::of_float(DType::Float64, e.cast<ast::FloatLit>().value), e.range);
    case ast::ExprKind::ImagLit:
      return Const::make(Scalar::of_complex(DType::Complex128, {0.0, e.cast<ast::ImagLit>().value}), e.range);
    case ast::ExprKind::BoolLit: return Const::make(Scalar::of_bool(e.cast<ast::BoolLit>().value), e.range);
    case ast::ExprKind::BytesLit: fail(ErrorKind::Type, e.range, "strings are not supported in kernels");
    case ast::ExprKind::Name: return name(e.cast<ast::Name>());
    case ast::ExprKind::Unary: return unary(e.cast<ast::Unary>());
    case ast::ExprKind::Binary: return binary(e.cast<ast::Binary>());
    case ast::ExprKind::Call: {
      NodePtr v = call(e.cast<ast::Call>());
      if (ktype_of(*v).none) {
        fail(ErrorKind::Type, e.range, fmt::format("{}() returns None; its value cannot be used", e.cast<ast::Call>().callee));
      }
      return v;
    }
    case ast::ExprKind::Attribute: return attribute(e.cast<ast::Attribute>());
    case ast::ExprKind::Subscript: return subscript(e.cast<ast::Subscript>());
    case ast::ExprKind::Tuple:
      fail(ErrorKind::Type, e.range, "tuples are only supported in assignments, as in a, b = b, a");
    case ast::ExprKind::BoolOp: {
      const auto& b = e.cast<ast::BoolOp>();
      return Logical::make(b.is_and, truth(*b.lhs), truth(*b.rhs), e.range);
    }
    case ast::ExprKind::Not: return Unary::make(UnaryOp::Invert, truth(*e.cast<ast::Not>().operand), e.range);
    case ast::ExprKind::IfExp: {
      const auto& i = e.cast<ast::IfExp>();
      NodePtr c = truth(*i.cond);
      NodePtr a = expr(*i.if_true);
      NodePtr b = expr(*i.if_false);
      std::optional<KType> u = unify(ktype_of(*a), ktype_of(*b));
      if (!u) {
        fail(ErrorKind::Type, e.range,
             fmt::format("the two values of a conditional expression are {} and {}", q(ktype_of(*a)), q(ktype_of(*b))));
      }
      return Cond::make(c, convert(a, *u, i.if_true->range, "a conditional expression"),
                        convert(b, *u, i.if_false->range, "a conditional expression"), e.range);
    }
    case ast::ExprKind::List:
      fail(ErrorKind::Type, e.range, "a list is only supported as [value] * n, which makes an array");
  }
  fail(ErrorKind::Syntax, e.range, "unsupported expression");
}

NodePtr FunctionInferrer::scalar_expr(const ast::Expr& e, std::string_view what) {
  NodePtr v = expr(e);
  KType t = ktype_of(*v);
  if (!t.is_scalar()) {
    fail(ErrorKind::Type, e.range,
         fmt::format("{} needs a number, not {}{}", what, q(t),
                     t.is_array() ? "; array arithmetic is not supported in kernels: index the elements" : ""));
  }
  return v;
}

// A condition: a number, true when non-zero.
NodePtr FunctionInferrer::truth(const ast::Expr& e) {
  NodePtr v = expr(e);
  KType t = ktype_of(*v);
  if (!t.is_scalar()) fail(ErrorKind::Type, e.range, fmt::format("the truth of {} is not defined; compare it", q(t)));
  return cast_to(DType::Bool, v);
}

NodePtr FunctionInferrer::index(const ast::Expr& e) {
  NodePtr v = expr(e);
  KType t = ktype_of(*v);
  if (!t.is_scalar() || !is_integer(t.dtype)) {
    fail(ErrorKind::Type, e.range, fmt::format("an index must be an integer, not {}", q(t)));
  }
  return cast_to(DType::Int64, v);
}

NodePtr FunctionInferrer::name(const ast::Name& n) {
  int slot = find_local(n.id);
  if (slot >= 0 && typed_[static_cast<std::size_t>(slot)]) {
    return Local::make(slot, fn_.locals[static_cast<std::size_t>(slot)].type, n.range);
  }
  if (slot < 0 && assigned_names().count(n.id)) {
    slot = new_local(n.id, KType::scalar(DType::Int64), n.range, false);
    typed_[static_cast<std::size_t>(slot)] = false;
  }
  if (slot >= 0) {
    // Assigned further on (in a loop): a placeholder until a pass has seen its type.
    if (!incomplete_) {
      untyped_name_ = n.id;
      untyped_range_ = n.range;
    }
    incomplete_ = true;
    return Local::make(slot, fn_.locals[static_cast<std::size_t>(slot)].type, n.range);
  }
  if (n.id == "None") fail(ErrorKind::Type, n.range, "None is only supported as 'return None'");
  if (owner_.find(n.id)) fail(ErrorKind::Type, n.range, fmt::format("function '{}' is not a value; call it", n.id));
  if (is_module_name(n.id)) fail(ErrorKind::Type, n.range, fmt::format("module '{}' is not a value", n.id));
  fail(ErrorKind::Name, n.range, fmt::format("name '{}' is not defined", n.id));
}

NodePtr FunctionInferrer::unary(const ast::Unary& u) {
  NodePtr x = scalar_expr(*u.operand, fmt::format("unary '{}'", unaryop_spelling(u.op)));
  // Python: -True is -1, ~True is -2 (bools are integers).
  if (is_bool(x->type)) x = cast_to(DType::Int64, x);
  switch (u.op) {
    case UnaryOp::Pos: return x;
    case UnaryOp::Neg: return Unary::make(UnaryOp::Neg, x, u.range);
    case UnaryOp::Invert:
      if (!is_integer(x->type)) fail(ErrorKind::Type, u.range, fmt::format("'~' needs an integer, not '{}'", dtype_name(x->type)));
      return Unary::make(UnaryOp::Invert, x, u.range);
  }
  return x;
}

// [v] * n (or n * [v]): a new 1-d array of n copies of v, a scalar.
NodePtr FunctionInferrer::list_repeat(const ast::Binary& b) {
  bool left = b.lhs->as<ast::List>() != nullptr;
  const auto& list = (left ? b.lhs : b.rhs)->cast<ast::List>();
  const ast::Expr& count = left ? *b.rhs : *b.lhs;
  if (list.elements.size() != 1) {
    fail(ErrorKind::Type, list.range, "a list is only supported as [value] * n, with one value, which makes an array");
  }
  NodePtr v = scalar_expr(*list.elements[0], "[value] * n");
  std::vector<NodePtr> dims = shape_dims(count);
  if (dims.size() != 1) fail(ErrorKind::Type, count.range, "[value] * n needs one integer n");
  return NewArray::make(Fill::Full, v->type, std::move(dims), b.range, v);
}

NodePtr FunctionInferrer::binary(const ast::Binary& b) {
  if (b.op == BinOp::Mul && (b.lhs->as<ast::List>() || b.rhs->as<ast::List>())) return list_repeat(b);
  NodePtr l = expr(*b.lhs);
  NodePtr r = expr(*b.rhs);
  // [v] * n makes an array of n copies of v.
  if (b.op == BinOp::Mul && (b.lhs->as<ast::List>() || b.rhs->as<ast::List>())) return list_repeat(b);
  if (ktype_of(*l).is_array() || ktype_of(*r).is_array()) {
    fail(ErrorKind::Type, b.op_range,
         fmt::format("cannot {} {} and {}: array arithmetic is not supported in kernels; index the elements",
                     binop_verb(b.op), q(ktype_of(*l)), q(ktype_of(*r))));
  }
  if (is_arith(b.op) || (is_bool(l->type) != is_bool(r->type))) {
    if (is_bool(l->type)) l = cast_to(DType::Int64, l);
    if (is_bool(r->type)) r = cast_to(DType::Int64, r);
  }
  return type_binary(src_, b, l, r);
}

NodePtr FunctionInferrer::attribute(const ast::Attribute& a) {
  if (const auto* m = a.object->as<ast::Name>(); m && is_module_name(m->id) && find_local(m->id) < 0) {
    if (std::optional<double> v = module_constant(a.attr)) return Const::make(Scalar::of_float(DType::Float64, *v), a.range);
    fail(ErrorKind::Name, a.attr_range, fmt::format("module '{}' has no constant '{}'", m->id, a.attr));
  }
  NodePtr x = expr(*a.object);
  KType t = ktype_of(*x);
  if (a.attr == "real" || a.attr == "imag") {
    if (!t.is_scalar()) fail(ErrorKind::Type, a.attr_range, fmt::format(".{} of {} is not supported in kernels", a.attr, q(t)));
    return type_part(src_, a.attr == "real" ? Fn::Real : Fn::Imag, x, a.range);
  }
  if (t.is_array()) {
    if (a.attr == "size") return Dim::make(x, -1, a.range);
    if (a.attr == "ndim") return Const::make(Scalar::of_int(DType::Int64, t.rank), a.range);
    if (a.attr == "shape") fail(ErrorKind::Type, a.range, "use a.shape[k] for one extent, or n, m = a.shape");
  }
  fail(ErrorKind::Type, a.attr_range, fmt::format("{} has no attribute '{}'", q(t), a.attr));
}

NodePtr FunctionInferrer::subscript(const ast::Subscript& s) {
  if (const auto* a = s.object->as<ast::Attribute>(); a && a->attr == "shape") {
    NodePtr arr = expr(*a->object);
    KType t = ktype_of(*arr);
    if (!t.is_array()) fail(ErrorKind::Type, a->object->range, fmt::format("{} has no shape", q(t)));
    const auto* lit = s.indices.size() == 1 ? s.indices[0]->as<ast::IntLit>() : nullptr;
    if (!lit) fail(ErrorKind::Type, s.range, "a.shape[k] needs a constant k");
    std::int64_t k = lit->value;
    if (k < -t.rank || k >= t.rank) {
      fail(ErrorKind::Index, s.indices[0]->range, fmt::format("shape index {} is out of range for an array of rank {}", k, t.rank));
    }
    return Dim::make(arr, static_cast<int>(k < 0 ? k + t.rank : k), s.range);
  }
  NodePtr arr = expr(*s.object);
  KType t = ktype_of(*arr);
  if (!t.is_array()) fail(ErrorKind::Type, s.object->range, fmt::format("{} cannot be indexed", q(t)));
  if (static_cast<int>(s.indices.size()) != t.rank) {
    fail(ErrorKind::Index, s.range,
         fmt::format("an array of rank {} needs {} ind{} here, not {} (one element at a time)", t.rank, t.rank,
                     t.rank == 1 ? "ex" : "ices", s.indices.size()));
  }
  std::vector<NodePtr> idx;
  for (const ast::ExprPtr& i : s.indices) idx.push_back(index(*i));
  return Load::make(arr, std::move(idx), s.range);
}

void FunctionInferrer::check_args(const ast::Call& c, std::size_t lo, std::size_t hi, std::set<std::string> keywords) {
  for (const ast::Keyword& k : c.keywords) {
    if (!keywords.count(k.name)) {
      fail(ErrorKind::Type, k.name_range, fmt::format("{}() got an unexpected keyword argument '{}'", c.callee, k.name));
    }
  }
  if (c.args.size() < lo || c.args.size() > hi) {
    std::string want = lo == hi ? std::to_string(lo) : hi == SIZE_MAX ? fmt::format("at least {}", lo) : fmt::format("{} to {}", lo, hi);
    fail(ErrorKind::Type, SourceRange{c.callee_range.begin, c.range.end},
         fmt::format("{}() takes {} argument{} ({} given)", c.callee, want, hi == 1 && lo == 1 ? "" : "s", c.args.size()));
  }
}

NodePtr FunctionInferrer::call(const ast::Call& c) {
  const std::string& f = c.callee;
  if (c.prefix == "random") return random(c);
  if (c.prefix.empty()) {
    if (find_local(f) >= 0 || assigned_names().count(f)) {
      fail(ErrorKind::Type, c.callee_range, fmt::format("'{}' is a variable, not a function", f));
    }
    if (const ast::FunctionDef* d = owner_.find(f)) return call_def(c, *d);
    if (f == "len") {
      check_args(c, 1, 1);
      NodePtr a = expr(*c.args[0]);
      if (!ktype_of(*a).is_array()) fail(ErrorKind::Type, c.args[0]->range, fmt::format("len() of {} is not defined", q(ktype_of(*a))));
      return Dim::make(a, 0, c.range);
    }
    if (f == "range" || f == "prange") fail(ErrorKind::Type, c.range, fmt::format("{}() is only supported as the iterable of a for loop", f));
    if (f == "int" || f == "float" || f == "complex" || f == "bool") return conversion(c);
    if (f == "min" || f == "max") return min_max(c);
    if (f == "print") fail(ErrorKind::Type, c.callee_range, "print() is not supported in kernels; return the values instead");
  }
  if (f == "zeros") return new_array(c, Fill::Zeros);
  if (f == "empty") return new_array(c, Fill::Empty);
  if (f == "ones") return new_array(c, Fill::Ones);
  if (f == "zeros_like") return like_array(c, Fill::Zeros);
  if (f == "empty_like") return like_array(c, Fill::Empty);
  if (f == "ones_like") return like_array(c, Fill::Ones);
  std::optional<Fn> fn = fn_from_name(f == "fabs" ? "fabs" : f);
  if (f == "where") fn.reset();
  if (!fn) {
    fail(ErrorKind::Name, c.callee_range,
         c.prefix.empty() ? fmt::format("name '{}' is not defined", f) : fmt::format("'{}.{}' is not supported in kernels", c.prefix, f));
  }
  check_args(c, static_cast<std::size_t>(fn_info(*fn).arity), static_cast<std::size_t>(fn_info(*fn).arity));
  std::vector<NodePtr> args;
  for (std::size_t i = 0; i < c.args.size(); ++i) args.push_back(scalar_expr(*c.args[i], fmt::format("{}()", f)));
  NodePtr r = type_builtin(src_, c, *fn, std::move(args));
  // Python's math.floor/ceil/trunc return integers; numpy's keep floats.
  if (c.prefix == "math" && (*fn == Fn::Floor || *fn == Fn::Ceil || *fn == Fn::Trunc)) return cast_to(DType::Int64, r);
  // Python's round(x) rounds half to even and returns an integer.
  if (c.prefix.empty() && *fn == Fn::Round) return cast_to(DType::Int64, r);
  return r;
}

NodePtr FunctionInferrer::call_def(const ast::Call& c, const ast::FunctionDef& callee) {
  if (!c.keywords.empty()) fail(ErrorKind::Type, c.keywords[0].name_range, "keyword arguments to kernels are not supported");
  std::vector<NodePtr> args;
  std::vector<KType> types;
  for (const ast::ExprPtr& a : c.args) {
    args.push_back(expr(*a));
    types.push_back(ktype_of(*args.back()));
  }
  int idx = owner_.specialize(callee, types, c.range, false);
  KFunction& f = owner_.function(idx);
  // Annotated scalar parameters convert here, at the call.
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (f.params[i].is_scalar()) args[i] = cast_to(f.params[i].dtype, args[i]);
  }
  if (&f == &fn_) fn_.recursive = true;
  return Invoke::make(idx, f.result, std::move(args), c.range);
}

DType FunctionInferrer::dtype_arg(const ast::Expr& e) const {
  std::string name;
  if (const auto* n = e.as<ast::Name>()) name = n->id;
  if (const auto* a = e.as<ast::Attribute>(); a && a->object->as<ast::Name>()) name = a->attr;
  if (name == "int") name = "int64";
  if (name == "float") name = "float64";
  if (name == "complex") name = "complex128";
  std::optional<DType> t = name.empty() ? std::nullopt : dtype_from_name(name);
  if (!t || *t == DType::Bytes) fail(ErrorKind::Type, e.range, "dtype must name a type, as in np.float64 or int64");
  return *t;
}

// n, or a tuple (n, m, ...): the extents of a new array.
std::vector<NodePtr> FunctionInferrer::shape_dims(const ast::Expr& e) {
  std::vector<const ast::Expr*> parts;
  if (const auto* t = e.as<ast::Tuple>()) {
    for (const ast::ExprPtr& x : t->elements) parts.push_back(x.get());
  } else {
    parts.push_back(&e);
  }
  if (parts.size() > static_cast<std::size_t>(kMaxRank)) {
    fail(ErrorKind::Value, e.range, fmt::format("arrays in kernels have at most {} dimensions", kMaxRank));
  }
  std::vector<NodePtr> dims;
  for (const ast::Expr* p : parts) {
    NodePtr d = expr(*p);
    KType t = ktype_of(*d);
    if (!t.is_scalar() || !(is_integer(t.dtype) || is_bool(t.dtype))) {
      fail(ErrorKind::Type, p->range, fmt::format("an array extent must be an integer, not {}", q(t)));
    }
    dims.push_back(cast_to(DType::Int64, d));
  }
  return dims;
}

NodePtr FunctionInferrer::new_array(const ast::Call& c, Fill fill) {
  check_args(c, 1, 2, {"dtype"});
  DType t = DType::Float64;
  if (c.args.size() == 2) t = dtype_arg(*c.args[1]);
  if (const ast::Expr* k = keyword(c, "dtype")) t = dtype_arg(*k);
  return NewArray::make(fill, t, shape_dims(*c.args[0]), c.range);
}

NodePtr FunctionInferrer::like_array(const ast::Call& c, Fill fill) {
  check_args(c, 1, 2, {"dtype"});
  NodePtr a = expr(*c.args[0]);
  KType t = ktype_of(*a);
  if (!t.is_array()) fail(ErrorKind::Type, c.args[0]->range, fmt::format("{}() needs an array, not {}", c.callee, q(t)));
  DType d = t.dtype;
  if (c.args.size() == 2) d = dtype_arg(*c.args[1]);
  if (const ast::Expr* k = keyword(c, "dtype")) d = dtype_arg(*k);
  std::vector<NodePtr> dims;
  for (int i = 0; i < t.rank; ++i) dims.push_back(Dim::make(a, i, c.range));
  return NewArray::make(fill, d, std::move(dims), c.range);
}

NodePtr FunctionInferrer::conversion(const ast::Call& c) {
  const std::string& f = c.callee;
  if (f == "complex") {
    check_args(c, 1, 2);
    NodePtr re = scalar_expr(*c.args[0], "complex()");
    if (c.args.size() == 1) return cast_to(DType::Complex128, re);
    NodePtr im = scalar_expr(*c.args[1], "complex()");
    if (is_complex(re->type) || is_complex(im->type)) fail(ErrorKind::Type, c.range, "complex(re, im) needs real parts");
    return Call::make(Fn::Complex, DType::Complex128, {cast_to(DType::Float64, re), cast_to(DType::Float64, im)}, c.range);
  }
  check_args(c, 1, 1);
  NodePtr x = scalar_expr(*c.args[0], f + "()");
  DType to = f == "int" ? DType::Int64 : f == "float" ? DType::Float64 : DType::Bool;
  if (is_complex(x->type) && to != DType::Bool) {
    fail(ErrorKind::Type, c.args[0]->range, fmt::format("cannot convert a complex number to {}; use .real or abs()", f));
  }
  return cast_to(to, x);
}

NodePtr FunctionInferrer::min_max(const ast::Call& c) {
  check_args(c, 2, SIZE_MAX);
  std::vector<NodePtr> xs;
  DType t = DType::Bool;
  for (std::size_t i = 0; i < c.args.size(); ++i) {
    xs.push_back(scalar_expr(*c.args[i], c.callee + "()"));
    if (is_complex(xs.back()->type)) fail(ErrorKind::Type, c.args[i]->range, "complex numbers have no order");
    t = i == 0 ? xs.back()->type : promote(t, xs.back()->type);
  }
  // Python's min/max return the first of equal values and do not propagate NaN specially: as
  // a < b ? a : b, left to right.
  NodePtr r = cast_to(t, xs[0]);
  for (std::size_t i = 1; i < xs.size(); ++i) {
    NodePtr x = cast_to(t, xs[i]);
    NodePtr better = Binary::make(c.callee == "min" ? BinOp::Lt : BinOp::Gt, x, r, c.range);
    r = Select::make(better, x, r, c.range);
  }
  return r;
}

NodePtr FunctionInferrer::random(const ast::Call& c) {
  if (c.callee == "random") {
    check_args(c, 0, 0);
    return Random::make(nullptr, nullptr, c.range);
  }
  if (c.callee == "uniform") {
    check_args(c, 2, 2);
    NodePtr lo = scalar_expr(*c.args[0], "uniform()");
    NodePtr hi = scalar_expr(*c.args[1], "uniform()");
    for (std::size_t i = 0; i < 2; ++i) {
      if (is_complex((i ? hi : lo)->type)) fail(ErrorKind::Type, c.args[i]->range, "uniform() needs real bounds");
    }
    return Random::make(cast_to(DType::Float64, lo), cast_to(DType::Float64, hi), c.range);
  }
  fail(ErrorKind::Name, c.callee_range, fmt::format("'random.{}' is not supported; kernels have random.random() and random.uniform(lo, hi)", c.callee));
}

}  // namespace

KType annotation_type(const ast::TypeAnnotation& a) {
  if (a.name == "None") return KType::none_type();
  std::string name = a.name == "int" ? "int64" : a.name == "float" ? "float64" : a.name == "complex" ? "complex128" : a.name;
  std::optional<DType> t = dtype_from_name(name);
  assert(t && "the parser accepts only type names");
  return a.rank ? KType::array(*t, a.rank, true) : KType::scalar(*t);
}

std::vector<KType> parse_signature(std::string_view text) {
  std::vector<KType> out;
  std::size_t i = 0;
  auto skip = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  while (true) {
    skip();
    if (i == text.size() && out.empty()) break;
    std::size_t b = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    ast::TypeAnnotation a;
    bool contiguous = false;
    a.name = std::string(text.substr(b, i - b));
    std::string_view name = a.name;
    bool known = name == "int" || name == "float" || name == "complex" || (dtype_from_name(name) && name != "bytes");
    if (!known) throw TypeError(fmt::format("'{}' in the signature '{}' is not a type", a.name, text));
    skip();
    if (i < text.size() && text[i] == '[') {
      ++i;
      while (true) {
        skip();
        if (i >= text.size() || text[i] != ':') throw TypeError(fmt::format("bad array type in the signature '{}'", text));
        ++i;
        ++a.rank;
        // Numba's spelling of the contiguous layout: '::1' on the last dimension.
        if (text.substr(i, 2) == ":1") {
          i += 2;
          contiguous = true;
        }
        skip();
        if (i < text.size() && text[i] == ',') {
          ++i;
          continue;
        }
        if (i < text.size() && text[i] == ']') {
          ++i;
          break;
        }
        throw TypeError(fmt::format("bad array type in the signature '{}'", text));
      }
    }
    KType t = annotation_type(a);
    if (t.is_array()) t.contiguous = contiguous;
    out.push_back(t);
    skip();
    if (i == text.size()) break;
    if (text[i] != ',') throw TypeError(fmt::format("expected ',' in the signature '{}'", text));
    ++i;
  }
  return out;
}


KProgram infer_kernel(const ast::Module& m, const Source& src, std::string_view function, const std::vector<KType>& args) {
  KernelInferrer inferrer(m, src);
  const ast::FunctionDef* def = inferrer.find(function);
  if (!def) throw NameError(fmt::format("the module has no function '{}'", function));
  inferrer.specialize(*def, args, def->name_range, true);
  return inferrer.take();
}

}  // namespace jitexpr::ir

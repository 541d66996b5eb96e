// Type inference for kernels (see KernelInfer.h): the specializer.
//
// Each specialization is inferred by passes over the function's body: a pass types every
// statement with the locals' types so far, and an assignment widens its local's type (bool -> int
// -> float -> complex, as Numba unifies). When a pass widened nothing, its typed statements are
// final: every conversion it inserted is right. A read of a local whose type no pass has seen yet
// (assigned further down, in a loop) gives a placeholder and asks for another pass.
#include "ir/KernelInfer.h"

#include "ir/KernelInferImpl.h"

#include "ir/DTypeRules.h"
#include "ir/ScalarTyping.h"

#include <fmt/format.h>
#include <jitexpr/Limits.h>

#include <cassert>
#include <cmath>
#include "frontend/Signature.h"

namespace jitexpr::ir {

namespace kernel_infer {

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

namespace {

// Whether a loop body breaks out of its own loop (not out of a nested one).
bool breaks(const KBlock& b) {
  for (const KStmtPtr& s : b) {
    if (s->kind == KStmtKind::Break) return true;
    if (const auto* i = s->as<k::If>(); i && (breaks(i->then_body) || breaks(i->else_body))) return true;
  }
  return false;
}

}  // namespace

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

int KernelInferrer::specialize(const ast::FunctionDef& def, const std::vector<KType>& args, SourceRange call_site,
                               bool from_host) {
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

// The arguments fit the parameters: their count, and each annotated one's type.
void KernelInferrer::check_params(const ast::FunctionDef& def, const std::vector<KType>& args, SourceRange call_site,
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
      fail_at(
          ErrorKind::Type, src_, where,
          fmt::format("argument {} of {}() ('{}') must be {}, not {}", i + 1, def.name, p.name, q(want), q(args[i])));
    }
  }
}

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

}  // namespace kernel_infer

KType annotation_type(const ast::TypeAnnotation& a) {
  if (a.name == "None") return KType::none_type();
  std::string name = a.name == "int" ? "int64" : a.name == "float" ? "float64" : a.name == "complex" ? "complex128" : a.name;
  std::optional<DType> t = dtype_from_name(name);
  assert(t && "the parser accepts only type names");
  return a.rank ? KType::array(*t, a.rank, true) : KType::scalar(*t);
}

std::vector<KType> parse_signature(std::string_view text) {
  std::vector<KType> out;
  for (const SignatureType& s : parse_signature_text(text)) {
    KType t = annotation_type(s.annotation);
    if (t.is_array()) t.contiguous = s.contiguous;
    out.push_back(t);
  }
  return out;
}

KProgram infer_kernel(const ast::Module& m, const Source& src, std::string_view function, const std::vector<KType>& args) {
  kernel_infer::KernelInferrer inferrer(m, src);
  const ast::FunctionDef* def = inferrer.find(function);
  if (!def) throw NameError(fmt::format("the module has no function '{}'", function));
  inferrer.specialize(*def, args, def->name_range, true);
  return inferrer.take();
}

}  // namespace jitexpr::ir

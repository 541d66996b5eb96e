// The inside of kernel type inference (KernelInfer.h), shared by its files:
//   KernelInfer.cpp       the specializer: one KFunction per def and argument types, the passes
//                         that settle its locals' types, and the locals themselves;
//   KernelStatements.cpp  statements;
//   PrangeReductions.cpp  the locals a prange body combines;
//   KernelExpressions.cpp expressions, names, operators, subscripts and calls;
//   KernelConstructors.cpp array creation, conversions, min/max and random numbers.
#pragma once

#include "frontend/Language.h"
#include "frontend/Source.h"
#include "frontend/Stmt.h"
#include "ir/KernelIR.h"
#include "ir/KernelInfer.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace jitexpr::ir::kernel_infer {

// Shared by the inference files: small rules and walks over the AST and the typed body.
std::string q(const KType& t);  // 'float64[:]', quoted for a message
// The type two types of one local unify to, if any.
std::optional<KType> unify(const KType& a, const KType& b);
// A module's name in kernels (frontend/Language.h).
inline bool is_module_name(std::string_view n) { return is_module_prefix(n, Dialect::Python); }
// The expressions directly in a statement (not in its nested blocks), and the names it assigns.
void for_each_expr(const ast::Stmt& s, const std::function<void(const ast::Expr&)>& expr_fn,
                   const std::function<void(const std::string&)>& target_fn);
void for_each_block(const ast::Stmt& s, const std::function<void(const ast::Block&)>& fn);
void for_each_child(const ast::Expr& e, const std::function<void(const ast::Expr&)>& fn);
void collect_assigned(const ast::Block& b, std::set<std::string>& out);
// Whether control cannot reach the end of a block: it returns on every path (or loops forever in
// `while True` without a break).
bool never_ends(const KBlock& b);

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
  int loops_ = 0;          // loops around the current statement
  int prange_depth_ = -1;  // loops_ at the innermost prange body, or -1
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
  int specialize(const ast::FunctionDef& def, const std::vector<KType>& args, SourceRange call_site, bool from_host);

  KFunction& function(int i) { return *prog_.functions[static_cast<std::size_t>(i)]; }
  KProgram take() { return std::move(prog_); }

 private:
  // The arguments fit the parameters: their count, and each annotated one's type.
  void check_params(const ast::FunctionDef& def, const std::vector<KType>& args, SourceRange call_site,
                    bool from_host) const;

  const ast::Module& m_;
  const Source& src_;
  KProgram prog_;
  std::map<std::string, int> index_;
  std::set<int> in_progress_;
};

}  // namespace jitexpr::ir::kernel_infer

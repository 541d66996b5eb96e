// Prints a typed kernel program for %ir and the tests: each function's signature and locals, then
// its statements, one per line, with every expression written out with its types:
//   def jx_norm_square_0(vector: float64[:]) -> float64
//     norm: float64 = 0.0
//     for i in range(0, dim(vector, 0), 1):
//       norm: float64 = add(norm, mul(load(vector, i), load(vector, i)))
//     return norm
#include "ir/KernelIR.h"

#include <fmt/format.h>

namespace jitexpr::ir {

namespace {

class KernelPrinter {
 public:
  explicit KernelPrinter(const KProgram& p) : p_(p) {}

  std::string run() {
    for (const auto& f : p_.functions) function(*f);
    return out_;
  }

 private:
  void function(const KFunction& f) {
    fn_ = &f;
    std::vector<std::string> params;
    for (int i = 0; i < f.num_params; ++i) params.push_back(fmt::format("{}: {}", f.locals[static_cast<std::size_t>(i)].name, f.params[static_cast<std::size_t>(i)].str()));
    out_ += fmt::format("def {}({}) -> {}\n", f.symbol, fmt::join(params, ", "), f.result.str());
    block(f.body, 1);
  }

  void line(int depth, const std::string& s) { out_ += std::string(static_cast<std::size_t>(2 * depth), ' ') + s + "\n"; }

  void block(const KBlock& b, int depth) {
    if (b.empty()) line(depth, "pass");
    for (const KStmtPtr& s : b) stmt(*s, depth);
  }

  void stmt(const KStmt& s, int depth) {
    switch (s.kind) {
      case KStmtKind::Eval: line(depth, expr(*s.cast<k::Eval>().value)); return;
      case KStmtKind::SetLocal: {
        const auto& a = s.cast<k::SetLocal>();
        const KLocal& l = fn_->locals[static_cast<std::size_t>(a.slot)];
        line(depth, fmt::format("{}: {} = {}", l.name, l.type.str(), expr(*a.value)));
        return;
      }
      case KStmtKind::Store: {
        const auto& st = s.cast<k::Store>();
        std::vector<std::string> idx;
        for (const NodePtr& i : st.indices) idx.push_back(expr(*i));
        line(depth, fmt::format("store({}, {}) = {}", expr(*st.array), fmt::join(idx, ", "), expr(*st.value)));
        return;
      }
      case KStmtKind::If: {
        const auto& i = s.cast<k::If>();
        line(depth, fmt::format("if {}:", expr(*i.cond)));
        block(i.then_body, depth + 1);
        if (!i.else_body.empty()) {
          line(depth, "else:");
          block(i.else_body, depth + 1);
        }
        return;
      }
      case KStmtKind::While: {
        const auto& w = s.cast<k::While>();
        line(depth, fmt::format("while {}:", expr(*w.cond)));
        block(w.body, depth + 1);
        return;
      }
      case KStmtKind::For: {
        const auto& f = s.cast<k::For>();
        std::string head = fmt::format("for {} in {}({}, {}, {})", fn_->locals[static_cast<std::size_t>(f.var)].name,
                                       f.parallel ? "prange" : "range", expr(*f.start), expr(*f.stop), expr(*f.step));
        for (const Reduction& r : f.reductions) {
          head += fmt::format(" reduce({} {}=)", fn_->locals[static_cast<std::size_t>(r.slot)].name, binop_spelling(r.op));
        }
        line(depth, head + ":");
        block(f.body, depth + 1);
        return;
      }
      case KStmtKind::Break: line(depth, "break"); return;
      case KStmtKind::Continue: line(depth, "continue"); return;
      case KStmtKind::Return: {
        const auto& r = s.cast<k::Return>();
        line(depth, r.value ? "return " + expr(*r.value) : "return");
        return;
      }
    }
  }

  std::string args(const std::vector<NodePtr>& xs) {
    std::vector<std::string> parts;
    for (const NodePtr& x : xs) parts.push_back(expr(*x));
    return fmt::format("{}", fmt::join(parts, ", "));
  }

  std::string expr(const Node& n) {
    switch (n.kind) {
      case NodeKind::Const: return n.cast<Const>().value.to_string();
      case NodeKind::Local: return fn_->locals[static_cast<std::size_t>(n.cast<Local>().slot)].name;
      case NodeKind::Cast: return fmt::format("{}({})", dtype_name(n.type), expr(*n.cast<Cast>().operand));
      case NodeKind::Unary: return fmt::format("{}{}", n.cast<Unary>().op == UnaryOp::Neg ? "-" : "~", expr(*n.cast<Unary>().operand));
      case NodeKind::Binary: {
        const auto& b = n.cast<Binary>();
        return fmt::format("({} {} {})", expr(*b.lhs), binop_spelling(b.op), expr(*b.rhs));
      }
      case NodeKind::Call: return fmt::format("{}({})", fn_info(n.cast<Call>().fn).name, args(n.cast<Call>().args));
      case NodeKind::Select: {
        const auto& s = n.cast<Select>();
        return fmt::format("where({}, {}, {})", expr(*s.cond), expr(*s.if_true), expr(*s.if_false));
      }
      case NodeKind::Load: {
        const auto& l = n.cast<Load>();
        return fmt::format("{}[{}]", expr(*l.array), args(l.indices));
      }
      case NodeKind::Dim: {
        const auto& d = n.cast<Dim>();
        return d.axis < 0 ? fmt::format("{}.size", expr(*d.array)) : fmt::format("{}.shape[{}]", expr(*d.array), d.axis);
      }
      case NodeKind::Invoke: {
        const auto& i = n.cast<Invoke>();
        return fmt::format("{}({})", p_.functions[static_cast<std::size_t>(i.callee)]->symbol, args(i.args));
      }
      case NodeKind::NewArray: {
        const auto& a = n.cast<NewArray>();
        std::string what = a.fill == Fill::Zeros ? "zeros" : a.fill == Fill::Ones ? "ones" : a.fill == Fill::Empty ? "empty" : "full";
        std::string r = fmt::format("{}(({},), {}", what, args(a.dims), dtype_name(a.type));
        if (a.value) r += ", " + expr(*a.value);
        return r + ")";
      }
      case NodeKind::Random: {
        const auto& r = n.cast<Random>();
        return r.lo ? fmt::format("random.uniform({}, {})", expr(*r.lo), expr(*r.hi)) : "random.random()";
      }
      case NodeKind::Logical: {
        const auto& l = n.cast<Logical>();
        return fmt::format("({} {} {})", expr(*l.lhs), l.is_and ? "and" : "or", expr(*l.rhs));
      }
      case NodeKind::Cond: {
        const auto& c = n.cast<Cond>();
        return fmt::format("({} if {} else {})", expr(*c.if_true), expr(*c.cond), expr(*c.if_false));
      }
      case NodeKind::Operand:
      case NodeKind::Reduce: break;
    }
    return "?";
  }

  const KProgram& p_;
  const KFunction* fn_ = nullptr;
  std::string out_;
};

}  // namespace

std::string print_kernel_program(const KProgram& p) { return KernelPrinter(p).run(); }

}  // namespace jitexpr::ir

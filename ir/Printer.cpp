// The IR printers (Printer.h, KernelIR.h): one reading of every node, node_form, which both the
// numbered expression form and the nested kernel form print.
#include "ir/Printer.h"

#include "ir/KernelIR.h"

#include <fmt/format.h>

#include <functional>
#include <unordered_map>

namespace jitexpr::ir {

namespace {

std::string_view binop_name(BinOp op) {
  switch (op) {
    case BinOp::Add: return "add";
    case BinOp::Sub: return "sub";
    case BinOp::Mul: return "mul";
    case BinOp::Div: return "div";
    case BinOp::FloorDiv: return "floordiv";
    case BinOp::Mod: return "mod";
    case BinOp::Pow: return "pow";
    case BinOp::LShift: return "shl";
    case BinOp::RShift: return "shr";
    case BinOp::BitAnd: return "and";
    case BinOp::BitOr: return "or";
    case BinOp::BitXor: return "xor";
    case BinOp::Lt: return "lt";
    case BinOp::Le: return "le";
    case BinOp::Eq: return "eq";
    case BinOp::Ne: return "ne";
    case BinOp::Ge: return "ge";
    case BinOp::Gt: return "gt";
  }
  return "?";
}

// What a node's printed form names that the node itself holds only as a number.
struct PrintNames {
  std::function<std::string(int)> operand;  // an expression's operand slot
  std::function<std::string(int)> local;    // a kernel's local slot
  std::function<std::string(int)> callee;   // a kernel program's function index
};

// A node as one operation: its word and its arguments (operands first, in children() order, then
// attributes such as axis=1). A constant is its value with no arguments.
struct NodeForm {
  std::string op;
  std::vector<std::string> args;
};

NodeForm node_form(const Node& n, const std::function<std::string(const NodePtr&)>& operand, const PrintNames& names) {
  NodeForm f;
  for (const NodePtr& k : children(n)) f.args.push_back(operand(k));
  switch (n.kind) {
    case NodeKind::Const: f.op = n.cast<Const>().value.to_string(); break;
    case NodeKind::Operand: f.op = "load " + names.operand(n.cast<Operand>().slot); break;
    case NodeKind::Cast: f.op = std::string(dtype_name(n.type)); break;
    case NodeKind::Unary: f.op = n.cast<Unary>().op == UnaryOp::Neg ? "neg" : "invert"; break;
    case NodeKind::Binary: f.op = binop_name(n.cast<Binary>().op); break;
    case NodeKind::Select: f.op = "where"; break;
    case NodeKind::Call: f.op = std::string(fn_info(n.cast<Call>().fn).name); break;
    case NodeKind::Reduce: {
      const auto& r = n.cast<Reduce>();
      f.op = std::string(reduce_name(r.op));
      if (r.axis) f.args.push_back(fmt::format("axis={}", *r.axis));
      break;
    }
    case NodeKind::Local: f.op = names.local(n.cast<Local>().slot); break;
    case NodeKind::Load: f.op = "load"; break;
    case NodeKind::Dim: {
      const auto& d = n.cast<Dim>();
      f.op = d.axis < 0 ? "size" : "dim";
      if (d.axis >= 0) f.args.push_back(std::to_string(d.axis));
      break;
    }
    case NodeKind::Invoke: f.op = names.callee(n.cast<Invoke>().callee); break;
    case NodeKind::NewArray: {
      const auto& a = n.cast<NewArray>();
      f.op = a.fill == Fill::Zeros ? "zeros" : a.fill == Fill::Ones ? "ones" : a.fill == Fill::Empty ? "empty" : "full";
      f.args.push_back(std::string(dtype_name(a.type)));
      break;
    }
    case NodeKind::Random: f.op = n.cast<Random>().lo ? "random.uniform" : "random.random"; break;
    case NodeKind::Logical: f.op = n.cast<Logical>().is_and ? "and" : "or"; break;
    case NodeKind::Cond: f.op = "cond"; break;
  }
  return f;
}

// ---- expressions: one numbered line per distinct node ----

class ProgramPrinter {
 public:
  explicit ProgramPrinter(const Program& p) : p_(p) {
    names_.operand = [this](int slot) { return p_.operands[static_cast<std::size_t>(slot)].name; };
  }

  std::string run() {
    std::string head = "(";
    for (std::size_t i = 0; i < p_.operands.size(); ++i) {
      const OperandInfo& op = p_.operands[i];
      if (i) head += ", ";
      head += fmt::format("{}: {} {}", op.name, dtype_name(op.dtype), layout_name(op.layout));
    }
    head += fmt::format(") -> {}{}\n", dtype_name(p_.result_type()), p_.streaming_stores ? ", streaming stores" : "");
    std::string root = ref(p_.root);
    return head + body_ + fmt::format("  ret {}\n", root);
  }

 private:
  // Constants print inline; everything else gets a numbered line.
  std::string ref(const NodePtr& n) {
    if (const auto* c = n->as<Const>()) return c->value.to_string();
    if (auto it = seen_.find(n.get()); it != seen_.end()) return it->second;
    NodeForm f = node_form(*n, [this](const NodePtr& k) { return ref(k); }, names_);
    std::string name = fmt::format("%{}", seen_.size());
    body_ += fmt::format("  {} = {}{}{} : {}\n", name, f.op, f.args.empty() ? "" : " ", fmt::join(f.args, ", "),
                         dtype_name(n->type));
    seen_[n.get()] = name;
    return name;
  }

  const Program& p_;
  PrintNames names_;
  std::unordered_map<const Node*, std::string> seen_;
  std::string body_;
};

// ---- kernels: statements, one per line, each expression nested ----

class KernelPrinter {
 public:
  explicit KernelPrinter(const KProgram& p) : p_(p) {
    names_.local = [this](int slot) { return local(slot); };
    names_.callee = [this](int i) { return p_.functions[static_cast<std::size_t>(i)]->symbol; };
  }

  std::string run() {
    for (const auto& f : p_.functions) function(*f);
    return out_;
  }

 private:
  const std::string& local(int slot) const { return fn_->locals[static_cast<std::size_t>(slot)].name; }

  void function(const KFunction& f) {
    fn_ = &f;
    std::vector<std::string> params;
    for (int i = 0; i < f.num_params; ++i) {
      params.push_back(fmt::format("{}: {}", local(i), f.params[static_cast<std::size_t>(i)].str()));
    }
    out_ += fmt::format("def {}({}) -> {}\n", f.symbol, fmt::join(params, ", "), f.result.str());
    block(f.body, 1);
  }

  void line(int depth, const std::string& s) {
    out_ += std::string(static_cast<std::size_t>(2 * depth), ' ') + s + "\n";
  }

  void block(const KBlock& b, int depth) {
    if (b.empty()) line(depth, "pass");
    for (const KStmtPtr& s : b) stmt(*s, depth);
  }

  void stmt(const KStmt& s, int depth) {
    switch (s.kind) {
      case KStmtKind::Eval: line(depth, expr(s.cast<k::Eval>().value)); return;
      case KStmtKind::SetLocal: {
        const auto& a = s.cast<k::SetLocal>();
        line(depth, fmt::format("{}: {} = {}", local(a.slot), fn_->locals[static_cast<std::size_t>(a.slot)].type.str(),
                                expr(a.value)));
        return;
      }
      case KStmtKind::Store: {
        const auto& st = s.cast<k::Store>();
        std::vector<std::string> idx;
        for (const NodePtr& i : st.indices) idx.push_back(expr(i));
        line(depth, fmt::format("store({}, {}) = {}", expr(st.array), fmt::join(idx, ", "), expr(st.value)));
        return;
      }
      case KStmtKind::If: {
        const auto& i = s.cast<k::If>();
        line(depth, fmt::format("if {}:", expr(i.cond)));
        block(i.then_body, depth + 1);
        if (!i.else_body.empty()) {
          line(depth, "else:");
          block(i.else_body, depth + 1);
        }
        return;
      }
      case KStmtKind::While: {
        const auto& w = s.cast<k::While>();
        line(depth, fmt::format("while {}:", expr(w.cond)));
        block(w.body, depth + 1);
        return;
      }
      case KStmtKind::For: {
        const auto& f = s.cast<k::For>();
        std::string head = fmt::format("for {} in {}({}, {}, {})", local(f.var), f.parallel ? "prange" : "range",
                                       expr(f.start), expr(f.stop), expr(f.step));
        for (const Reduction& r : f.reductions)
          head += fmt::format(" reduce({} {}=)", local(r.slot), binop_spelling(r.op));
        line(depth, head + ":");
        block(f.body, depth + 1);
        return;
      }
      case KStmtKind::Break: line(depth, "break"); return;
      case KStmtKind::Continue: line(depth, "continue"); return;
      case KStmtKind::Return: {
        const auto& r = s.cast<k::Return>();
        line(depth, r.value ? "return " + expr(r.value) : "return");
        return;
      }
    }
  }

  // A node nested: `op(args)`; a constant or a local alone.
  std::string expr(const NodePtr& n) {
    NodeForm f = node_form(*n, [this](const NodePtr& k) { return expr(k); }, names_);
    bool bare = n->kind == NodeKind::Const || n->kind == NodeKind::Local;
    return bare ? f.op : fmt::format("{}({})", f.op, fmt::join(f.args, ", "));
  }

  const KProgram& p_;
  PrintNames names_;
  const KFunction* fn_ = nullptr;
  std::string out_;
};

}  // namespace

std::string print_program(const Program& p) { return ProgramPrinter(p).run(); }

std::string print_kernel_program(const KProgram& p) { return KernelPrinter(p).run(); }

}  // namespace jitexpr::ir

#include "ir/Printer.h"

#include <fmt/format.h>

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

class ProgramPrinter {
 public:
  explicit ProgramPrinter(const Program& p) : p_(p) {}

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
    if (auto it = names_.find(n.get()); it != names_.end()) return it->second;
    std::vector<std::string> args;
    for (const NodePtr& k : children(*n)) args.push_back(ref(k));
    std::string op;
    switch (n->kind) {
      case NodeKind::Const: break;
      case NodeKind::Operand: op = "load " + p_.operands[static_cast<std::size_t>(n->cast<Operand>().slot)].name; break;
      case NodeKind::Cast: op = "cast"; break;
      case NodeKind::Unary: op = n->cast<Unary>().op == UnaryOp::Neg ? "neg" : "invert"; break;
      case NodeKind::Binary: op = binop_name(n->cast<Binary>().op); break;
      case NodeKind::Select: op = "where"; break;
      case NodeKind::Call: op = std::string(fn_info(n->cast<Call>().fn).name); break;
      case NodeKind::Local:
      case NodeKind::Load:
      case NodeKind::Dim:
      case NodeKind::Invoke:
      case NodeKind::NewArray:
      case NodeKind::Random:
      case NodeKind::Logical:
      case NodeKind::Cond:
        op = std::string(node_kind_name(n->kind));  // kernel nodes: see ir/KernelPrinter
        break;
      case NodeKind::Reduce: {
        const auto& r = n->cast<Reduce>();
        op = std::string(reduce_name(r.op));
        if (r.axis) args.push_back(fmt::format("axis={}", *r.axis));
        break;
      }
    }
    std::string name = fmt::format("%{}", names_.size());
    body_ += fmt::format("  {} = {}{}{} : {}\n", name, op, args.empty() ? "" : " ", fmt::join(args, ", "),
                         dtype_name(n->type));
    names_[n.get()] = name;
    return name;
  }

  const Program& p_;
  std::unordered_map<const Node*, std::string> names_;
  std::string body_;
};

}  // namespace

std::string print_program(const Program& p) { return ProgramPrinter(p).run(); }

}  // namespace jitexpr::ir

#include "runtime/Unroll.h"

#include "frontend/Variables.h"
#include "ir/Builtins.h"
#include "runtime/Plan.h"

#include <fmt/format.h>

#include <map>
#include <stdexcept>

namespace jitexpr {

namespace {

// Copies an expression tree, renaming variables as `renames` says. Kernel-only nodes never reach
// here (the expression parser does not make them), but a copy that meets one gives up.
class Unroller {
 public:
  Unroller(const ArrayOf& array_of, const TermsKeepType& keeps) : array_of_(array_of), keeps_(keeps) {}

  // Null when the tree holds something this cannot copy.
  ast::ExprPtr copy(const ast::Expr& e, const std::map<std::string, std::string>& renames) {
    switch (e.kind) {
      case ast::ExprKind::IntLit: return std::make_unique<ast::IntLit>(e.range, e.cast<ast::IntLit>().value);
      case ast::ExprKind::FloatLit: return std::make_unique<ast::FloatLit>(e.range, e.cast<ast::FloatLit>().value);
      case ast::ExprKind::ImagLit: return std::make_unique<ast::ImagLit>(e.range, e.cast<ast::ImagLit>().value);
      case ast::ExprKind::BoolLit: return std::make_unique<ast::BoolLit>(e.range, e.cast<ast::BoolLit>().value);
      case ast::ExprKind::BytesLit: return std::make_unique<ast::BytesLit>(e.range, e.cast<ast::BytesLit>().value);
      case ast::ExprKind::Name: {
        const std::string& id = e.cast<ast::Name>().id;
        auto it = renames.find(id);
        return std::make_unique<ast::Name>(e.range, it == renames.end() ? id : it->second);
      }
      case ast::ExprKind::Unary: {
        const auto& u = e.cast<ast::Unary>();
        ast::ExprPtr x = copy(*u.operand, renames);
        return x ? std::make_unique<ast::Unary>(e.range, u.op, std::move(x)) : nullptr;
      }
      case ast::ExprKind::Binary: {
        const auto& b = e.cast<ast::Binary>();
        ast::ExprPtr lhs = copy(*b.lhs, renames), rhs = copy(*b.rhs, renames);
        if (!lhs || !rhs) return nullptr;
        auto r = std::make_unique<ast::Binary>(e.range, b.op, std::move(lhs), std::move(rhs));
        r->op_range = b.op_range;
        return r;
      }
      case ast::ExprKind::Attribute: {
        const auto& a = e.cast<ast::Attribute>();
        ast::ExprPtr x = copy(*a.object, renames);
        return x ? std::make_unique<ast::Attribute>(e.range, std::move(x), a.attr, a.attr_range) : nullptr;
      }
      case ast::ExprKind::Call: return copy_call(e.cast<ast::Call>(), renames);
      default: return nullptr;
    }
  }

  std::vector<SliceOperand> slices;
  int unrolled = 0;

 private:
  ast::ExprPtr copy_call(const ast::Call& c, const std::map<std::string, std::string>& renames) {
    if (renames.empty()) {
      if (ast::ExprPtr r = try_unroll(c)) return r;
    }
    std::vector<ast::ExprPtr> args;
    for (const ast::ExprPtr& a : c.args) {
      args.push_back(copy(*a, renames));
      if (!args.back()) return nullptr;
    }
    std::vector<ast::Keyword> keywords;
    for (const ast::Keyword& k : c.keywords) {
      ast::ExprPtr v = copy(*k.value, renames);
      if (!v) return nullptr;
      keywords.push_back({k.name, k.name_range, std::move(v)});
    }
    return std::make_unique<ast::Call>(c.range, c.prefix, c.callee, c.callee_range, std::move(args), std::move(keywords));
  }

  // `c` unrolled, or null when it is not a reduction this can unroll.
  ast::ExprPtr try_unroll(const ast::Call& c) {
    std::optional<ir::ReduceOp> op = ir::reduce_from_name(c.callee);
    if (!op || c.args.size() != 1 || c.keywords.size() != 1 || c.keywords[0].name != "axis") return nullptr;
    const auto* axis_lit = c.keywords[0].value->as<ast::IntLit>();
    if (!axis_lit || contains_reduction(*c.args[0])) return nullptr;  // its shape is not its operands
    // The shape the reduction's argument broadcasts to, from its operands.
    std::vector<VariableUse> vars = collect_variables(*c.args[0]);
    std::vector<const Array*> arrays;
    std::vector<Shape> shapes;
    for (const VariableUse& v : vars) {
      const Array* a = array_of_(v.name);
      if (!a || a->dtype() == DType::Bytes) return nullptr;  // the normal path reports it
      arrays.push_back(a);
      shapes.push_back(a->shape());
    }
    Shape shape;
    try {
      shape = broadcast_shapes(shapes);
    } catch (const std::exception&) {
      return nullptr;
    }
    auto rank = static_cast<std::int64_t>(shape.size());
    std::int64_t axis = axis_lit->value < 0 ? axis_lit->value + rank : axis_lit->value;
    if (axis < 0 || axis >= rank) return nullptr;
    std::int64_t length = shape[static_cast<std::size_t>(axis)];
    if (length < 1 || length > kMaxUnrolledAxis || !keeps_(c)) return nullptr;

    // Term j reads each operand at index j of the axis (through a new operand without it).
    int id = unrolled;
    std::vector<SliceOperand> new_slices;
    std::vector<std::map<std::string, std::string>> renames(static_cast<std::size_t>(length));
    for (std::size_t v = 0; v < vars.size(); ++v) {
      std::int64_t dim = axis - (rank - arrays[v]->ndim());
      if (dim < 0) continue;  // the operand has no such axis: every term reads all of it
      bool broadcast = arrays[v]->shape()[static_cast<std::size_t>(dim)] == 1;
      for (std::int64_t j = 0; j < length; ++j) {
        std::string name = broadcast ? fmt::format("__jx{}_{}", id, vars[v].name)
                                     : fmt::format("__jx{}_{}_{}", id, j, vars[v].name);
        if (j == 0 || !broadcast) new_slices.push_back({name, vars[v].name, static_cast<int>(dim), broadcast ? 0 : j});
        renames[static_cast<std::size_t>(j)][vars[v].name] = name;
      }
    }
    ast::ExprPtr acc;
    for (std::int64_t j = 0; j < length; ++j) {
      ast::ExprPtr term = copy(*c.args[0], renames[static_cast<std::size_t>(j)]);
      if (!term) return nullptr;
      acc = acc ? combine(*op, c, std::move(acc), std::move(term)) : std::move(term);
    }
    // Only a reduction that was unrolled adds operands.
    ++unrolled;
    slices.insert(slices.end(), new_slices.begin(), new_slices.end());
    return acc;
  }

  static bool contains_reduction(const ast::Expr& e) {
    if (const auto* call = e.as<ast::Call>(); call && ir::reduce_from_name(call->callee)) return true;
    for (const ast::Expr* child : ast::children(e)) {
      if (contains_reduction(*child)) return true;
    }
    return false;
  }

  static ast::ExprPtr combine(ir::ReduceOp op, const ast::Call& c, ast::ExprPtr acc, ast::ExprPtr term) {
    if (op == ir::ReduceOp::Sum || op == ir::ReduceOp::Prod) {
      auto b = std::make_unique<ast::Binary>(c.range, op == ir::ReduceOp::Sum ? BinOp::Add : BinOp::Mul, std::move(acc),
                                             std::move(term));
      b->op_range = c.callee_range;
      return b;
    }
    std::vector<ast::ExprPtr> args;
    args.push_back(std::move(acc));
    args.push_back(std::move(term));
    // minimum and maximum propagate NaN, as numpy's min and max reductions do.
    return std::make_unique<ast::Call>(c.range, "", op == ir::ReduceOp::Min ? "minimum" : "maximum", c.callee_range,
                                       std::move(args), std::vector<ast::Keyword>{});
  }

  const ArrayOf& array_of_;
  const TermsKeepType& keeps_;
};

}  // namespace

std::optional<Unrolled> unroll_short_reductions(const ast::Expr& root, const ArrayOf& array_of,
                                                const TermsKeepType& terms_keep_type) {
  Unroller u(array_of, terms_keep_type);
  ast::ExprPtr copy = u.copy(root, {});
  if (!copy || u.unrolled == 0) return std::nullopt;
  return Unrolled{std::move(copy), std::move(u.slices)};
}

Array slice_view(const Array& source, const SliceOperand& slice) {
  auto dim = static_cast<std::size_t>(slice.dim);
  Shape shape = source.shape();
  Strides strides = source.strides();
  char* data = static_cast<char*>(source.raw_data()) + slice.index * strides[dim];
  shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(dim));
  strides.erase(strides.begin() + static_cast<std::ptrdiff_t>(dim));
  return Array::view(data, source.dtype(), std::move(shape), std::move(strides), source.itemsize());
}

}  // namespace jitexpr

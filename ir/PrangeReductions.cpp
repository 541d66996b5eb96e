// Kernel type inference: the reductions of a prange loop (see KernelInferImpl.h).
#include "ir/KernelInferImpl.h"

#include "ir/DTypeRules.h"
#include "ir/ScalarTyping.h"

#include <fmt/format.h>
#include <jitexpr/Limits.h>

#include <cassert>
#include <cmath>

namespace jitexpr::ir::kernel_infer {

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

}  // namespace jitexpr::ir::kernel_infer

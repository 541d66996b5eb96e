#include "ir/passes/CommonSubexpressions.h"

#include <fmt/format.h>

#include <cassert>

#include <string>
#include <unordered_map>

namespace jitexpr::ir {

namespace {

class Cse {
 public:
  NodePtr visit(const NodePtr& n) {
    if (auto it = done_.find(n.get()); it != done_.end()) return it->second;
    std::vector<NodePtr> kids = children(*n);
    for (NodePtr& k : kids) k = visit(k);
    NodePtr m = with_children(n, kids);
    std::string key = fmt::format("{}:{}", static_cast<int>(m->kind), static_cast<int>(m->type));
    switch (m->kind) {
      case NodeKind::Const: {
        const Scalar& v = m->cast<Const>().value;
        key += fmt::format(":{}:{}:{}:{}", v.u, v.c.real(), v.c.imag(), v.bytes);
        break;
      }
      case NodeKind::Operand: key += fmt::format(":{}", m->cast<Operand>().slot); break;
      case NodeKind::Unary: key += fmt::format(":{}", static_cast<int>(m->cast<Unary>().op)); break;
      case NodeKind::Binary: key += fmt::format(":{}", static_cast<int>(m->cast<Binary>().op)); break;
      case NodeKind::Call: key += fmt::format(":{}", static_cast<int>(m->cast<Call>().fn)); break;
      case NodeKind::Reduce: {
        const auto& r = m->cast<Reduce>();
        key += fmt::format(":{}:{}", static_cast<int>(r.op), r.axis ? *r.axis : -1);
        break;
      }
      case NodeKind::Cast:
      case NodeKind::Select: break;
      case NodeKind::Local:
      case NodeKind::Load:
      case NodeKind::Dim:
      case NodeKind::Invoke:
      case NodeKind::NewArray:
      case NodeKind::Random:
      case NodeKind::Logical:
      case NodeKind::Cond:
        assert(false && "kernel nodes are not merged: they read memory that statements change");
        break;
    }
    for (const NodePtr& k : kids) key += fmt::format(":{}", static_cast<const void*>(k.get()));
    auto [it, inserted] = unique_.emplace(std::move(key), m);
    done_[n.get()] = it->second;
    return it->second;
  }

 private:
  std::unordered_map<std::string, NodePtr> unique_;
  std::unordered_map<const Node*, NodePtr> done_;
};

}  // namespace

NodePtr eliminate_common_subexpressions(const NodePtr& root) {
  Cse cse;
  return cse.visit(root);
}

}  // namespace jitexpr::ir

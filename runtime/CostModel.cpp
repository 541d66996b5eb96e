#include "runtime/CostModel.h"

#include "ir/Builtins.h"

#include <unordered_map>
#include <vector>

namespace jitexpr {

double estimate_ns_per_element(const ir::Program& p, bool* calls_math) {
  double ns = 0.3 * static_cast<double>(p.operands.size() + 1);
  std::vector<const ir::Node*> stack{p.root.get()};
  std::unordered_map<const ir::Node*, bool> seen;
  while (!stack.empty()) {
    const ir::Node* n = stack.back();
    stack.pop_back();
    if (seen[n]) continue;
    seen[n] = true;
    if (const auto* c = n->as<ir::Call>()) {
      bool math = ir::fn_info(c->fn).cost == ir::FnCost::Math;
      ns += math ? 4.0 : 0.3;
      if (math && calls_math) *calls_math = true;
    } else {
      ns += 0.1;
    }
    for (const ir::NodePtr& k : ir::children(*n)) stack.push_back(k.get());
  }
  return ns;
}

}  // namespace jitexpr

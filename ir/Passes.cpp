#include "ir/Passes.h"

#include "ir/Verifier.h"
#include "ir/passes/CommonSubexpressions.h"
#include "ir/passes/FoldConstants.h"

#include <cassert>

namespace jitexpr::ir {

Program run_passes(Program p, const PassLogger& log) {
  auto step = [&](std::string_view name) {
    assert(verify(p).empty() && "a pass broke an IR invariant");
    if (log) log(name, p);
  };
  step("infer");
  p.root = fold_constants(p.root);
  step("fold-constants");
  p.root = eliminate_common_subexpressions(p.root);
  step("cse");
  return p;
}

}  // namespace jitexpr::ir

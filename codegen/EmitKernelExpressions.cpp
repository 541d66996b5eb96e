// Kernel codegen: scalar expressions (see KernelEmitter.h).
#include "codegen/KernelEmitter.h"

#include "ir/DTypeRules.h"

#include <llvm/IR/MDBuilder.h>

#include <cassert>

namespace jitexpr::codegen::kernel_emit {

Val KernelEmitter::scalar(const ir::Node& n) {
  SourceRange saved = cur_range_;
  cur_range_ = n.range;
  Val v = compute(n);
  cur_range_ = saved;
  return v;
}

Val KernelEmitter::compute(const ir::Node& n) {
  switch (n.kind) {
    case NodeKind::Const: return constant(n.cast<ir::Const>().value);
    case NodeKind::Local: return read_scalar(st_.locals[static_cast<std::size_t>(n.cast<ir::Local>().slot)]);
    case NodeKind::Cast: {
      const auto& c = n.cast<ir::Cast>();
      return cast(scalar(*c.operand), c.operand->type, n.type);
    }
    case NodeKind::Unary: {
      const auto& u = n.cast<ir::Unary>();
      return unary(u.op, u.type, scalar(*u.operand));
    }
    case NodeKind::Binary: {
      const auto& bn = n.cast<ir::Binary>();
      const auto* k = bn.rhs->as<ir::Const>();
      Val a = scalar(*bn.lhs);
      Val c = scalar(*bn.rhs);
      cur_range_ = n.range;
      return binary(bn.op, bn.lhs->type, a, c, k ? &k->value : nullptr);
    }
    case NodeKind::Select: {
      const auto& s = n.cast<ir::Select>();
      Val c = scalar(*s.cond), x = scalar(*s.if_true), y = scalar(*s.if_false);
      return select(c, x, y);
    }
    case NodeKind::Call: {
      const auto& c = n.cast<ir::Call>();
      std::vector<Val> args;
      for (const NodePtr& a : c.args) args.push_back(scalar(*a));
      return call(c.fn, c.type, c.args.empty() ? c.type : c.args[0]->type, args);
    }
    case NodeKind::Load: {
      const auto& l = n.cast<ir::Load>();
      ArrayVal a = array(*l.array);
      return load_typed(element(a, ir::ktype_of(*l.array), l.indices, n.range), n.type);
    }
    case NodeKind::Dim: {
      const auto& d = n.cast<ir::Dim>();
      ArrayVal a = array(*d.array);
      if (d.axis >= 0) return {a.shape[static_cast<std::size_t>(d.axis)], nullptr};
      llvm::Value* size = b_.getInt64(1);
      for (llvm::Value* s : a.shape) size = b_.CreateMul(size, s);
      return {size, nullptr};
    }
    case NodeKind::Invoke: {
      const auto& c = n.cast<ir::Invoke>();
      llvm::Value* ret = invoke(c, result_slot(16));
      if (c.ktype.none) return {b_.getFalse(), nullptr};
      return load_typed(ret, n.type);
    }
    case NodeKind::Random: {
      const auto& r = n.cast<ir::Random>();
      llvm::Value* x = b_.CreateCall(helper("jx_random"), {st_.ctx});
      if (!r.lo) return {x, nullptr};
      llvm::Value* lo = scalar(*r.lo).v;
      llvm::Value* hi = scalar(*r.hi).v;
      return {b_.CreateFAdd(lo, b_.CreateFMul(b_.CreateFSub(hi, lo), x)), nullptr};
    }
    case NodeKind::Logical: {
      const auto& l = n.cast<ir::Logical>();
      llvm::Value* a = scalar(*l.lhs).v;
      llvm::BasicBlock* from = b_.GetInsertBlock();
      auto* rhs_bb = llvm::BasicBlock::Create(ctx_, l.is_and ? "and" : "or", st_.fn);
      auto* join = llvm::BasicBlock::Create(ctx_, "logic.end", st_.fn);
      if (l.is_and) b_.CreateCondBr(a, rhs_bb, join);
      else b_.CreateCondBr(a, join, rhs_bb);
      b_.SetInsertPoint(rhs_bb);
      llvm::Value* c = scalar(*l.rhs).v;
      llvm::BasicBlock* rhs_end = b_.GetInsertBlock();
      b_.CreateBr(join);
      b_.SetInsertPoint(join);
      llvm::PHINode* phi = b_.CreatePHI(b_.getInt1Ty(), 2);
      phi->addIncoming(b_.getInt1(!l.is_and), from);
      phi->addIncoming(c, rhs_end);
      return {phi, nullptr};
    }
    case NodeKind::Cond: {
      const auto& c = n.cast<ir::Cond>();
      llvm::Value* cond = scalar(*c.cond).v;
      auto* t_bb = llvm::BasicBlock::Create(ctx_, "cond.true", st_.fn);
      auto* f_bb = llvm::BasicBlock::Create(ctx_, "cond.false", st_.fn);
      auto* join = llvm::BasicBlock::Create(ctx_, "cond.end", st_.fn);
      b_.CreateCondBr(cond, t_bb, f_bb);
      b_.SetInsertPoint(t_bb);
      Val x = scalar(*c.if_true);
      llvm::BasicBlock* t_end = b_.GetInsertBlock();
      b_.CreateBr(join);
      b_.SetInsertPoint(f_bb);
      Val y = scalar(*c.if_false);
      llvm::BasicBlock* f_end = b_.GetInsertBlock();
      b_.CreateBr(join);
      b_.SetInsertPoint(join);
      auto phi = [&](llvm::Value* a, llvm::Value* b) {
        llvm::PHINode* p = b_.CreatePHI(a->getType(), 2);
        p->addIncoming(a, t_end);
        p->addIncoming(b, f_end);
        return p;
      };
      Val r{phi(x.v, y.v), nullptr};
      if (x.im) r.im = phi(x.im, y.im);
      return r;
    }
    case NodeKind::NewArray:
    case NodeKind::Operand:
    case NodeKind::Reduce: break;
  }
  assert(false && "not a scalar kernel node");
  return {};
}

}  // namespace jitexpr::codegen::kernel_emit

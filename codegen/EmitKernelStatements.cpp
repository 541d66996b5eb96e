// Kernel codegen: statements, counted loops and their interrupt checks (see KernelEmitter.h).
#include "codegen/KernelEmitter.h"

#include "ir/DTypeRules.h"

#include <llvm/IR/MDBuilder.h>

#include <cassert>

namespace jitexpr::codegen::kernel_emit {

// Fails with JX_INTERRUPTED at `r` (the loop's header) once the host's interrupt flag is set.
void KernelEmitter::check_interrupt(SourceRange r) {
  llvm::Value* set = b_.CreateCall(helper("jx_interrupted"), {st_.ctx});
  check(b_.CreateICmpNE(set, b_.getInt32(0)), JX_INTERRUPTED, r);
}

// One count of the function's countdown (kPollInterval above): looks at the flag when it runs out.
void KernelEmitter::poll_interrupt(SourceRange r) {
  if (!st_.while_budget) {
    // Zero at the function's entry (make_slot): its first while iteration checks.
    st_.while_budget = make_slot(KType::scalar(DType::Int64), "while.budget").re;
  }
  auto* poll = llvm::BasicBlock::Create(ctx_, "while.poll", st_.fn);
  auto* go_on = llvm::BasicBlock::Create(ctx_, "while.cond", st_.fn);
  llvm::Value* left = b_.CreateSub(b_.CreateLoad(i64(), st_.while_budget), b_.getInt64(1));
  b_.CreateStore(left, st_.while_budget);
  llvm::MDBuilder mdb(ctx_);
  b_.CreateCondBr(b_.CreateICmpSLE(left, b_.getInt64(0)), poll, go_on, mdb.createBranchWeights(1, kPollInterval));
  b_.SetInsertPoint(poll);
  check_interrupt(r);
  b_.CreateStore(b_.getInt64(kPollInterval), st_.while_budget);
  b_.CreateBr(go_on);
  b_.SetInsertPoint(go_on);
}

void KernelEmitter::block(const ir::KBlock& b) {
  for (const ir::KStmtPtr& s : b) {
    if (terminated()) return;
    stmt(*s);
  }
}

void KernelEmitter::assign_local(int slot, const NodePtr& v) {
  const LocalSlot& s = st_.locals[static_cast<std::size_t>(slot)];
  if (s.type.is_array()) write_array(s, array(*v));
  else write_scalar(s, scalar(*v));
}

void KernelEmitter::stmt(const ir::KStmt& s) {
  switch (s.kind) {
    case ir::KStmtKind::Eval: {
      const NodePtr& v = s.cast<ir::k::Eval>().value;
      if (ir::ktype_of(*v).is_array()) array(*v);
      else scalar(*v);
      return;
    }
    case ir::KStmtKind::SetLocal: {
      const auto& a = s.cast<ir::k::SetLocal>();
      assign_local(a.slot, a.value);
      return;
    }
    case ir::KStmtKind::Store: {
      const auto& st = s.cast<ir::k::Store>();
      ArrayVal a = array(*st.array);
      llvm::Value* addr = element(a, ir::ktype_of(*st.array), st.indices, st.range);
      Val v = scalar(*st.value);
      store_typed(addr, v, st.value->type);
      return;
    }
    case ir::KStmtKind::If: {
      const auto& i = s.cast<ir::k::If>();
      llvm::Value* c = scalar(*i.cond).v;
      auto* then_bb = llvm::BasicBlock::Create(ctx_, "then", st_.fn);
      auto* else_bb = llvm::BasicBlock::Create(ctx_, "else", st_.fn);
      auto* join = llvm::BasicBlock::Create(ctx_, "endif", st_.fn);
      b_.CreateCondBr(c, then_bb, else_bb);
      b_.SetInsertPoint(then_bb);
      block(i.then_body);
      if (!terminated()) b_.CreateBr(join);
      b_.SetInsertPoint(else_bb);
      block(i.else_body);
      if (!terminated()) b_.CreateBr(join);
      b_.SetInsertPoint(join);
      return;
    }
    case ir::KStmtKind::While: {
      const auto& w = s.cast<ir::k::While>();
      auto* head = llvm::BasicBlock::Create(ctx_, "while", st_.fn);
      auto* body = llvm::BasicBlock::Create(ctx_, "while.body", st_.fn);
      auto* exit = llvm::BasicBlock::Create(ctx_, "while.end", st_.fn);
      b_.CreateBr(head);
      b_.SetInsertPoint(head);
      if (o_.interruptible) poll_interrupt(w.range);
      b_.CreateCondBr(scalar(*w.cond).v, body, exit);
      b_.SetInsertPoint(body);
      st_.loops.push_back({exit, head});
      block(w.body);
      st_.loops.pop_back();
      if (!terminated()) b_.CreateBr(head);
      b_.SetInsertPoint(exit);
      return;
    }
    case ir::KStmtKind::For: {
      const auto& f = s.cast<ir::k::For>();
      if (f.parallel) parallel_for(f);
      else serial_for(f);
      return;
    }
    case ir::KStmtKind::Break: b_.CreateBr(st_.loops.back().brk); return;
    case ir::KStmtKind::Continue: b_.CreateBr(st_.loops.back().cont); return;
    case ir::KStmtKind::Return: {
      const auto& r = s.cast<ir::k::Return>();
      if (r.value) {
        KType t = ir::ktype_of(*r.value);
        if (t.is_array()) store_descriptor(st_.ret, array(*r.value));
        else store_typed(st_.ret, scalar(*r.value), t.dtype);
      }
      b_.CreateRet(b_.getInt32(0));
      return;
    }
  }
}

// for var in range(start, stop, step)
void KernelEmitter::serial_for(const ir::k::For& f) {
  llvm::Value* start = scalar(*f.start).v;
  llvm::Value* stop = scalar(*f.stop).v;
  const auto* kstep = f.step->as<ir::Const>();
  llvm::Value* step = scalar(*f.step).v;
  if (!kstep) check(b_.CreateICmpEQ(step, b_.getInt64(0)), JX_ZERO_STEP, f.step->range);
  if (kstep && kstep->value.i == 0) check(b_.getTrue(), JX_ZERO_STEP, f.step->range);
  std::optional<std::int64_t> ks;
  if (kstep) ks = kstep->value.i;
  counted_loop(
      start, stop, step, ks, o_.interruptible && !short_loop(f) ? poll_of(f.body) : Poll::None,
      /*nuw=*/false, f.range,
      [&](llvm::Value* i) { write_scalar(st_.locals[static_cast<std::size_t>(f.var)], {i, nullptr}); }, f.body);
}

// Constant bounds at most kForChunk apart: the loop ends soon, and needs no check.
bool KernelEmitter::short_loop(const ir::k::For& f) {
  const auto* kstart = f.start->as<ir::Const>();
  const auto* kstop = f.stop->as<ir::Const>();
  if (!kstart || !kstop) return false;
  __int128 d = static_cast<__int128>(kstop->value.i) - kstart->value.i;
  return d <= kForChunk && -d <= kForChunk;
}

bool KernelEmitter::has_checked_loop(const ir::KBlock& b) {
  for (const ir::KStmtPtr& s : b) {
    switch (s->kind) {
      case ir::KStmtKind::While: return true;
      case ir::KStmtKind::For:
        if (!short_loop(s->cast<ir::k::For>()) || has_checked_loop(s->cast<ir::k::For>().body)) return true;
        break;
      case ir::KStmtKind::If:
        if (has_checked_loop(s->cast<ir::k::If>().then_body) || has_checked_loop(s->cast<ir::k::If>().else_body)) {
          return true;
        }
        break;
      default: break;
    }
  }
  return false;
}

// i from `start` while i < stop (i > stop for a negative step), by `step` (`kstep` when
// constant, not 0): `enter(i)` starts each iteration, then `body` runs (break and continue go
// to the loop's end and to its next iteration). `poll` says how it checks the interrupt flag.
void KernelEmitter::counted_loop(llvm::Value* start, llvm::Value* stop, llvm::Value* step,
                                 std::optional<std::int64_t> kstep, Poll poll, bool nuw, SourceRange where,
                                 const std::function<void(llvm::Value*)>& enter, const ir::KBlock& body_stmts) {
  CountedLoop l{step,
                kstep,
                nuw,
                where,
                enter,
                body_stmts,
                make_slot(KType::scalar(DType::Int64), "iv").re,
                llvm::BasicBlock::Create(ctx_, "for.end", st_.fn)};
  b_.CreateStore(start, l.iv);
  if (poll != Poll::Chunks) {
    iterations(l, stop, l.exit, poll == Poll::EachIteration);
    b_.SetInsertPoint(l.exit);
    return;
  }
  // A run longer than one chunk goes in chunks; a shorter one is the plain loop. Each is a loop
  // of its own (the body emitted twice), so that the short runs of an inner loop keep all of
  // the plain loop's code quality.
  auto* plain = llvm::BasicBlock::Create(ctx_, "for.plain", st_.fn);
  auto* chunked = llvm::BasicBlock::Create(ctx_, "for.chunked", st_.fn);
  llvm::Value* span = chunk_span(l);
  b_.CreateCondBr(b_.CreateAnd(goes_on(l, start, stop), b_.CreateICmpUGT(distance(l, start, stop), span)), chunked,
                  plain);
  b_.SetInsertPoint(plain);
  iterations(l, stop, l.exit, false);

  b_.SetInsertPoint(chunked);
  auto* chunk = llvm::BasicBlock::Create(ctx_, "for.chunk", st_.fn);
  auto* next = llvm::BasicBlock::Create(ctx_, "for.chunk.next", st_.fn);
  b_.CreateBr(chunk);
  b_.SetInsertPoint(chunk);
  llvm::Value* i = b_.CreateLoad(i64(), l.iv);
  b_.CreateCondBr(goes_on(l, i, stop), next, l.exit);
  b_.SetInsertPoint(next);
  check_interrupt(where);
  // The chunk ends kForChunk steps on, or at stop if that is nearer.
  llvm::Value* ahead = up(l) == b_.getTrue() ? b_.CreateAdd(i, span)
                                             : b_.CreateSelect(up(l), b_.CreateAdd(i, span), b_.CreateSub(i, span));
  llvm::Value* end = b_.CreateSelect(b_.CreateICmpUGT(distance(l, i, stop), span), ahead, stop);
  if (kstep) {
    // The chunk lies between start and stop: true by construction, but the optimizer cannot
    // see it through the loop over chunks. Said as a branch (never taken; an llvm.assume is
    // dropped too early to help), it lets the optimizer remove the same index checks and
    // negative-index wraparounds, and vectorize the chunk, as it does for the whole loop.
    bool asc = *kstep > 0;
    llvm::Value* inside = b_.CreateAnd(asc ? b_.CreateICmpSGE(i, start) : b_.CreateICmpSLE(i, start),
                                       asc ? b_.CreateICmpSLE(end, stop) : b_.CreateICmpSGE(end, stop));
    check(b_.CreateNot(inside), JX_INTERRUPTED, where);
  }
  iterations(l, end, chunk, false);
  b_.SetInsertPoint(l.exit);
}

llvm::Value* KernelEmitter::up(const CountedLoop& l) {
  return l.kstep ? b_.getInt1(*l.kstep > 0) : b_.CreateICmpSGT(l.step, b_.getInt64(0));
}

llvm::Value* KernelEmitter::goes_on(const CountedLoop& l, llvm::Value* i, llvm::Value* bound) {
  if (l.kstep) return *l.kstep > 0 ? b_.CreateICmpSLT(i, bound) : b_.CreateICmpSGT(i, bound);
  return b_.CreateSelect(up(l), b_.CreateICmpSLT(i, bound), b_.CreateICmpSGT(i, bound));
}

// |stop - i| where the loop goes on from i: exact in unsigned arithmetic (up to 2^64 - 1).
llvm::Value* KernelEmitter::distance(const CountedLoop& l, llvm::Value* i, llvm::Value* stop) {
  return b_.CreateSelect(up(l), b_.CreateSub(stop, i), b_.CreateSub(i, stop));
}

// kForChunk steps as an unsigned distance; a step too large to take that often makes chunks
// of one iteration.
llvm::Value* KernelEmitter::chunk_span(const CountedLoop& l) {
  llvm::Value* abs_step = b_.CreateSelect(up(l), l.step, b_.CreateNeg(l.step));
  return b_.CreateSelect(b_.CreateICmpUGT(abs_step, b_.getInt64(INT64_MAX / kForChunk)), abs_step,
                         b_.CreateMul(abs_step, b_.getInt64(kForChunk)));
}

// The loop from the variable's value to `bound` (at most the loop's stop), then to `done`;
// `poll` counts each iteration down on the function's countdown.
void KernelEmitter::iterations(const CountedLoop& l, llvm::Value* bound, llvm::BasicBlock* done, bool poll) {
  auto* head = llvm::BasicBlock::Create(ctx_, "for", st_.fn);
  auto* body = llvm::BasicBlock::Create(ctx_, "for.body", st_.fn);
  auto* latch = llvm::BasicBlock::Create(ctx_, "for.next", st_.fn);
  b_.CreateBr(head);
  b_.SetInsertPoint(head);
  llvm::Value* i = b_.CreateLoad(i64(), l.iv);
  b_.CreateCondBr(goes_on(l, i, bound), body, done);
  b_.SetInsertPoint(body);
  l.enter(i);
  st_.loops.push_back({l.exit, latch});
  block(l.body);
  st_.loops.pop_back();
  if (!terminated()) b_.CreateBr(latch);
  b_.SetInsertPoint(latch);
  if (poll) poll_interrupt(l.where);
  llvm::Value* cur = b_.CreateLoad(i64(), l.iv);
  if (l.kstep && (*l.kstep == 1 || *l.kstep == -1)) {
    // i < stop <= INT64_MAX (or i > stop >= INT64_MIN): i + 1 (i - 1) cannot wrap.
    b_.CreateStore(b_.CreateAdd(cur, l.step, "", l.nuw, true), l.iv);
    b_.CreateBr(head);
  } else {
    // A step that passes an int64 limit ends the loop, as Python's range does (a wrapped value
    // would start it over).
    llvm::Value* next = b_.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_with_overflow, cur, l.step);
    b_.CreateStore(b_.CreateExtractValue(next, 0), l.iv);
    b_.CreateCondBr(b_.CreateExtractValue(next, 1), l.exit, head);
  }
}

}  // namespace jitexpr::codegen::kernel_emit

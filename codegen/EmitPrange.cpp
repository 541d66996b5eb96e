// Kernel codegen: prange loops, outlined into bodies the host runs per block (see KernelEmitter.h).
#include "codegen/KernelEmitter.h"

#include "ir/DTypeRules.h"

#include <llvm/IR/MDBuilder.h>

#include <cassert>

namespace jitexpr::codegen::kernel_emit {

// The identity of a reduction's operator, in the local's type.
Val KernelEmitter::identity(BinOp op, DType t) {
  auto num = [&](double v) -> Val {
    if (is_bool(t)) return {b_.getInt1(v != 0), nullptr};
    if (is_integer(t)) return {iconst(t, static_cast<std::int64_t>(v)), nullptr};
    if (is_complex(t)) return {fconst(t, v), fconst(t, 0.0)};
    return {fconst(t, v), nullptr};
  };
  switch (op) {
    case BinOp::Mul: return num(1);
    case BinOp::BitAnd: return num(-1);
    default: return num(0);
  }
}

// The step combining two partial values of a reduction (a -= x per block sums the negatives).
Val KernelEmitter::combine_partials(BinOp op, DType t, Val acc, Val x) {
  BinOp c = op == BinOp::Sub ? BinOp::Add : op;
  return binary(c, t, acc, x, nullptr);
}

// for var in prange(start, stop): the body is outlined into a jx_body_fn; every local is copied
// into an environment it starts from (so each block sees the values before the loop), and each
// reduction's partials come back per block, combined here in block order.
void KernelEmitter::parallel_for(const ir::k::For& f) {
  llvm::Value* start = scalar(*f.start).v;
  llvm::Value* stop = scalar(*f.stop).v;
  llvm::Value* n = b_.CreateSub(stop, start);
  n = b_.CreateSelect(b_.CreateICmpSGT(n, b_.getInt64(0)), n, b_.getInt64(0));

  // The environment: every local's value, and `start`.
  std::vector<llvm::Type*> fields = {i64()};
  for (const LocalSlot& l : st_.locals) flatten_type(l.type, fields);
  auto* env_ty = llvm::StructType::get(ctx_, fields);
  llvm::Value* env = b_.CreateAlloca(env_ty);
  std::vector<llvm::Value*> values = {start};
  for (const LocalSlot& l : st_.locals) flatten_value(l, values);
  for (std::size_t i = 0; i < values.size(); ++i)
    b_.CreateStore(values[i], b_.CreateStructGEP(env_ty, env, static_cast<unsigned>(i)));

  std::size_t nred = f.reductions.size();
  std::uint64_t partial_bytes = 16 * std::max<std::size_t>(nred, 1);
  auto* partials_ty = llvm::ArrayType::get(b_.getInt8Ty(), partial_bytes * JX_PRANGE_BLOCKS);
  llvm::Value* partials = b_.CreateAlloca(partials_ty);

  llvm::Function* body = outline(f, env_ty);
  llvm::Value* status =
      b_.CreateCall(helper("jx_parallel_for"),
                    {st_.ctx, body, env, n, partials, b_.getInt64(static_cast<std::int64_t>(partial_bytes))});
  propagate(status);
  if (nred == 0) return;

  // Combine block 0, 1, ... in order into each reduction's local.
  llvm::Value* blocks =
      b_.CreateSelect(b_.CreateICmpSLT(n, b_.getInt64(JX_PRANGE_BLOCKS)), n, b_.getInt64(JX_PRANGE_BLOCKS));
  llvm::Value* kv = make_slot(KType::scalar(DType::Int64), "block").re;
  b_.CreateStore(b_.getInt64(0), kv);
  auto* head = llvm::BasicBlock::Create(ctx_, "combine", st_.fn);
  auto* loop = llvm::BasicBlock::Create(ctx_, "combine.body", st_.fn);
  auto* exit = llvm::BasicBlock::Create(ctx_, "combine.end", st_.fn);
  b_.CreateBr(head);
  b_.SetInsertPoint(head);
  llvm::Value* k = b_.CreateLoad(i64(), kv);
  b_.CreateCondBr(b_.CreateICmpSLT(k, blocks), loop, exit);
  b_.SetInsertPoint(loop);
  for (std::size_t r = 0; r < nred; ++r) {
    const ir::Reduction& red = f.reductions[r];
    const LocalSlot& l = st_.locals[static_cast<std::size_t>(red.slot)];
    llvm::Value* off = b_.CreateAdd(b_.CreateMul(k, b_.getInt64(static_cast<std::int64_t>(partial_bytes))),
                                    b_.getInt64(static_cast<std::int64_t>(16 * r)));
    Val part = load_typed(b_.CreateInBoundsGEP(b_.getInt8Ty(), partials, off), l.type.dtype);
    write_scalar(l, combine_partials(red.op, l.type.dtype, read_scalar(l), part));
  }
  b_.CreateStore(b_.CreateAdd(k, b_.getInt64(1)), kv);
  b_.CreateBr(head);
  b_.SetInsertPoint(exit);
}

void KernelEmitter::flatten_value(const LocalSlot& l, std::vector<llvm::Value*>& out) {
  if (l.type.is_array()) {
    ArrayVal a = read_array(l);
    out.push_back(a.data);
    for (llvm::Value* v : a.shape) out.push_back(v);
    for (llvm::Value* v : a.strides) out.push_back(v);
    return;
  }
  Val v = read_scalar(l);
  out.push_back(v.v);
  if (v.im) out.push_back(v.im);
}

// int32_t body(ctx, env, begin, end, partials)
llvm::Function* KernelEmitter::outline(const ir::k::For& f, llvm::StructType* env_ty) {
  FnState saved = std::move(st_);
  llvm::IRBuilderBase::InsertPoint ip = b_.saveIP();
  auto* fty = llvm::FunctionType::get(b_.getInt32Ty(), {ptr(), ptr(), i64(), i64(), ptr()}, false);
  auto* fn = llvm::Function::Create(fty, llvm::GlobalValue::InternalLinkage, saved.kf->symbol + ".prange", m_);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  new_function_state(fn, *saved.kf);
  make_locals(*saved.kf);
  llvm::Value* env = fn->getArg(1);
  unsigned field = 0;
  llvm::Value* start = b_.CreateLoad(i64(), b_.CreateStructGEP(env_ty, env, field++));
  auto next = [&](llvm::Type* t) { return b_.CreateLoad(t, b_.CreateStructGEP(env_ty, env, field++)); };
  for (LocalSlot& l : st_.locals) {
    if (l.type.is_array()) {
      ArrayVal a;
      a.data = next(ptr());
      for (int i = 0; i < l.type.rank; ++i) a.shape.push_back(next(i64()));
      for (int i = 0; i < l.type.rank; ++i) a.strides.push_back(next(i64()));
      write_array(l, a);
    } else {
      Val v{next(part_type(l.type.dtype)), nullptr};
      if (is_complex(l.type.dtype)) v.im = next(part_type(l.type.dtype));
      write_scalar(l, v);
    }
  }
  for (const ir::Reduction& r : f.reductions) {
    const LocalSlot& l = st_.locals[static_cast<std::size_t>(r.slot)];
    write_scalar(l, identity(r.op, l.type.dtype));
  }
  // Each block looks at the flag first: also the blocks too short for chunks stop there.
  if (o_.interruptible) check_interrupt(f.range);
  // for i in [begin, end): var = start + i
  counted_loop(
      fn->getArg(2), fn->getArg(3), b_.getInt64(1), 1, o_.interruptible ? poll_of(f.body) : Poll::None,
      /*nuw=*/true, f.range,
      [&](llvm::Value* i) {
        write_scalar(st_.locals[static_cast<std::size_t>(f.var)], {b_.CreateAdd(start, i, "", false, true), nullptr});
      },
      f.body);
  for (std::size_t r = 0; r < f.reductions.size(); ++r) {
    const LocalSlot& l = st_.locals[static_cast<std::size_t>(f.reductions[r].slot)];
    store_typed(b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), fn->getArg(4), 16 * r), read_scalar(l), l.type.dtype);
  }
  b_.CreateRet(b_.getInt32(0));
  st_ = std::move(saved);
  b_.restoreIP(ip);
  return fn;
}

}  // namespace jitexpr::codegen::kernel_emit

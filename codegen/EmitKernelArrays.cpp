// Kernel codegen: array elements, new arrays and calls (see KernelEmitter.h).
#include "codegen/KernelEmitter.h"

#include "ir/DTypeRules.h"

#include <llvm/IR/MDBuilder.h>

#include <cassert>

namespace jitexpr::codegen::kernel_emit {

// The address of array[indices], bounds-checked (negative indices count from the end).
llvm::Value* KernelEmitter::element(const ArrayVal& a, const KType& t, const std::vector<NodePtr>& indices,
                                    SourceRange r) {
  std::vector<llvm::Value*> idx;
  for (std::size_t k = 0; k < indices.size(); ++k) {
    llvm::Value* i = scalar(*indices[k]).v;
    llvm::Value* n = a.shape[k];
    llvm::Value* w = b_.CreateSelect(b_.CreateICmpSLT(i, b_.getInt64(0)), b_.CreateAdd(i, n), i);
    if (o_.boundscheck) {
      check(b_.CreateICmpUGE(w, n), JX_INDEX, r, i, n, b_.getInt64(static_cast<std::int64_t>(k)));
    }
    idx.push_back(w);
  }
  if (t.contiguous) {
    // Row-major element offset: LLVM sees the unit inner stride.
    llvm::Value* off = idx[0];
    for (std::size_t k = 1; k < idx.size(); ++k)
      off = b_.CreateAdd(b_.CreateMul(off, a.shape[k], "", true, true), idx[k], "", true, true);
    if (is_complex(t.dtype)) return b_.CreateInBoundsGEP(part_type(t.dtype), a.data, b_.CreateShl(off, 1));
    return b_.CreateInBoundsGEP(mem_type(t.dtype), a.data, off);
  }
  llvm::Value* bytes = b_.getInt64(0);
  for (std::size_t k = 0; k < idx.size(); ++k) bytes = b_.CreateAdd(bytes, b_.CreateMul(idx[k], a.strides[k]));
  return b_.CreateInBoundsGEP(b_.getInt8Ty(), a.data, bytes);
}

ArrayVal KernelEmitter::array(const ir::Node& n) {
  SourceRange saved = cur_range_;
  cur_range_ = n.range;
  ArrayVal a;
  switch (n.kind) {
    case NodeKind::Local: a = read_array(st_.locals[static_cast<std::size_t>(n.cast<ir::Local>().slot)]); break;
    case NodeKind::Invoke: a = invoke_array(n.cast<ir::Invoke>()); break;
    case NodeKind::NewArray: a = new_array(n.cast<ir::NewArray>()); break;
    default: assert(false && "not an array-valued node");
  }
  cur_range_ = saved;
  return a;
}

ArrayVal KernelEmitter::new_array(const ir::NewArray& na) {
  int rank = static_cast<int>(na.dims.size());
  auto* dims_ty = llvm::ArrayType::get(i64(), static_cast<std::uint64_t>(rank));
  llvm::Value* dims = b_.CreateAlloca(dims_ty);
  ArrayVal a;
  for (int i = 0; i < rank; ++i) {
    a.shape.push_back(scalar(*na.dims[static_cast<std::size_t>(i)]).v);
    b_.CreateStore(a.shape.back(), b_.CreateConstInBoundsGEP1_64(i64(), dims, static_cast<std::uint64_t>(i)));
  }
  std::int64_t dtype = static_cast<std::int64_t>(na.type);
  a.data = b_.CreateCall(helper("jx_new_array"),
                         {st_.ctx, b_.getInt64(rank), dims, b_.getInt64(dtype), b_.getInt32(na.fill == ir::Fill::Zeros),
                          b_.getInt32(na.range.begin), b_.getInt32(na.range.end)});
  auto* ok = llvm::BasicBlock::Create(ctx_, "allocated", st_.fn);
  b_.CreateCondBr(b_.CreateIsNull(a.data), st_.fail, ok);
  b_.SetInsertPoint(ok);
  a = normalize(a, na.ktype());
  if (na.fill == ir::Fill::Ones || na.fill == ir::Fill::Full) {
    Val v = na.value ? scalar(*na.value) : ones(na.type);
    llvm::Value* total = b_.getInt64(1);
    for (llvm::Value* d : a.shape) total = b_.CreateMul(total, d);
    fill(a.data, total, na.type, v);
  }
  return a;
}

Val KernelEmitter::ones(DType t) {
  if (is_bool(t)) return {b_.getTrue(), nullptr};
  if (is_integer(t)) return {iconst(t, 1), nullptr};
  if (is_complex(t)) return {fconst(t, 1.0), fconst(t, 0.0)};
  return {fconst(t, 1.0), nullptr};
}

void KernelEmitter::fill(llvm::Value* data, llvm::Value* count, DType t, Val v) {
  llvm::Value* iv = make_slot(KType::scalar(DType::Int64), "fill").re;
  b_.CreateStore(b_.getInt64(0), iv);
  auto* head = llvm::BasicBlock::Create(ctx_, "fill", st_.fn);
  auto* body = llvm::BasicBlock::Create(ctx_, "fill.body", st_.fn);
  auto* exit = llvm::BasicBlock::Create(ctx_, "fill.end", st_.fn);
  b_.CreateBr(head);
  b_.SetInsertPoint(head);
  llvm::Value* i = b_.CreateLoad(i64(), iv);
  b_.CreateCondBr(b_.CreateICmpSLT(i, count), body, exit);
  b_.SetInsertPoint(body);
  llvm::Value* addr = is_complex(t) ? b_.CreateInBoundsGEP(part_type(t), data, b_.CreateShl(i, 1))
                                    : b_.CreateInBoundsGEP(mem_type(t), data, i);
  store_typed(addr, v, t);
  b_.CreateStore(b_.CreateAdd(i, b_.getInt64(1)), iv);
  b_.CreateBr(head);
  b_.SetInsertPoint(exit);
}

// Calls a specialization; its result lands in a temporary.
llvm::Value* KernelEmitter::invoke(const ir::Invoke& c, llvm::Value* ret) {
  std::vector<llvm::Value*> args = {st_.ctx};
  const ir::KFunction& callee = *p_.functions[static_cast<std::size_t>(c.callee)];
  for (std::size_t i = 0; i < c.args.size(); ++i) {
    const KType& pt = callee.params[i];
    if (pt.is_array()) {
      ArrayVal a = array(*c.args[i]);
      args.push_back(a.data);
      for (llvm::Value* v : a.shape) args.push_back(v);
      for (llvm::Value* v : a.strides) args.push_back(v);
    } else {
      Val v = scalar(*c.args[i]);
      args.push_back(v.v);
      if (v.im) args.push_back(v.im);
    }
  }
  args.push_back(ret);
  propagate(b_.CreateCall(fns_[static_cast<std::size_t>(c.callee)], args));
  return ret;
}

llvm::Value* KernelEmitter::result_slot(std::uint64_t bytes) {
  llvm::IRBuilder<> entry(&st_.fn->getEntryBlock(), st_.fn->getEntryBlock().begin());
  return entry.CreateAlloca(llvm::ArrayType::get(b_.getInt8Ty(), bytes), nullptr, "result");
}

ArrayVal KernelEmitter::invoke_array(const ir::Invoke& c) {
  llvm::Value* ret = invoke(c, result_slot(8 + 16 * static_cast<std::uint64_t>(c.ktype.rank)));
  return normalize(load_descriptor(ret, c.ktype.rank), c.ktype);
}

}  // namespace jitexpr::codegen::kernel_emit

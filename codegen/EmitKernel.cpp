// Kernel codegen: statements to control flow, locals to allocas (mem2reg makes them registers),
// arrays to a data pointer with shape and stride values, prange bodies to outlined functions that
// the host's parallel_for runs per block.
// The emitter's parts are listed in KernelEmitter.h.
#include "codegen/KernelEmitter.h"

#include "ir/DTypeRules.h"

#include <llvm/IR/MDBuilder.h>

#include <cassert>

namespace jitexpr::codegen::kernel_emit {

void KernelEmitter::emit(llvm::StringRef entry_name) {
  for (const auto& f : p_.functions) declare(*f);
  for (std::size_t i = 0; i < p_.functions.size(); ++i) define(*p_.functions[i], fns_[i]);
  emit_entry(entry_name);
}

void KernelEmitter::flatten_type(const KType& t, std::vector<llvm::Type*>& out) {
  if (t.is_array()) {
    out.push_back(ptr());
    for (int i = 0; i < 2 * t.rank; ++i) out.push_back(i64());
    return;
  }
  out.push_back(part_type(t.dtype));
  if (is_complex(t.dtype)) out.push_back(part_type(t.dtype));
}

void KernelEmitter::declare(const ir::KFunction& f) {
  std::vector<llvm::Type*> params = {ptr()};
  for (const KType& t : f.params) flatten_type(t, params);
  params.push_back(ptr());
  auto* fty = llvm::FunctionType::get(b_.getInt32Ty(), params, false);
  auto* fn = llvm::Function::Create(fty, llvm::GlobalValue::InternalLinkage, f.symbol, m_);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  fns_.push_back(fn);
}

// An array descriptor in memory: {ptr data; i64 shape[rank]; i64 strides[rank]}.
ArrayVal KernelEmitter::load_descriptor(llvm::Value* addr, int rank) {
  ArrayVal a;
  a.data = b_.CreateLoad(ptr(), addr);
  for (int i = 0; i < 2 * rank; ++i) {
    llvm::Value* field = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), addr, 8 + 8 * static_cast<std::uint64_t>(i));
    (i < rank ? a.shape : a.strides).push_back(b_.CreateLoad(i64(), field));
  }
  return a;
}

void KernelEmitter::store_descriptor(llvm::Value* addr, const ArrayVal& a) {
  b_.CreateStore(a.data, addr);
  std::size_t rank = a.shape.size();
  for (std::size_t i = 0; i < 2 * rank; ++i) {
    llvm::Value* field = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), addr, 8 + 8 * i);
    b_.CreateStore(i < rank ? a.shape[i] : a.strides[i - rank], field);
  }
}

// Contiguous arrays: the strides follow from the shape, so LLVM sees unit inner strides.
ArrayVal KernelEmitter::normalize(ArrayVal a, const KType& t) {
  if (!t.contiguous) return a;
  llvm::Value* s = b_.getInt64(static_cast<std::int64_t>(dtype_size(t.dtype)));
  a.strides.assign(a.shape.size(), nullptr);
  for (int i = t.rank - 1; i >= 0; --i) {
    a.strides[static_cast<std::size_t>(i)] = s;
    if (i) s = b_.CreateMul(s, a.shape[static_cast<std::size_t>(i)], "", true, true);
  }
  return a;
}

LocalSlot KernelEmitter::make_slot(const KType& t, const std::string& name) {
  LocalSlot s;
  s.type = t;
  llvm::IRBuilder<> entry(&st_.fn->getEntryBlock(), st_.fn->getEntryBlock().begin());
  if (t.is_array()) {
    s.data = entry.CreateAlloca(ptr(), nullptr, name + ".data");
    entry.CreateStore(llvm::ConstantPointerNull::get(b_.getPtrTy()), s.data);
    for (int i = 0; i < t.rank; ++i) {
      s.shape.push_back(entry.CreateAlloca(i64(), nullptr, name + ".shape"));
      entry.CreateStore(b_.getInt64(0), s.shape.back());
      s.strides.push_back(entry.CreateAlloca(i64(), nullptr, name + ".stride"));
      entry.CreateStore(b_.getInt64(0), s.strides.back());
    }
    return s;
  }
  llvm::Type* pt = part_type(t.dtype);
  s.re = entry.CreateAlloca(pt, nullptr, name);
  entry.CreateStore(llvm::Constant::getNullValue(pt), s.re);
  if (is_complex(t.dtype)) {
    s.im = entry.CreateAlloca(pt, nullptr, name + ".im");
    entry.CreateStore(llvm::Constant::getNullValue(pt), s.im);
  }
  return s;
}

void KernelEmitter::make_locals(const ir::KFunction& f) {
  st_.locals.clear();
  for (const ir::KLocal& l : f.locals) st_.locals.push_back(make_slot(l.type, l.name));
}

Val KernelEmitter::read_scalar(const LocalSlot& s) {
  llvm::Type* pt = part_type(s.type.dtype);
  Val v{b_.CreateLoad(pt, s.re), nullptr};
  if (s.im) v.im = b_.CreateLoad(pt, s.im);
  return v;
}

void KernelEmitter::write_scalar(const LocalSlot& s, Val v) {
  b_.CreateStore(v.v, s.re);
  if (s.im) b_.CreateStore(v.im, s.im);
}

ArrayVal KernelEmitter::read_array(const LocalSlot& s) {
  ArrayVal a;
  a.data = b_.CreateLoad(ptr(), s.data);
  for (std::size_t i = 0; i < s.shape.size(); ++i) {
    a.shape.push_back(b_.CreateLoad(i64(), s.shape[i]));
    a.strides.push_back(b_.CreateLoad(i64(), s.strides[i]));
  }
  return normalize(a, s.type);
}

void KernelEmitter::write_array(const LocalSlot& s, const ArrayVal& a) {
  b_.CreateStore(a.data, s.data);
  for (std::size_t i = 0; i < s.shape.size(); ++i) {
    b_.CreateStore(a.shape[i], s.shape[i]);
    b_.CreateStore(a.strides[i], s.strides[i]);
  }
}

void KernelEmitter::new_function_state(llvm::Function* fn, const ir::KFunction& kf) {
  st_ = FnState{};
  st_.fn = fn;
  st_.kf = &kf;
  st_.ctx = fn->getArg(0);
  auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn);
  st_.fail = llvm::BasicBlock::Create(ctx_, "fail", fn);
  b_.SetInsertPoint(st_.fail);
  b_.CreateRet(b_.getInt32(1));
  b_.SetInsertPoint(entry);
}

void KernelEmitter::define(const ir::KFunction& f, llvm::Function* fn) {
  new_function_state(fn, f);
  make_locals(f);
  unsigned arg = 1;
  for (int i = 0; i < f.num_params; ++i) {
    const KType& pt = f.params[static_cast<std::size_t>(i)];
    const LocalSlot& slot = st_.locals[static_cast<std::size_t>(i)];
    if (pt.is_array()) {
      ArrayVal a;
      a.data = fn->getArg(arg++);
      for (int d = 0; d < pt.rank; ++d) a.shape.push_back(fn->getArg(arg++));
      for (int d = 0; d < pt.rank; ++d) a.strides.push_back(fn->getArg(arg++));
      write_array(slot, normalize(a, pt));
    } else {
      Val v{fn->getArg(arg++), nullptr};
      if (is_complex(pt.dtype)) v.im = fn->getArg(arg++);
      write_scalar(slot, cast(v, pt.dtype, slot.type.dtype));
    }
  }
  st_.ret = fn->getArg(arg);
  block(f.body);
  if (!b_.GetInsertBlock()->getTerminator()) b_.CreateRet(b_.getInt32(0));  // falls off the end: None
}

// int32_t entry(ctx, void* const* args, void* ret)
void KernelEmitter::emit_entry(llvm::StringRef name) {
  const ir::KFunction& f = p_.entry();
  auto* fty = llvm::FunctionType::get(b_.getInt32Ty(), {ptr(), ptr(), ptr()}, false);
  auto* fn = llvm::Function::Create(fty, llvm::GlobalValue::ExternalLinkage, name, m_);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
  std::vector<llvm::Value*> args = {fn->getArg(0)};
  for (int i = 0; i < f.num_params; ++i) {
    const KType& t = f.params[static_cast<std::size_t>(i)];
    llvm::Value* addr =
        b_.CreateLoad(ptr(), b_.CreateConstInBoundsGEP1_64(ptr(), fn->getArg(1), static_cast<std::uint64_t>(i)));
    if (t.is_array()) {
      ArrayVal a = load_descriptor(addr, t.rank);
      args.push_back(a.data);
      for (llvm::Value* v : a.shape) args.push_back(v);
      for (llvm::Value* v : a.strides) args.push_back(v);
    } else {
      Val v = load_typed(addr, t.dtype);
      args.push_back(v.v);
      if (v.im) args.push_back(v.im);
    }
  }
  args.push_back(fn->getArg(2));
  b_.CreateRet(b_.CreateCall(fns_[0], args));
}

// Branches to a block that records `code` and fails when `bad` holds; continues otherwise.
void KernelEmitter::check(llvm::Value* bad, jx_error_code code, SourceRange r, llvm::Value* a, llvm::Value* bv,
                          llvm::Value* c) {
  auto* raise_bb = llvm::BasicBlock::Create(ctx_, "raise", st_.fn);
  auto* ok = llvm::BasicBlock::Create(ctx_, "ok", st_.fn);
  llvm::MDBuilder mdb(ctx_);
  b_.CreateCondBr(bad, raise_bb, ok, mdb.createBranchWeights(1, 1 << 20));
  b_.SetInsertPoint(raise_bb);
  llvm::Value* zero = b_.getInt64(0);
  b_.CreateCall(helper("jx_raise"), {st_.ctx, b_.getInt32(code), b_.getInt32(r.begin), b_.getInt32(r.end), a ? a : zero,
                                     bv ? bv : zero, c ? c : zero});
  b_.CreateBr(st_.fail);
  b_.SetInsertPoint(ok);
}

void KernelEmitter::raise(llvm::Value* cond, jx_error_code code) { check(cond, code, cur_range_); }

// A call's status: on failure, this function fails too.
void KernelEmitter::propagate(llvm::Value* status) {
  auto* ok = llvm::BasicBlock::Create(ctx_, "ok", st_.fn);
  llvm::MDBuilder mdb(ctx_);
  b_.CreateCondBr(b_.CreateICmpNE(status, b_.getInt32(0)), st_.fail, ok, mdb.createBranchWeights(1, 1 << 20));
  b_.SetInsertPoint(ok);
}

}  // namespace jitexpr::codegen::kernel_emit

namespace jitexpr::codegen {

void emit_kernel_program(const ir::KProgram& p, const KernelCodegenOptions& o, llvm::Module& m, llvm::StringRef name) {
  kernel_emit::KernelEmitter(p, o, m).emit(name);
}

}  // namespace jitexpr::codegen

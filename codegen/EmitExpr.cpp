// Expression codegen: one loop, one pass over the operands, no temporaries.
#include "codegen/EmitExpr.h"

#include "codegen/ScalarOps.h"

#include <llvm/Analysis/ValueTracking.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsX86.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/TargetParser/Triple.h>

#include <cassert>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace jitexpr::codegen {

namespace {

using ir::NodeKind;
using ir::NodePtr;

class ExprEmitter : ScalarOps {
 public:
  ExprEmitter(const ir::Program& p, llvm::Module& m) : ScalarOps(m), p_(p) {}

  void emit(llvm::StringRef name) {
    const ir::Reduce* red = p_.reduction();
    llvm::Type* i64 = b_.getInt64Ty();
    llvm::Type* ptr = b_.getPtrTy();
    std::vector<llvm::Type*> params = {i64, ptr, ptr};
    if (red) params.push_back(ptr);
    auto* fty = llvm::FunctionType::get(b_.getInt32Ty(), params, false);
    fn_ = llvm::Function::Create(fty, llvm::GlobalValue::ExternalLinkage, name, m_);
    fn_->addFnAttr(llvm::Attribute::NoUnwind);
    fn_->addFnAttr(llvm::Attribute::NoRecurse);
    llvm::Value* n = fn_->getArg(0);
    llvm::Value* ptrs = fn_->getArg(1);
    llvm::Value* strides = fn_->getArg(2);
    for (unsigned a = 0; a < 3; ++a) fn_->addParamAttr(a, llvm::Attribute::NoUndef);
    fn_->addParamAttr(1, llvm::Attribute::ReadOnly);
    fn_->addParamAttr(2, llvm::Attribute::ReadOnly);

    auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn_);
    auto* loop = llvm::BasicBlock::Create(ctx_, "loop", fn_);
    auto* exit = llvm::BasicBlock::Create(ctx_, "exit", fn_);
    b_.SetInsertPoint(entry);
    flags_ = b_.CreateAlloca(b_.getInt32Ty(), nullptr, "flags");
    b_.CreateStore(b_.getInt32(0), flags_);

    if (!red) {
      llvm::MDBuilder mdb(ctx_);
      llvm::MDNode* domain = mdb.createAnonymousAliasScopeDomain("jitexpr.slots");
      for (std::size_t k = 0; k < p_.operands.size() + 1; ++k) scopes_.push_back(mdb.createAnonymousAliasScope(domain));
    }
    // Base pointers and run-time strides, read once.
    std::size_t slots = p_.operands.size() + 1;
    bases_.resize(slots);
    strides_.resize(slots, nullptr);
    for (std::size_t s = 0; s < slots; ++s) {
      bases_[s] = b_.CreateLoad(ptr, b_.CreateConstInBoundsGEP1_64(ptr, ptrs, s), "base");
      if (s == 0 && streaming()) b_.CreateAlignmentAssumption(m_.getDataLayout(), bases_[0], ir::kStreamingAlignment);
      bool strided = s == 0 ? p_.out_layout == ir::Layout::Strided : p_.operands[s - 1].layout == ir::Layout::Strided;
      if (strided) strides_[s] = b_.CreateLoad(i64, b_.CreateConstInBoundsGEP1_64(i64, strides, s), "stride");
    }
    // Scalar operands: loaded in the entry block, once.
    for (std::size_t i = 0; i < p_.operands.size(); ++i) {
      if (p_.operands[i].layout == ir::Layout::Scalar) scalar_vals_[static_cast<int>(i)] = load_at(i + 1, b_.getInt64(0));
    }
    llvm::Value* acc_ptr = red ? fn_->getArg(3) : nullptr;
    Val acc_init;
    if (red) acc_init = load_typed(acc_ptr, red->type);
    llvm::BasicBlock* pre = b_.GetInsertBlock();
    b_.CreateCondBr(b_.CreateICmpSGT(n, b_.getInt64(0)), loop, exit);

    b_.SetInsertPoint(loop);
    llvm::PHINode* i = b_.CreatePHI(i64, 2, "i");
    i->addIncoming(b_.getInt64(0), pre);
    index_ = i;
    llvm::PHINode *acc_re = nullptr, *acc_im = nullptr;
    if (red) {
      acc_re = b_.CreatePHI(acc_init.v->getType(), 2, "acc");
      acc_re->addIncoming(acc_init.v, pre);
      if (acc_init.im) {
        acc_im = b_.CreatePHI(acc_init.im->getType(), 2, "acc.im");
        acc_im->addIncoming(acc_init.im, pre);
      }
      Val x = value(red->operand);
      Val next = combine(red->op, red->type, {acc_re, acc_im}, x);
      acc_next_ = next;  // the phis get it once the latch block is known
    } else {
      Val r = value(p_.root);
      store_at(0, i, r, p_.result_type());
    }
    llvm::Value* next_i = b_.CreateAdd(i, b_.getInt64(1), "i.next", true, true);
    llvm::BasicBlock* latch = b_.GetInsertBlock();
    i->addIncoming(next_i, latch);
    if (red) {
      acc_re->addIncoming(acc_next_.v, latch);
      if (acc_im) acc_im->addIncoming(acc_next_.im, latch);
    }
    b_.CreateCondBr(b_.CreateICmpEQ(next_i, n), exit, loop);

    b_.SetInsertPoint(exit);
    if (red) {
      llvm::PHINode* out_re = b_.CreatePHI(acc_init.v->getType(), 2);
      out_re->addIncoming(acc_init.v, pre);
      out_re->addIncoming(acc_next_.v, latch);
      Val out{out_re, nullptr};
      if (acc_im) {
        llvm::PHINode* out_im = b_.CreatePHI(acc_init.im->getType(), 2);
        out_im->addIncoming(acc_init.im, pre);
        out_im->addIncoming(acc_next_.im, latch);
        out.im = out_im;
      }
      store_typed(acc_ptr, out, red->type);
    }
    b_.CreateRet(b_.CreateLoad(b_.getInt32Ty(), flags_));
  }

 private:
  bool streaming() const { return p_.streaming_stores && p_.out_layout == ir::Layout::Contiguous && !p_.reduction(); }

  // Alias scopes: the output and each operand are separate memory. The runtime guarantees it,
  // except that an output may be exactly an input (same address and strides: `a = a * 2`), which
  // an element-wise loop that reads element i before writing element i handles correctly. Without
  // these, LLVM's run-time overlap check sends every in-place evaluation to the scalar loop.
  void set_alias_tags(std::size_t slot) {
    if (scopes_.empty()) return;
    if (slot == 0) {
      tag_scope_ = llvm::MDNode::get(ctx_, {scopes_[0]});
      std::vector<llvm::Metadata*> others(scopes_.begin() + 1, scopes_.end());
      tag_noalias_ = llvm::MDNode::get(ctx_, others);
    } else {
      tag_scope_ = llvm::MDNode::get(ctx_, {scopes_[slot]});
      tag_noalias_ = llvm::MDNode::get(ctx_, {scopes_[0]});
    }
  }
  void clear_alias_tags() { tag_scope_ = tag_noalias_ = nullptr; }
  // The address of element `i` of slot `s` (0: the output, 1 + k: operand k).
  llvm::Value* address(std::size_t s, llvm::Value* i) {
    DType t = s == 0 ? p_.result_type() : p_.operands[s - 1].dtype;
    ir::Layout layout = s == 0 ? p_.out_layout : p_.operands[s - 1].layout;
    if (layout == ir::Layout::Scalar) return bases_[s];
    if (layout == ir::Layout::Strided) return b_.CreateInBoundsGEP(b_.getInt8Ty(), bases_[s], b_.CreateMul(i, strides_[s]));
    if (t == DType::Bytes) {
      std::uint64_t width = p_.operands[s - 1].itemsize;
      return b_.CreateInBoundsGEP(b_.getInt8Ty(), bases_[s], b_.CreateMul(i, b_.getInt64(width)));
    }
    if (is_complex(t)) return b_.CreateInBoundsGEP(mem_type(t), bases_[s], b_.CreateShl(i, 1));
    return b_.CreateInBoundsGEP(mem_type(t), bases_[s], i);
  }

  Val load_at(std::size_t s, llvm::Value* i) {
    DType t = p_.operands[s - 1].dtype;
    llvm::Value* addr = address(s, i);
    if (t == DType::Bytes) return {addr, b_.getInt64(p_.operands[s - 1].itemsize)};
    set_alias_tags(s);
    Val v = load_typed(addr, t);
    clear_alias_tags();
    return v;
  }

  void store_at(std::size_t s, llvm::Value* i, Val v, DType t) {
    llvm::Value* addr = address(s, i);
    set_alias_tags(s);
    store_typed(addr, v, t);
    clear_alias_tags();
  }

  Val value(const NodePtr& n) {
    if (auto it = memo_.find(n.get()); it != memo_.end()) return it->second;
    Val v = compute(*n);
    memo_[n.get()] = v;
    return v;
  }

  Val compute(const ir::Node& n) {
    switch (n.kind) {
      case NodeKind::Const: return constant(n.cast<ir::Const>().value);
      case NodeKind::Operand: {
        int slot = n.cast<ir::Operand>().slot;
        if (auto it = scalar_vals_.find(slot); it != scalar_vals_.end()) return it->second;
        return load_at(static_cast<std::size_t>(slot) + 1, index_);
      }
      case NodeKind::Cast: {
        const auto& c = n.cast<ir::Cast>();
        return cast(value(c.operand), c.operand->type, n.type);
      }
      case NodeKind::Unary: {
        const auto& u = n.cast<ir::Unary>();
        return unary(u.op, u.type, value(u.operand));
      }
      case NodeKind::Binary: {
        const auto& bn = n.cast<ir::Binary>();
        const auto* k = bn.rhs->as<ir::Const>();
        return binary(bn.op, bn.lhs->type, value(bn.lhs), value(bn.rhs), k ? &k->value : nullptr);
      }
      case NodeKind::Select: {
        const auto& s = n.cast<ir::Select>();
        Val c = value(s.cond), x = value(s.if_true), y = value(s.if_false);
        return select(c, x, y);
      }
      case NodeKind::Call: {
        const auto& c = n.cast<ir::Call>();
        std::vector<Val> args;
        for (const NodePtr& a : c.args) args.push_back(value(a));
        return call(c.fn, c.type, c.args.empty() ? c.type : c.args[0]->type, args);
      }
      case NodeKind::Reduce:
      case NodeKind::Local:
      case NodeKind::Load:
      case NodeKind::Dim:
      case NodeKind::Invoke:
      case NodeKind::NewArray:
      case NodeKind::Random:
      case NodeKind::Logical:
      case NodeKind::Cond:
        break;
    }
    assert(false && "a reduction is only ever the root; kernel nodes are emitted by EmitKernel");
    return {};
  }

  void raise(llvm::Value* cond, jx_error_code code) override {
    llvm::Value* old = b_.CreateLoad(b_.getInt32Ty(), flags_);
    llvm::Value* bit = b_.CreateSelect(cond, b_.getInt32(JX_ERROR_BIT(code)), b_.getInt32(0));
    b_.CreateStore(b_.CreateOr(old, bit), flags_);
  }


  const ir::Program& p_;
  llvm::Function* fn_ = nullptr;
  llvm::Value* flags_ = nullptr;
  llvm::Value* index_ = nullptr;
  std::vector<llvm::Value*> bases_;
  std::vector<llvm::Metadata*> scopes_;  // per slot, element-wise kernels only
  std::vector<llvm::Value*> strides_;
  std::unordered_map<int, Val> scalar_vals_;
  std::unordered_map<const ir::Node*, Val> memo_;
  Val acc_next_;
};

}  // namespace

void emit_expression(const ir::Program& p, llvm::Module& m, llvm::StringRef name) {
  ExprEmitter(p, m).emit(name);
}

void mark_streaming_stores(llvm::Module& m, llvm::StringRef name) {
  if (!llvm::Triple(m.getTargetTriple()).isX86()) return;  // sfence and movnt are x86's
  llvm::Function* f = m.getFunction(name);
  llvm::Argument* ptrs = f->getArg(1);
  const llvm::DataLayout& dl = m.getDataLayout();
  llvm::MDNode* one = llvm::MDNode::get(m.getContext(), llvm::ConstantAsMetadata::get(
                                                            llvm::ConstantInt::get(llvm::Type::getInt32Ty(m.getContext()), 1)));
  bool marked = false;
  for (llvm::BasicBlock& bb : *f) {
    for (llvm::Instruction& inst : bb) {
      auto* st = llvm::dyn_cast<llvm::StoreInst>(&inst);
      if (!st || !st->getValueOperand()->getType()->isVectorTy()) continue;
      // A non-temporal vector store needs its natural alignment (the output base's alignment,
      // assumed in the entry block, gave the vectorizer's stores theirs); the scalar remainder's
      // stores stay ordinary.
      if (st->getAlign().value() < dl.getTypeStoreSize(st->getValueOperand()->getType())) continue;
      // The output is slot 0: its base is loaded from ptrs[0].
      const auto* base = llvm::dyn_cast<llvm::LoadInst>(llvm::getUnderlyingObject(st->getPointerOperand()));
      if (base && base->getPointerOperand() == ptrs) {
        st->setMetadata(llvm::LLVMContext::MD_nontemporal, one);
        marked = true;
      }
    }
  }
  if (!marked) return;
  // Non-temporal stores are weakly ordered: an sfence before returning makes them visible before
  // anything the caller stores next (the executor's "block done"), as after glibc's streaming memcpy.
  llvm::Function* sfence = llvm::Intrinsic::getDeclaration(&m, llvm::Intrinsic::x86_sse_sfence);
  for (llvm::BasicBlock& bb : *f) {
    if (auto* ret = llvm::dyn_cast<llvm::ReturnInst>(bb.getTerminator())) llvm::CallInst::Create(sfence, {}, "", ret);
  }
}

}  // namespace jitexpr::codegen

// Scalar operations in LLVM IR, shared by expression and kernel codegen: one value of a dtype at a
// time (the vectorizer widens the loops around them). Casts with numpy's rules, the operators with
// the semantics of docs/semantics.md, the built-in functions, reductions' combining steps, and the
// loads and stores of each dtype's memory representation.
//
// Conditions an operation cannot express in its result (an integer raised to a negative power, an
// integer division by zero in a kernel) go to raise(), which each emitter implements: expressions
// collect error bits (JX_ERROR_BIT), kernels branch to an error exit.
#pragma once

#include "base/KernelAbi.h"
#include "codegen/Compiler.h"
#include "ir/Node.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Module.h>

#include <vector>

namespace jitexpr::codegen {

// A value in registers. Complex values use both parts; bytes use `v` for the pointer and `im` for
// the length (an i64).
struct Val {
  llvm::Value* v = nullptr;
  llvm::Value* im = nullptr;
};

class ScalarOps {
 public:
  explicit ScalarOps(llvm::Module& m) : m_(m), ctx_(m.getContext()), b_(ctx_) {}
  virtual ~ScalarOps() = default;

  // The IR type of one part of a dtype (a complex dtype's real part), and of its memory form
  // (bool is a byte in memory, an i1 in registers).
  llvm::Type* part_type(DType t);
  llvm::Type* mem_type(DType t) { return t == DType::Bool ? b_.getInt8Ty() : part_type(t); }

  Val load_typed(llvm::Value* addr, DType t);
  void store_typed(llvm::Value* addr, Val v, DType t);

  Val constant(const ir::Scalar& s);
  llvm::Value* to_bool(Val x, DType from);
  Val cast(Val x, DType from, DType to);
  Val unary(UnaryOp op, DType t, Val x);
  // where(c, x, y) of two values of one type; `c` is a bool.
  Val select(Val c, Val x, Val y) {
    Val r{b_.CreateSelect(c.v, x.v, y.v), nullptr};
    if (x.im) r.im = b_.CreateSelect(c.v, x.im, y.im);
    return r;
  }
  // `t` is the type of both operands; `rhs_const` is the right operand when it is a constant
  // (small constant powers expand into multiplications).
  Val binary(BinOp op, DType t, Val a, Val c, const ir::Scalar* rhs_const);
  // A built-in function computing in `at` (its first argument's type) with result type `t`.
  Val call(ir::Fn fn, DType t, DType at, const std::vector<Val>& args);
  // One step of a reduction: acc op x.
  Val combine(ir::ReduceOp op, DType t, Val acc, Val x);

  llvm::Value* fconst(DType t, double v) { return llvm::ConstantFP::get(part_type(t), v); }
  llvm::Value* iconst(DType t, std::int64_t v) {
    return llvm::ConstantInt::get(part_type(t), static_cast<std::uint64_t>(v), true);
  }

 protected:
  // Raises `flag` where `cond` (an i1) is true.
  virtual void raise(llvm::Value* cond, jx_error_code code) = 0;
  // Kernels raise ZeroDivisionError for an integer division by zero; expressions give 0.
  virtual bool zero_division_raises() const { return false; }

  // Loads and stores made while tag_scope_ is set carry these alias-scope tags.
  template <typename I> I* tagged(I* inst) {
    if (tag_scope_) {
      inst->setMetadata(llvm::LLVMContext::MD_alias_scope, tag_scope_);
      inst->setMetadata(llvm::LLVMContext::MD_noalias, tag_noalias_);
    }
    return inst;
  }

  llvm::Function* intrinsic(llvm::Intrinsic::ID id, llvm::ArrayRef<llvm::Type*> types);
  llvm::Value* libm(llvm::StringRef base, DType t, llvm::ArrayRef<llvm::Value*> args);
  llvm::Function* helper(llvm::StringRef name);
  Val complex_helper(llvm::StringRef name, DType t, llvm::ArrayRef<Val> args);
  llvm::Value* to_double(llvm::Value* v);
  llvm::Value* convert_real(llvm::Value* v, DType from, DType to);
  llvm::Value* power_by_squaring(llvm::Value* x, std::uint64_t n, DType t);
  llvm::Value* compare(BinOp op, DType t, llvm::Value* x, llvm::Value* y);
  llvm::Value* int_binary(BinOp op, DType t, llvm::Value* x, llvm::Value* y, const ir::Scalar* rhs_const);
  llvm::Value* float_binary(BinOp op, DType t, llvm::Value* x, llvm::Value* y, const ir::Scalar* rhs_const);
  Val complex_binary(BinOp op, DType t, Val a, Val c);
  Val complex_mul(Val a, Val c);
  llvm::Value* bytes_compare(BinOp op, Val a, Val c);
  llvm::Value* is_nan(llvm::Value* x) { return b_.CreateFCmpUNO(x, x); }
  llvm::Value* fabs(llvm::Value* x) { return b_.CreateCall(intrinsic(llvm::Intrinsic::fabs, {x->getType()}), {x}); }
  llvm::Value* inf(llvm::Value* like) { return llvm::ConstantFP::getInfinity(like->getType()); }

  llvm::Module& m_;
  llvm::LLVMContext& ctx_;
  llvm::IRBuilder<> b_;
  llvm::MDNode* tag_scope_ = nullptr;
  llvm::MDNode* tag_noalias_ = nullptr;
};

}  // namespace jitexpr::codegen

// Scalar operations in LLVM IR (see ScalarOps.h).
#include "codegen/ScalarOps.h"

#include "codegen/RuntimeHelpers.h"

#include "ir/DTypeRules.h"

#include <cassert>
#include <cmath>

namespace jitexpr::codegen {

// ---- types and memory ----

llvm::Type* ScalarOps::part_type(DType t) {
  switch (t) {
    case DType::Bool: return b_.getInt1Ty();
    case DType::Int8:
    case DType::UInt8: return b_.getInt8Ty();
    case DType::Int16:
    case DType::UInt16: return b_.getInt16Ty();
    case DType::Int32:
    case DType::UInt32: return b_.getInt32Ty();
    case DType::Int64:
    case DType::UInt64: return b_.getInt64Ty();
    case DType::Float32:
    case DType::Complex64: return b_.getFloatTy();
    case DType::Float64:
    case DType::Complex128: return b_.getDoubleTy();
    case DType::Bytes: return b_.getPtrTy();
  }
  return nullptr;
}

Val ScalarOps::load_typed(llvm::Value* addr, DType t) {
  llvm::Type* mt = mem_type(t);
  if (is_complex(t)) {
    llvm::Value* re = tagged(b_.CreateLoad(mt, addr));
    llvm::Value* im = tagged(b_.CreateLoad(mt, b_.CreateConstInBoundsGEP1_64(mt, addr, 1)));
    return {re, im};
  }
  llvm::Value* v = tagged(b_.CreateLoad(mt, addr));
  if (t == DType::Bool) v = b_.CreateICmpNE(v, b_.getInt8(0));
  return {v, nullptr};
}

void ScalarOps::store_typed(llvm::Value* addr, Val v, DType t) {
  llvm::Type* mt = mem_type(t);
  if (is_complex(t)) {
    tagged(b_.CreateStore(v.v, addr));
    tagged(b_.CreateStore(v.im, b_.CreateConstInBoundsGEP1_64(mt, addr, 1)));
    return;
  }
  llvm::Value* x = t == DType::Bool ? b_.CreateZExt(v.v, b_.getInt8Ty()) : v.v;
  tagged(b_.CreateStore(x, addr));
}

// ---- helpers for calls ----

llvm::Function* ScalarOps::intrinsic(llvm::Intrinsic::ID id, llvm::ArrayRef<llvm::Type*> types) {
  return llvm::Intrinsic::getDeclaration(&m_, id, types);
}

// A libm function, declared free of side effects so the vectorizer may map it to libmvec.
llvm::Value* ScalarOps::libm(llvm::StringRef base, DType t, llvm::ArrayRef<llvm::Value*> args) {
  std::string name = base.str() + (t == DType::Float32 || t == DType::Complex64 ? "f" : "");
  llvm::Type* ft = part_type(t);
  std::vector<llvm::Type*> params(args.size(), ft);
  llvm::FunctionCallee callee = m_.getOrInsertFunction(name, llvm::FunctionType::get(ft, params, false));
  auto* f = llvm::cast<llvm::Function>(callee.getCallee());
  f->setDoesNotAccessMemory();
  f->setDoesNotThrow();
  f->setWillReturn();
  auto* call = b_.CreateCall(callee, args);
  call->setDoesNotAccessMemory();
  return call;
}

llvm::Function* ScalarOps::helper(llvm::StringRef name) { return declare_helper(m_, name); }

// A complex helper jx_c<name>(re, im) or jx_<name>(a, b, c, d), computed in double.
Val ScalarOps::complex_helper(llvm::StringRef name, DType t, llvm::ArrayRef<Val> args) {
  std::vector<llvm::Value*> flat;
  for (const Val& a : args) {
    flat.push_back(to_double(a.v));
    flat.push_back(to_double(a.im));
  }
  llvm::Value* r = b_.CreateCall(helper(name), flat);
  llvm::Value* re = b_.CreateExtractValue(r, 0);
  llvm::Value* im = b_.CreateExtractValue(r, 1);
  if (t == DType::Complex64) {
    re = b_.CreateFPTrunc(re, b_.getFloatTy());
    im = b_.CreateFPTrunc(im, b_.getFloatTy());
  }
  return {re, im};
}

llvm::Value* ScalarOps::to_double(llvm::Value* v) {
  return v->getType()->isFloatTy() ? b_.CreateFPExt(v, b_.getDoubleTy()) : v;
}

// ---- nodes ----

Val ScalarOps::constant(const ir::Scalar& s) {
  DType t = s.type;
  if (t == DType::Bytes) {
    llvm::Constant* data = llvm::ConstantDataArray::getString(ctx_, s.bytes, false);
    auto* gv = new llvm::GlobalVariable(m_, data->getType(), true, llvm::GlobalValue::PrivateLinkage, data, "bytes");
    return {gv, b_.getInt64(s.bytes.size())};
  }
  if (is_bool(t)) return {b_.getInt1(s.i != 0), nullptr};
  if (is_integer(t)) return {llvm::ConstantInt::get(part_type(t), s.u), nullptr};
  if (is_float(t)) return {fconst(t, s.c.real()), nullptr};
  return {fconst(t, s.c.real()), fconst(t, s.c.imag())};
}

llvm::Value* ScalarOps::to_bool(Val x, DType from) {
  if (is_bool(from)) return x.v;
  if (is_integer(from)) return b_.CreateICmpNE(x.v, llvm::ConstantInt::get(x.v->getType(), 0));
  llvm::Value* zero = llvm::ConstantFP::get(x.v->getType(), 0.0);
  llvm::Value* r = b_.CreateFCmpUNE(x.v, zero);
  if (is_complex(from)) r = b_.CreateOr(r, b_.CreateFCmpUNE(x.im, zero));
  return r;
}

// Real-valued conversion between non-complex types.
llvm::Value* ScalarOps::convert_real(llvm::Value* v, DType from, DType to) {
  llvm::Type* tt = part_type(to);
  bool from_int = is_integer(from) || is_bool(from);
  bool to_int = is_integer(to);
  if (from_int && to_int) return b_.CreateIntCast(v, tt, is_signed_int(from));
  if (from_int) return is_signed_int(from) ? b_.CreateSIToFP(v, tt) : b_.CreateUIToFP(v, tt);
  if (to_int) {
    // Saturating, NaN to 0: defined for every input (plain fptosi is poison out of range).
    auto id = is_signed_int(to) ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat;
    return b_.CreateCall(intrinsic(id, {tt, v->getType()}), {v});
  }
  return b_.CreateFPCast(v, tt);
}

Val ScalarOps::cast(Val x, DType from, DType to) {
  if (from == to) return x;
  if (is_bool(to)) return {to_bool(x, from), nullptr};
  DType from_real = ir::real_part_type(from);
  if (is_complex(to)) {
    DType part = ir::real_part_type(to);
    llvm::Value* re = convert_real(x.v, from_real, part);
    llvm::Value* im = is_complex(from) ? convert_real(x.im, from_real, part) : fconst(part, 0.0);
    return {re, im};
  }
  return {convert_real(x.v, from_real, to), nullptr};
}

Val ScalarOps::unary(UnaryOp op, DType t, Val x) {
  if (op == UnaryOp::Invert) return {b_.CreateNot(x.v), nullptr};
  // Neg
  if (is_integer(t)) return {b_.CreateNeg(x.v), nullptr};
  Val r{b_.CreateFNeg(x.v), nullptr};
  if (x.im) r.im = b_.CreateFNeg(x.im);
  return r;
}

// x ** n for a constant integer n >= 0, by squaring (numexpr expands small powers as well).
llvm::Value* ScalarOps::power_by_squaring(llvm::Value* x, std::uint64_t n, DType t) {
  llvm::Value* result = nullptr;
  llvm::Value* base = x;
  auto mul = [&](llvm::Value* a, llvm::Value* b) { return is_integer(t) ? b_.CreateMul(a, b) : b_.CreateFMul(a, b); };
  while (n) {
    if (n & 1) result = result ? mul(result, base) : base;
    n >>= 1;
    if (n) base = mul(base, base);
  }
  if (!result) return is_integer(t) ? iconst(t, 1) : fconst(t, 1.0);
  return result;
}

Val ScalarOps::binary(BinOp op, DType t, Val a, Val c, const ir::Scalar* rhs_const) {
  if (t == DType::Bytes) return {bytes_compare(op, a, c), nullptr};
  if (is_complex(t)) return complex_binary(op, t, a, c);
  if (is_comparison(op)) return {compare(op, t, a.v, c.v), nullptr};
  llvm::Value* x = a.v;
  llvm::Value* y = c.v;
  if (is_bool(t)) {
    switch (op) {
      case BinOp::BitAnd: return {b_.CreateAnd(x, y), nullptr};
      case BinOp::BitOr: return {b_.CreateOr(x, y), nullptr};
      case BinOp::BitXor: return {b_.CreateXor(x, y), nullptr};
      default: break;
    }
    assert(false && "inference rejects arithmetic on bool");
  }
  if (is_integer(t)) return {int_binary(op, t, x, y, rhs_const), nullptr};
  return {float_binary(op, t, x, y, rhs_const), nullptr};
}

llvm::Value* ScalarOps::compare(BinOp op, DType t, llvm::Value* x, llvm::Value* y) {
  if (is_float(t)) {
    switch (op) {
      case BinOp::Lt: return b_.CreateFCmpOLT(x, y);
      case BinOp::Le: return b_.CreateFCmpOLE(x, y);
      case BinOp::Eq: return b_.CreateFCmpOEQ(x, y);
      case BinOp::Ne: return b_.CreateFCmpUNE(x, y);
      case BinOp::Ge: return b_.CreateFCmpOGE(x, y);
      case BinOp::Gt: return b_.CreateFCmpOGT(x, y);
      default: break;
    }
  }
  bool s = is_signed_int(t);
  switch (op) {
    case BinOp::Lt: return s ? b_.CreateICmpSLT(x, y) : b_.CreateICmpULT(x, y);
    case BinOp::Le: return s ? b_.CreateICmpSLE(x, y) : b_.CreateICmpULE(x, y);
    case BinOp::Eq: return b_.CreateICmpEQ(x, y);
    case BinOp::Ne: return b_.CreateICmpNE(x, y);
    case BinOp::Ge: return s ? b_.CreateICmpSGE(x, y) : b_.CreateICmpUGE(x, y);
    case BinOp::Gt: return s ? b_.CreateICmpSGT(x, y) : b_.CreateICmpUGT(x, y);
    default: break;
  }
  assert(false && "not a comparison");
  return nullptr;
}

llvm::Value* ScalarOps::int_binary(BinOp op, DType t, llvm::Value* x, llvm::Value* y, const ir::Scalar* rhs_const) {
  bool s = is_signed_int(t);
  llvm::Type* ty = x->getType();
  llvm::Value* zero = llvm::ConstantInt::get(ty, 0);
  switch (op) {
    case BinOp::Add: return b_.CreateAdd(x, y);
    case BinOp::Sub: return b_.CreateSub(x, y);
    case BinOp::Mul: return b_.CreateMul(x, y);
    case BinOp::BitAnd: return b_.CreateAnd(x, y);
    case BinOp::BitOr: return b_.CreateOr(x, y);
    case BinOp::BitXor: return b_.CreateXor(x, y);
    case BinOp::FloorDiv:
    case BinOp::Mod: {
      // Python's floor semantics; a zero divisor gives 0 (numexpr); x // -1 wraps like -x.
      llvm::Value* is_zero = b_.CreateICmpEQ(y, zero);
      if (zero_division_raises()) raise(is_zero, JX_ZERO_DIVISION);
      if (!s) {
        llvm::Value* safe = b_.CreateSelect(is_zero, llvm::ConstantInt::get(ty, 1), y);
        llvm::Value* r = op == BinOp::FloorDiv ? b_.CreateUDiv(x, safe) : b_.CreateURem(x, safe);
        return b_.CreateSelect(is_zero, zero, r);
      }
      llvm::Value* is_m1 = b_.CreateICmpEQ(y, llvm::ConstantInt::get(ty, -1, true));
      llvm::Value* special = b_.CreateOr(is_zero, is_m1);
      llvm::Value* safe = b_.CreateSelect(special, llvm::ConstantInt::get(ty, 1), y);
      llvm::Value* q = b_.CreateSDiv(x, safe);
      llvm::Value* r = b_.CreateSRem(x, safe);
      llvm::Value* adjust = b_.CreateAnd(b_.CreateICmpNE(r, zero), b_.CreateICmpSLT(b_.CreateXor(r, y), zero));
      if (op == BinOp::FloorDiv) {
        q = b_.CreateSelect(adjust, b_.CreateSub(q, llvm::ConstantInt::get(ty, 1)), q);
        q = b_.CreateSelect(is_m1, b_.CreateNeg(x), q);
        return b_.CreateSelect(is_zero, zero, q);
      }
      r = b_.CreateSelect(adjust, b_.CreateAdd(r, y), r);
      return b_.CreateSelect(special, zero, r);
    }
    case BinOp::Pow: {
      if (const ir::Scalar* k = rhs_const) {
        assert(!(s && k->i < 0) && "inference rejects negative constant integer exponents");
        return power_by_squaring(x, k->u, t);
      }
      if (s) raise(b_.CreateICmpSLT(y, zero), JX_NEGATIVE_POWER);
      llvm::Type* i64 = b_.getInt64Ty();
      llvm::Value* wx = b_.CreateIntCast(x, i64, s);
      llvm::Value* wy = b_.CreateIntCast(y, i64, s);
      llvm::Value* r = b_.CreateCall(helper(s ? "jx_ipow_i64" : "jx_ipow_u64"), {wx, wy});
      return b_.CreateTrunc(r, ty);
    }
    case BinOp::LShift:
    case BinOp::RShift: {
      // numpy: a shift by the width or more (or by a negative count) gives 0, or -1 for a
      // negative value shifted right; LLVM's shifts would be poison there.
      unsigned bits = ty->getIntegerBitWidth();
      llvm::Value* oob = b_.CreateICmpUGE(y, llvm::ConstantInt::get(ty, bits));
      if (op == BinOp::LShift) return b_.CreateSelect(oob, zero, b_.CreateShl(x, y));
      if (s) return b_.CreateSelect(oob, b_.CreateAShr(x, llvm::ConstantInt::get(ty, bits - 1)), b_.CreateAShr(x, y));
      return b_.CreateSelect(oob, zero, b_.CreateLShr(x, y));
    }
    default: break;
  }
  assert(false && "unhandled integer operator");
  return nullptr;
}

llvm::Value* ScalarOps::float_binary(BinOp op, DType t, llvm::Value* x, llvm::Value* y, const ir::Scalar* rhs_const) {
  bool single = t == DType::Float32;
  switch (op) {
    case BinOp::Add: return b_.CreateFAdd(x, y);
    case BinOp::Sub: return b_.CreateFSub(x, y);
    case BinOp::Mul: return b_.CreateFMul(x, y);
    case BinOp::Div: return b_.CreateFDiv(x, y);
    case BinOp::FloorDiv: return b_.CreateCall(helper(single ? "jx_floordiv_f32" : "jx_floordiv_f64"), {x, y});
    case BinOp::Mod: return b_.CreateCall(helper(single ? "jx_mod_f32" : "jx_mod_f64"), {x, y});
    case BinOp::Pow: {
      if (const ir::Scalar* k = rhs_const) {
        double e = k->c.real();
        if (e == 0.5) return b_.CreateCall(intrinsic(llvm::Intrinsic::sqrt, {x->getType()}), {x});
        if (e == std::floor(e) && std::fabs(e) <= 64) {
          llvm::Value* p = power_by_squaring(x, static_cast<std::uint64_t>(std::fabs(e)), t);
          return e < 0 ? b_.CreateFDiv(fconst(t, 1.0), p) : p;
        }
      }
      return b_.CreateCall(intrinsic(llvm::Intrinsic::pow, {x->getType()}), {x, y});
    }
    default: break;
  }
  assert(false && "unhandled float operator");
  return nullptr;
}

Val ScalarOps::complex_binary(BinOp op, DType t, Val a, Val c) {
  switch (op) {
    case BinOp::Add: return {b_.CreateFAdd(a.v, c.v), b_.CreateFAdd(a.im, c.im)};
    case BinOp::Sub: return {b_.CreateFSub(a.v, c.v), b_.CreateFSub(a.im, c.im)};
    case BinOp::Mul: return complex_mul(a, c);
    case BinOp::Div: return complex_helper("jx_cdiv", t, {a, c});
    case BinOp::Pow: return complex_helper("jx_cpow", t, {a, c});
    case BinOp::Eq: return {b_.CreateAnd(b_.CreateFCmpOEQ(a.v, c.v), b_.CreateFCmpOEQ(a.im, c.im)), nullptr};
    case BinOp::Ne: return {b_.CreateOr(b_.CreateFCmpUNE(a.v, c.v), b_.CreateFCmpUNE(a.im, c.im)), nullptr};
    default: break;
  }
  assert(false && "inference rejects this complex operator");
  return {};
}

Val ScalarOps::complex_mul(Val a, Val c) {
  llvm::Value* re = b_.CreateFSub(b_.CreateFMul(a.v, c.v), b_.CreateFMul(a.im, c.im));
  llvm::Value* im = b_.CreateFAdd(b_.CreateFMul(a.v, c.im), b_.CreateFMul(a.im, c.v));
  return {re, im};
}

llvm::Value* ScalarOps::bytes_compare(BinOp op, Val a, Val c) {
  llvm::Value* r = b_.CreateCall(helper("jx_bytes_cmp"), {a.v, a.im, c.v, c.im});
  return compare(op, DType::Int32, r, b_.getInt32(0));
}

namespace {

// The math functions LLVM has intrinsics for, which it folds and vectorizes (through libmvec).
llvm::Intrinsic::ID math_intrinsic(ir::Fn fn) {
  switch (fn) {
    case ir::Fn::Sqrt: return llvm::Intrinsic::sqrt;
    case ir::Fn::Sin: return llvm::Intrinsic::sin;
    case ir::Fn::Cos: return llvm::Intrinsic::cos;
    case ir::Fn::Exp: return llvm::Intrinsic::exp;
    case ir::Fn::Log: return llvm::Intrinsic::log;
    default: return llvm::Intrinsic::not_intrinsic;
  }
}

}  // namespace

Val ScalarOps::call(ir::Fn fn, DType t, DType at, const std::vector<Val>& args) {
  Val x = args.empty() ? Val{} : args[0];
  auto unary_intrinsic = [&](llvm::Intrinsic::ID id) {
    return Val{b_.CreateCall(intrinsic(id, {x.v->getType()}), {x.v}), nullptr};
  };
  switch (fn) {
    case ir::Fn::Sqrt:
    case ir::Fn::Sin:
    case ir::Fn::Cos:
    case ir::Fn::Exp:
    case ir::Fn::Log:
    case ir::Fn::Tan:
    case ir::Fn::Arcsin:
    case ir::Fn::Arccos:
    case ir::Fn::Arctan:
    case ir::Fn::Sinh:
    case ir::Fn::Cosh:
    case ir::Fn::Tanh:
    case ir::Fn::Arcsinh:
    case ir::Fn::Arccosh:
    case ir::Fn::Arctanh:
    case ir::Fn::Expm1:
    case ir::Fn::Log1p:
    case ir::Fn::Log2:
    case ir::Fn::Log10: {
      const ir::FnInfo& info = ir::fn_info(fn);
      if (is_complex(at)) return complex_helper("jx_c" + std::string(info.name), t, {x});
      if (llvm::Intrinsic::ID id = math_intrinsic(fn); id != llvm::Intrinsic::not_intrinsic) return unary_intrinsic(id);
      return {libm(info.libm, t, {x.v}), nullptr};
    }
    case ir::Fn::Abs:
      if (is_complex(at)) return {libm("hypot", t, {x.v, x.im}), nullptr};
      if (is_float(at)) return {fabs(x.v), nullptr};
      if (is_signed_int(at)) {
        return {b_.CreateCall(intrinsic(llvm::Intrinsic::abs, {x.v->getType()}), {x.v, b_.getFalse()}), nullptr};
      }
      return x;
    case ir::Fn::Fabs: return {fabs(x.v), nullptr};
    case ir::Fn::Ceil: return unary_intrinsic(llvm::Intrinsic::ceil);
    case ir::Fn::Floor: return unary_intrinsic(llvm::Intrinsic::floor);
    case ir::Fn::Trunc: return unary_intrinsic(llvm::Intrinsic::trunc);
    case ir::Fn::Round: return unary_intrinsic(llvm::Intrinsic::roundeven);  // half to even, as numpy
    case ir::Fn::Sign: {
      if (is_integer(at)) {
        llvm::Value* zero = iconst(t, 0);
        llvm::Value* pos = b_.CreateZExt(is_signed_int(at) ? b_.CreateICmpSGT(x.v, zero) : b_.CreateICmpNE(x.v, zero), x.v->getType());
        if (!is_signed_int(at)) return {pos, nullptr};
        llvm::Value* neg = b_.CreateZExt(b_.CreateICmpSLT(x.v, zero), x.v->getType());
        return {b_.CreateSub(pos, neg), nullptr};
      }
      // numpy: 1, -1, 0 for both zeros, NaN for NaN.
      llvm::Value* r = b_.CreateSelect(b_.CreateFCmpOEQ(x.v, fconst(t, 0.0)), fconst(t, 0.0), x.v);
      r = b_.CreateSelect(b_.CreateFCmpOLT(x.v, fconst(t, 0.0)), fconst(t, -1.0), r);
      r = b_.CreateSelect(b_.CreateFCmpOGT(x.v, fconst(t, 0.0)), fconst(t, 1.0), r);
      return {r, nullptr};
    }
    case ir::Fn::Arctan2: return {libm(ir::fn_info(fn).libm, t, {x.v, args[1].v}), nullptr};
    case ir::Fn::Fmod: return {b_.CreateFRem(x.v, args[1].v), nullptr};
    case ir::Fn::Hypot: return {libm(ir::fn_info(fn).libm, t, {x.v, args[1].v}), nullptr};
    case ir::Fn::Nextafter: return {libm(ir::fn_info(fn).libm, t, {x.v, args[1].v}), nullptr};
    case ir::Fn::Copysign:
      return {b_.CreateCall(intrinsic(llvm::Intrinsic::copysign, {x.v->getType()}), {x.v, args[1].v}), nullptr};
    case ir::Fn::Maximum:
    case ir::Fn::Minimum: {
      bool mx = fn == ir::Fn::Maximum;
      llvm::Value* y = args[1].v;
      if (is_bool(t)) return {mx ? b_.CreateOr(x.v, y) : b_.CreateAnd(x.v, y), nullptr};
      if (is_integer(t)) {
        llvm::Intrinsic::ID id = is_signed_int(t) ? (mx ? llvm::Intrinsic::smax : llvm::Intrinsic::smin)
                                                  : (mx ? llvm::Intrinsic::umax : llvm::Intrinsic::umin);
        return {b_.CreateCall(intrinsic(id, {x.v->getType()}), {x.v, y}), nullptr};
      }
      // numpy's rule: (a >= b || isnan(a)) ? a : b, which propagates a NaN from either side.
      llvm::Value* keep = b_.CreateOr(mx ? b_.CreateFCmpOGE(x.v, y) : b_.CreateFCmpOLE(x.v, y), is_nan(x.v));
      return {b_.CreateSelect(keep, x.v, y), nullptr};
    }
    case ir::Fn::Isnan:
      if (is_complex(at)) return {b_.CreateOr(is_nan(x.v), is_nan(x.im)), nullptr};
      if (is_float(at)) return {is_nan(x.v), nullptr};
      return {b_.getFalse(), nullptr};
    case ir::Fn::Isinf:
      if (is_complex(at)) return {b_.CreateOr(b_.CreateFCmpOEQ(fabs(x.v), inf(x.v)), b_.CreateFCmpOEQ(fabs(x.im), inf(x.im))), nullptr};
      if (is_float(at)) return {b_.CreateFCmpOEQ(fabs(x.v), inf(x.v)), nullptr};
      return {b_.getFalse(), nullptr};
    case ir::Fn::Isfinite:
      if (is_complex(at)) return {b_.CreateAnd(b_.CreateFCmpOLT(fabs(x.v), inf(x.v)), b_.CreateFCmpOLT(fabs(x.im), inf(x.im))), nullptr};
      if (is_float(at)) return {b_.CreateFCmpOLT(fabs(x.v), inf(x.v)), nullptr};
      return {b_.getTrue(), nullptr};
    case ir::Fn::Signbit: {
      if (is_float(at)) {
        llvm::Type* it = b_.getIntNTy(x.v->getType()->getPrimitiveSizeInBits());
        return {b_.CreateICmpSLT(b_.CreateBitCast(x.v, it), llvm::ConstantInt::get(it, 0)), nullptr};
      }
      if (is_signed_int(at)) return {b_.CreateICmpSLT(x.v, iconst(at, 0)), nullptr};
      return {b_.getFalse(), nullptr};
    }
    case ir::Fn::Real: return {x.v, nullptr};
    case ir::Fn::Imag:
      if (is_complex(at)) return {x.im, nullptr};
      if (is_bool(t)) return {b_.getFalse(), nullptr};
      return {is_integer(t) ? iconst(t, 0) : fconst(t, 0.0), nullptr};
    case ir::Fn::Complex: return {x.v, args[1].v};
    case ir::Fn::Conj:
      if (is_complex(at)) return {x.v, b_.CreateFNeg(x.im)};
      return x;
    case ir::Fn::Copy: return x;
    case ir::Fn::OnesLike: {
      if (is_bool(t)) return {b_.getTrue(), nullptr};
      if (is_integer(t)) return {iconst(t, 1), nullptr};
      if (is_complex(t)) return {fconst(t, 1.0), fconst(t, 0.0)};
      return {fconst(t, 1.0), nullptr};
    }
    case ir::Fn::Contains: {
      llvm::Value* r = b_.CreateCall(helper("jx_bytes_contains"), {x.v, x.im, args[1].v, args[1].im});
      return {b_.CreateICmpNE(r, b_.getInt32(0)), nullptr};
    }
  }
  assert(false && "unhandled function");
  return {};
}

Val ScalarOps::combine(ir::ReduceOp op, DType t, Val acc, Val x) {
  auto reassoc = [](llvm::Value* v) {
    if (auto* inst = llvm::dyn_cast<llvm::Instruction>(v)) inst->setHasAllowReassoc(true);
    return v;
  };
  switch (op) {
    case ir::ReduceOp::Sum:
      if (is_integer(t)) return {b_.CreateAdd(acc.v, x.v), nullptr};
      if (is_complex(t)) return {reassoc(b_.CreateFAdd(acc.v, x.v)), reassoc(b_.CreateFAdd(acc.im, x.im))};
      return {reassoc(b_.CreateFAdd(acc.v, x.v)), nullptr};
    case ir::ReduceOp::Prod:
      if (is_integer(t)) return {b_.CreateMul(acc.v, x.v), nullptr};
      if (is_complex(t)) return complex_mul(acc, x);
      return {reassoc(b_.CreateFMul(acc.v, x.v)), nullptr};
    case ir::ReduceOp::Min:
    case ir::ReduceOp::Max: {
      bool mx = op == ir::ReduceOp::Max;
      if (is_bool(t)) return {mx ? b_.CreateOr(acc.v, x.v) : b_.CreateAnd(acc.v, x.v), nullptr};
      llvm::Intrinsic::ID id;
      if (is_float(t)) id = mx ? llvm::Intrinsic::maximum : llvm::Intrinsic::minimum;  // NaN-propagating
      else if (is_signed_int(t)) id = mx ? llvm::Intrinsic::smax : llvm::Intrinsic::smin;
      else id = mx ? llvm::Intrinsic::umax : llvm::Intrinsic::umin;
      return {b_.CreateCall(intrinsic(id, {acc.v->getType()}), {acc.v, x.v}), nullptr};
    }
  }
  return acc;
}

}  // namespace jitexpr::codegen

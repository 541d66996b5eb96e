// Kernel codegen: statements to control flow, locals to allocas (mem2reg makes them registers),
// arrays to a data pointer with shape and stride values, prange bodies to outlined functions that
// the host's parallel_for runs per block.
#include "codegen/EmitKernel.h"

#include "codegen/ScalarOps.h"
#include "ir/DTypeRules.h"

#include "base/KernelAbi.h"

#include <llvm/IR/MDBuilder.h>

#include <cassert>
#include <cstdint>
#include <functional>
#include <optional>

namespace jitexpr::codegen {

namespace {

using ir::KType;
using ir::NodeKind;
using ir::NodePtr;

// An array in registers: strides in bytes (for contiguous arrays, derived from the shape).
struct ArrayVal {
  llvm::Value* data = nullptr;
  std::vector<llvm::Value*> shape, strides;
};

// A local's storage: allocas for the parts of a scalar, or for an array's fields.
struct LocalSlot {
  KType type;
  llvm::Value* re = nullptr;
  llvm::Value* im = nullptr;
  llvm::Value* data = nullptr;
  std::vector<llvm::Value*> shape, strides;
};

struct LoopTargets {
  llvm::BasicBlock* brk;
  llvm::BasicBlock* cont;
};

// The function being emitted: a specialization or a prange body.
struct FnState {
  llvm::Function* fn = nullptr;
  llvm::Value* ctx = nullptr;
  llvm::Value* ret = nullptr;  // where a Return stores (specializations only)
  const ir::KFunction* kf = nullptr;
  std::vector<LocalSlot> locals;
  llvm::BasicBlock* fail = nullptr;  // returns 1
  std::vector<LoopTargets> loops;
  llvm::Value* while_budget = nullptr;  // loop iterations left before the next interrupt check
};

// How loops look at the host's interrupt flag (jx_context::interrupt), so that Ctrl-C stops a
// kernel within a bounded number of iterations. While loops, and counted loops with a checked loop
// inside, count their iterations down on one countdown per function (so that nesting never
// multiplies the delay) and look at the flag each kPollInterval iterations. An innermost counted
// loop longer than kForChunk iterations runs in chunks of that many, with a look before each: the
// chunk's own loop is a plain counted loop that vectorizes as the whole one would.
constexpr std::int64_t kForChunk = 1 << 16;
constexpr std::int64_t kPollInterval = 1 << 10;

class KernelEmitter : ScalarOps {
 public:
  KernelEmitter(const ir::KProgram& p, const KernelCodegenOptions& o, llvm::Module& m) : ScalarOps(m), p_(p), o_(o) {}

  void emit(llvm::StringRef entry_name) {
    for (const auto& f : p_.functions) declare(*f);
    for (std::size_t i = 0; i < p_.functions.size(); ++i) define(*p_.functions[i], fns_[i]);
    emit_entry(entry_name);
  }

 private:
  // ---- types and signatures ----

  llvm::Type* i64() { return b_.getInt64Ty(); }
  llvm::Type* ptr() { return b_.getPtrTy(); }

  void flatten_type(const KType& t, std::vector<llvm::Type*>& out) {
    if (t.is_array()) {
      out.push_back(ptr());
      for (int i = 0; i < 2 * t.rank; ++i) out.push_back(i64());
      return;
    }
    out.push_back(part_type(t.dtype));
    if (is_complex(t.dtype)) out.push_back(part_type(t.dtype));
  }

  void declare(const ir::KFunction& f) {
    std::vector<llvm::Type*> params = {ptr()};
    for (const KType& t : f.params) flatten_type(t, params);
    params.push_back(ptr());
    auto* fty = llvm::FunctionType::get(b_.getInt32Ty(), params, false);
    auto* fn = llvm::Function::Create(fty, llvm::GlobalValue::InternalLinkage, f.symbol, m_);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    fns_.push_back(fn);
  }

  // ---- memory forms ----

  // An array descriptor in memory: {ptr data; i64 shape[rank]; i64 strides[rank]}.
  ArrayVal load_descriptor(llvm::Value* addr, int rank) {
    ArrayVal a;
    a.data = b_.CreateLoad(ptr(), addr);
    for (int i = 0; i < 2 * rank; ++i) {
      llvm::Value* field = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), addr, 8 + 8 * static_cast<std::uint64_t>(i));
      (i < rank ? a.shape : a.strides).push_back(b_.CreateLoad(i64(), field));
    }
    return a;
  }

  void store_descriptor(llvm::Value* addr, const ArrayVal& a) {
    b_.CreateStore(a.data, addr);
    std::size_t rank = a.shape.size();
    for (std::size_t i = 0; i < 2 * rank; ++i) {
      llvm::Value* field = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), addr, 8 + 8 * i);
      b_.CreateStore(i < rank ? a.shape[i] : a.strides[i - rank], field);
    }
  }

  // Contiguous arrays: the strides follow from the shape, so LLVM sees unit inner strides.
  ArrayVal normalize(ArrayVal a, const KType& t) {
    if (!t.contiguous) return a;
    llvm::Value* s = b_.getInt64(static_cast<std::int64_t>(dtype_size(t.dtype)));
    a.strides.assign(a.shape.size(), nullptr);
    for (int i = t.rank - 1; i >= 0; --i) {
      a.strides[static_cast<std::size_t>(i)] = s;
      if (i) s = b_.CreateMul(s, a.shape[static_cast<std::size_t>(i)], "", true, true);
    }
    return a;
  }

  // ---- locals ----

  LocalSlot make_slot(const KType& t, const std::string& name) {
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

  void make_locals(const ir::KFunction& f) {
    st_.locals.clear();
    for (const ir::KLocal& l : f.locals) st_.locals.push_back(make_slot(l.type, l.name));
  }

  Val read_scalar(const LocalSlot& s) {
    llvm::Type* pt = part_type(s.type.dtype);
    Val v{b_.CreateLoad(pt, s.re), nullptr};
    if (s.im) v.im = b_.CreateLoad(pt, s.im);
    return v;
  }
  void write_scalar(const LocalSlot& s, Val v) {
    b_.CreateStore(v.v, s.re);
    if (s.im) b_.CreateStore(v.im, s.im);
  }
  ArrayVal read_array(const LocalSlot& s) {
    ArrayVal a;
    a.data = b_.CreateLoad(ptr(), s.data);
    for (std::size_t i = 0; i < s.shape.size(); ++i) {
      a.shape.push_back(b_.CreateLoad(i64(), s.shape[i]));
      a.strides.push_back(b_.CreateLoad(i64(), s.strides[i]));
    }
    return normalize(a, s.type);
  }
  void write_array(const LocalSlot& s, const ArrayVal& a) {
    b_.CreateStore(a.data, s.data);
    for (std::size_t i = 0; i < s.shape.size(); ++i) {
      b_.CreateStore(a.shape[i], s.shape[i]);
      b_.CreateStore(a.strides[i], s.strides[i]);
    }
  }

  // ---- functions ----

  void new_function_state(llvm::Function* fn, const ir::KFunction& kf) {
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

  void define(const ir::KFunction& f, llvm::Function* fn) {
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
  void emit_entry(llvm::StringRef name) {
    const ir::KFunction& f = p_.entry();
    auto* fty = llvm::FunctionType::get(b_.getInt32Ty(), {ptr(), ptr(), ptr()}, false);
    auto* fn = llvm::Function::Create(fty, llvm::GlobalValue::ExternalLinkage, name, m_);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
    std::vector<llvm::Value*> args = {fn->getArg(0)};
    for (int i = 0; i < f.num_params; ++i) {
      const KType& t = f.params[static_cast<std::size_t>(i)];
      llvm::Value* addr = b_.CreateLoad(ptr(), b_.CreateConstInBoundsGEP1_64(ptr(), fn->getArg(1), static_cast<std::uint64_t>(i)));
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

  // ---- errors ----

  // Branches to a block that records `code` and fails when `bad` holds; continues otherwise.
  void check(llvm::Value* bad, jx_error_code code, SourceRange r, llvm::Value* a = nullptr, llvm::Value* bv = nullptr,
             llvm::Value* c = nullptr) {
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

  void raise(llvm::Value* cond, jx_error_code code) override {
    check(cond, code, cur_range_);
  }
  bool zero_division_raises() const override { return true; }

  // A call's status: on failure, this function fails too.
  void propagate(llvm::Value* status) {
    auto* ok = llvm::BasicBlock::Create(ctx_, "ok", st_.fn);
    llvm::MDBuilder mdb(ctx_);
    b_.CreateCondBr(b_.CreateICmpNE(status, b_.getInt32(0)), st_.fail, ok, mdb.createBranchWeights(1, 1 << 20));
    b_.SetInsertPoint(ok);
  }

  // Fails with JX_INTERRUPTED at `r` (the loop's header) once the host's interrupt flag is set.
  void check_interrupt(SourceRange r) {
    llvm::Value* set = b_.CreateCall(helper("jx_interrupted"), {st_.ctx});
    check(b_.CreateICmpNE(set, b_.getInt32(0)), JX_INTERRUPTED, r);
  }

  // One count of the function's countdown (kPollInterval above): looks at the flag when it runs out.
  void poll_interrupt(SourceRange r) {
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

  // ---- statements ----

  // Emission stops after a terminator (return, break, continue) until the block ends.
  bool terminated() { return b_.GetInsertBlock()->getTerminator() != nullptr; }

  void block(const ir::KBlock& b) {
    for (const ir::KStmtPtr& s : b) {
      if (terminated()) return;
      stmt(*s);
    }
  }

  void assign_local(int slot, const NodePtr& v) {
    const LocalSlot& s = st_.locals[static_cast<std::size_t>(slot)];
    if (s.type.is_array()) write_array(s, array(*v));
    else write_scalar(s, scalar(*v));
  }

  void stmt(const ir::KStmt& s) {
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
  void serial_for(const ir::k::For& f) {
    llvm::Value* start = scalar(*f.start).v;
    llvm::Value* stop = scalar(*f.stop).v;
    const auto* kstep = f.step->as<ir::Const>();
    llvm::Value* step = scalar(*f.step).v;
    if (!kstep) check(b_.CreateICmpEQ(step, b_.getInt64(0)), JX_ZERO_STEP, f.step->range);
    if (kstep && kstep->value.i == 0) check(b_.getTrue(), JX_ZERO_STEP, f.step->range);
    std::optional<std::int64_t> ks;
    if (kstep) ks = kstep->value.i;
    counted_loop(start, stop, step, ks, o_.interruptible && !short_loop(f) ? poll_of(f.body) : Poll::None,
                 /*nuw=*/false, f.range,
                 [&](llvm::Value* i) { write_scalar(st_.locals[static_cast<std::size_t>(f.var)], {i, nullptr}); },
                 f.body);
  }

  // ---- interrupt checks of loops (kForChunk, kPollInterval above) ----

  // How a counted loop looks at the interrupt flag: not at all (a short loop, or checks off); on
  // the function's countdown each iteration (a loop with a checked loop inside: one count per
  // iteration costs little next to the inner loop, and the loop does not vectorize anyway); or,
  // for an innermost loop, in chunks when it is long (a short run takes the plain loop).
  enum class Poll : std::uint8_t { None, EachIteration, Chunks };

  // Constant bounds at most kForChunk apart: the loop ends soon, and needs no check.
  static bool short_loop(const ir::k::For& f) {
    const auto* kstart = f.start->as<ir::Const>();
    const auto* kstop = f.stop->as<ir::Const>();
    if (!kstart || !kstop) return false;
    __int128 d = static_cast<__int128>(kstop->value.i) - kstart->value.i;
    return d <= kForChunk && -d <= kForChunk;
  }

  static bool has_checked_loop(const ir::KBlock& b) {
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

  Poll poll_of(const ir::KBlock& body) { return has_checked_loop(body) ? Poll::EachIteration : Poll::Chunks; }

  // i from `start` while i < stop (i > stop for a negative step), by `step` (`kstep` when
  // constant, not 0): `enter(i)` starts each iteration, then `body` runs (break and continue go
  // to the loop's end and to its next iteration). `poll` says how it checks the interrupt flag.
  void counted_loop(llvm::Value* start, llvm::Value* stop, llvm::Value* step, std::optional<std::int64_t> kstep,
                    Poll poll, bool nuw, SourceRange where, const std::function<void(llvm::Value*)>& enter,
                    const ir::KBlock& body_stmts) {
    CountedLoop l{step, kstep, nuw, where, enter, body_stmts, make_slot(KType::scalar(DType::Int64), "iv").re,
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
    b_.CreateCondBr(b_.CreateAnd(goes_on(l, start, stop), b_.CreateICmpUGT(distance(l, start, stop), span)), chunked, plain);
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

  struct CountedLoop {
    llvm::Value* step;
    std::optional<std::int64_t> kstep;
    bool nuw;
    SourceRange where;
    const std::function<void(llvm::Value*)>& enter;
    const ir::KBlock& body;
    llvm::Value* iv;          // the loop variable's slot
    llvm::BasicBlock* exit;   // after the whole loop (break)
  };

  llvm::Value* up(const CountedLoop& l) {
    return l.kstep ? b_.getInt1(*l.kstep > 0) : b_.CreateICmpSGT(l.step, b_.getInt64(0));
  }

  llvm::Value* goes_on(const CountedLoop& l, llvm::Value* i, llvm::Value* bound) {
    if (l.kstep) return *l.kstep > 0 ? b_.CreateICmpSLT(i, bound) : b_.CreateICmpSGT(i, bound);
    return b_.CreateSelect(up(l), b_.CreateICmpSLT(i, bound), b_.CreateICmpSGT(i, bound));
  }

  // |stop - i| where the loop goes on from i: exact in unsigned arithmetic (up to 2^64 - 1).
  llvm::Value* distance(const CountedLoop& l, llvm::Value* i, llvm::Value* stop) {
    return b_.CreateSelect(up(l), b_.CreateSub(stop, i), b_.CreateSub(i, stop));
  }

  // kForChunk steps as an unsigned distance; a step too large to take that often makes chunks
  // of one iteration.
  llvm::Value* chunk_span(const CountedLoop& l) {
    llvm::Value* abs_step = b_.CreateSelect(up(l), l.step, b_.CreateNeg(l.step));
    return b_.CreateSelect(b_.CreateICmpUGT(abs_step, b_.getInt64(INT64_MAX / kForChunk)), abs_step,
                           b_.CreateMul(abs_step, b_.getInt64(kForChunk)));
  }

  // The loop from the variable's value to `bound` (at most the loop's stop), then to `done`;
  // `poll` counts each iteration down on the function's countdown.
  void iterations(const CountedLoop& l, llvm::Value* bound, llvm::BasicBlock* done, bool poll) {
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

  // The identity of a reduction's operator, in the local's type.
  Val identity(BinOp op, DType t) {
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
  Val combine_partials(BinOp op, DType t, Val acc, Val x) {
    BinOp c = op == BinOp::Sub ? BinOp::Add : op;
    return binary(c, t, acc, x, nullptr);
  }

  // for var in prange(start, stop): the body is outlined into a jx_body_fn; every local is copied
  // into an environment it starts from (so each block sees the values before the loop), and each
  // reduction's partials come back per block, combined here in block order.
  void parallel_for(const ir::k::For& f) {
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
    for (std::size_t i = 0; i < values.size(); ++i) b_.CreateStore(values[i], b_.CreateStructGEP(env_ty, env, static_cast<unsigned>(i)));

    std::size_t nred = f.reductions.size();
    std::uint64_t partial_bytes = 16 * std::max<std::size_t>(nred, 1);
    auto* partials_ty = llvm::ArrayType::get(b_.getInt8Ty(), partial_bytes * JX_PRANGE_BLOCKS);
    llvm::Value* partials = b_.CreateAlloca(partials_ty);

    llvm::Function* body = outline(f, env_ty);
    llvm::Value* status = b_.CreateCall(helper("jx_parallel_for"), {st_.ctx, body, env, n, partials, b_.getInt64(static_cast<std::int64_t>(partial_bytes))});
    propagate(status);
    if (nred == 0) return;

    // Combine block 0, 1, ... in order into each reduction's local.
    llvm::Value* blocks = b_.CreateSelect(b_.CreateICmpSLT(n, b_.getInt64(JX_PRANGE_BLOCKS)), n, b_.getInt64(JX_PRANGE_BLOCKS));
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
      llvm::Value* off = b_.CreateAdd(b_.CreateMul(k, b_.getInt64(static_cast<std::int64_t>(partial_bytes))), b_.getInt64(static_cast<std::int64_t>(16 * r)));
      Val part = load_typed(b_.CreateInBoundsGEP(b_.getInt8Ty(), partials, off), l.type.dtype);
      write_scalar(l, combine_partials(red.op, l.type.dtype, read_scalar(l), part));
    }
    b_.CreateStore(b_.CreateAdd(k, b_.getInt64(1)), kv);
    b_.CreateBr(head);
    b_.SetInsertPoint(exit);
  }

  void flatten_value(const LocalSlot& l, std::vector<llvm::Value*>& out) {
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
  llvm::Function* outline(const ir::k::For& f, llvm::StructType* env_ty) {
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
    counted_loop(fn->getArg(2), fn->getArg(3), b_.getInt64(1), 1, o_.interruptible ? poll_of(f.body) : Poll::None,
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

  // ---- expressions ----

  // The address of array[indices], bounds-checked (negative indices count from the end).
  llvm::Value* element(const ArrayVal& a, const KType& t, const std::vector<NodePtr>& indices, SourceRange r) {
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
      for (std::size_t k = 1; k < idx.size(); ++k) off = b_.CreateAdd(b_.CreateMul(off, a.shape[k], "", true, true), idx[k], "", true, true);
      if (is_complex(t.dtype)) return b_.CreateInBoundsGEP(part_type(t.dtype), a.data, b_.CreateShl(off, 1));
      return b_.CreateInBoundsGEP(mem_type(t.dtype), a.data, off);
    }
    llvm::Value* bytes = b_.getInt64(0);
    for (std::size_t k = 0; k < idx.size(); ++k) bytes = b_.CreateAdd(bytes, b_.CreateMul(idx[k], a.strides[k]));
    return b_.CreateInBoundsGEP(b_.getInt8Ty(), a.data, bytes);
  }

  ArrayVal array(const ir::Node& n) {
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

  ArrayVal new_array(const ir::NewArray& na) {
    int rank = static_cast<int>(na.dims.size());
    auto* dims_ty = llvm::ArrayType::get(i64(), static_cast<std::uint64_t>(rank));
    llvm::Value* dims = b_.CreateAlloca(dims_ty);
    ArrayVal a;
    for (int i = 0; i < rank; ++i) {
      a.shape.push_back(scalar(*na.dims[static_cast<std::size_t>(i)]).v);
      b_.CreateStore(a.shape.back(), b_.CreateConstInBoundsGEP1_64(i64(), dims, static_cast<std::uint64_t>(i)));
    }
    std::int64_t dtype = static_cast<std::int64_t>(na.type);
    a.data = b_.CreateCall(helper("jx_new_array"), {st_.ctx, b_.getInt64(rank), dims, b_.getInt64(dtype),
                                                    b_.getInt32(na.fill == ir::Fill::Zeros), b_.getInt32(na.range.begin),
                                                    b_.getInt32(na.range.end)});
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

  Val ones(DType t) {
    if (is_bool(t)) return {b_.getTrue(), nullptr};
    if (is_integer(t)) return {iconst(t, 1), nullptr};
    if (is_complex(t)) return {fconst(t, 1.0), fconst(t, 0.0)};
    return {fconst(t, 1.0), nullptr};
  }

  void fill(llvm::Value* data, llvm::Value* count, DType t, Val v) {
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
  llvm::Value* invoke(const ir::Invoke& c, llvm::Value* ret) {
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

  llvm::Value* result_slot(std::uint64_t bytes) {
    llvm::IRBuilder<> entry(&st_.fn->getEntryBlock(), st_.fn->getEntryBlock().begin());
    return entry.CreateAlloca(llvm::ArrayType::get(b_.getInt8Ty(), bytes), nullptr, "result");
  }

  ArrayVal invoke_array(const ir::Invoke& c) {
    llvm::Value* ret = invoke(c, result_slot(8 + 16 * static_cast<std::uint64_t>(c.ktype.rank)));
    return normalize(load_descriptor(ret, c.ktype.rank), c.ktype);
  }

  Val scalar(const ir::Node& n) {
    SourceRange saved = cur_range_;
    cur_range_ = n.range;
    Val v = compute(n);
    cur_range_ = saved;
    return v;
  }

  Val compute(const ir::Node& n) {
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
        Val r{b_.CreateSelect(c.v, x.v, y.v), nullptr};
        if (x.im) r.im = b_.CreateSelect(c.v, x.im, y.im);
        return r;
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

  const ir::KProgram& p_;
  KernelCodegenOptions o_;
  std::vector<llvm::Function*> fns_;
  FnState st_;
  SourceRange cur_range_;  // the node being emitted, where raise() points
};

}  // namespace

void emit_kernel_program(const ir::KProgram& p, const KernelCodegenOptions& o, llvm::Module& m, llvm::StringRef name) {
  KernelEmitter(p, o, m).emit(name);
}

}  // namespace jitexpr::codegen

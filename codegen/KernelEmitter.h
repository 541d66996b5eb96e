// The kernel emitter's class, shared by its files (see EmitKernel.h for the ABI):
//   EmitKernel.cpp            declarations, locals, functions, the entry, error checks;
//   EmitKernelStatements.cpp  statements, counted loops and their interrupt checks;
//   EmitPrange.cpp            prange loops: outlined bodies and their reductions;
//   EmitKernelArrays.cpp      array elements, new arrays and calls;
//   EmitKernelExpressions.cpp scalar expressions.
#pragma once

#include "codegen/EmitKernel.h"
#include "codegen/ScalarOps.h"

#include "base/KernelAbi.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace jitexpr::codegen::kernel_emit {

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

  void emit(llvm::StringRef entry_name);

 private:
  // ---- types and signatures ----

  llvm::Type* i64() { return b_.getInt64Ty(); }
  llvm::Type* ptr() { return b_.getPtrTy(); }

  void flatten_type(const KType& t, std::vector<llvm::Type*>& out);

  void declare(const ir::KFunction& f);

  // ---- memory forms ----

  // An array descriptor in memory: {ptr data; i64 shape[rank]; i64 strides[rank]}.
  ArrayVal load_descriptor(llvm::Value* addr, int rank);

  void store_descriptor(llvm::Value* addr, const ArrayVal& a);

  // Contiguous arrays: the strides follow from the shape, so LLVM sees unit inner strides.
  ArrayVal normalize(ArrayVal a, const KType& t);

  // ---- locals ----

  LocalSlot make_slot(const KType& t, const std::string& name);

  void make_locals(const ir::KFunction& f);

  Val read_scalar(const LocalSlot& s);
  void write_scalar(const LocalSlot& s, Val v);
  ArrayVal read_array(const LocalSlot& s);
  void write_array(const LocalSlot& s, const ArrayVal& a);

  // ---- functions ----

  void new_function_state(llvm::Function* fn, const ir::KFunction& kf);

  void define(const ir::KFunction& f, llvm::Function* fn);

  // int32_t entry(ctx, void* const* args, void* ret)
  void emit_entry(llvm::StringRef name);

  // ---- errors ----

  // Branches to a block that records `code` and fails when `bad` holds; continues otherwise.
  void check(llvm::Value* bad, jx_error_code code, SourceRange r, llvm::Value* a = nullptr, llvm::Value* bv = nullptr,
             llvm::Value* c = nullptr);

  void raise(llvm::Value* cond, jx_error_code code) override;
  bool zero_division_raises() const override { return true; }

  // A call's status: on failure, this function fails too.
  void propagate(llvm::Value* status);

  // Fails with JX_INTERRUPTED at `r` (the loop's header) once the host's interrupt flag is set.
  void check_interrupt(SourceRange r);

  // One count of the function's countdown (kPollInterval above): looks at the flag when it runs out.
  void poll_interrupt(SourceRange r);

  // ---- statements ----

  // Emission stops after a terminator (return, break, continue) until the block ends.
  bool terminated() { return b_.GetInsertBlock()->getTerminator() != nullptr; }

  void block(const ir::KBlock& b);

  void assign_local(int slot, const NodePtr& v);

  void stmt(const ir::KStmt& s);

  // for var in range(start, stop, step)
  void serial_for(const ir::k::For& f);

  // ---- interrupt checks of loops (kForChunk, kPollInterval above) ----

  // How a counted loop looks at the interrupt flag: not at all (a short loop, or checks off); on
  // the function's countdown each iteration (a loop with a checked loop inside: one count per
  // iteration costs little next to the inner loop, and the loop does not vectorize anyway); or,
  // for an innermost loop, in chunks when it is long (a short run takes the plain loop).
  enum class Poll : std::uint8_t { None, EachIteration, Chunks };

  // Constant bounds at most kForChunk apart: the loop ends soon, and needs no check.
  static bool short_loop(const ir::k::For& f);

  static bool has_checked_loop(const ir::KBlock& b);

  Poll poll_of(const ir::KBlock& body) { return has_checked_loop(body) ? Poll::EachIteration : Poll::Chunks; }

  // i from `start` while i < stop (i > stop for a negative step), by `step` (`kstep` when
  // constant, not 0): `enter(i)` starts each iteration, then `body` runs (break and continue go
  // to the loop's end and to its next iteration). `poll` says how it checks the interrupt flag.
  void counted_loop(llvm::Value* start, llvm::Value* stop, llvm::Value* step, std::optional<std::int64_t> kstep,
                    Poll poll, bool nuw, SourceRange where, const std::function<void(llvm::Value*)>& enter,
                    const ir::KBlock& body_stmts);

  struct CountedLoop {
    llvm::Value* step;
    std::optional<std::int64_t> kstep;
    bool nuw;
    SourceRange where;
    const std::function<void(llvm::Value*)>& enter;
    const ir::KBlock& body;
    llvm::Value* iv;         // the loop variable's slot
    llvm::BasicBlock* exit;  // after the whole loop (break)
  };

  llvm::Value* up(const CountedLoop& l);

  llvm::Value* goes_on(const CountedLoop& l, llvm::Value* i, llvm::Value* bound);

  // |stop - i| where the loop goes on from i: exact in unsigned arithmetic (up to 2^64 - 1).
  llvm::Value* distance(const CountedLoop& l, llvm::Value* i, llvm::Value* stop);

  // kForChunk steps as an unsigned distance; a step too large to take that often makes chunks
  // of one iteration.
  llvm::Value* chunk_span(const CountedLoop& l);

  // The loop from the variable's value to `bound` (at most the loop's stop), then to `done`;
  // `poll` counts each iteration down on the function's countdown.
  void iterations(const CountedLoop& l, llvm::Value* bound, llvm::BasicBlock* done, bool poll);

  // The identity of a reduction's operator, in the local's type.
  Val identity(BinOp op, DType t);

  // The step combining two partial values of a reduction (a -= x per block sums the negatives).
  Val combine_partials(BinOp op, DType t, Val acc, Val x);

  // for var in prange(start, stop): the body is outlined into a jx_body_fn; every local is copied
  // into an environment it starts from (so each block sees the values before the loop), and each
  // reduction's partials come back per block, combined here in block order.
  void parallel_for(const ir::k::For& f);

  void flatten_value(const LocalSlot& l, std::vector<llvm::Value*>& out);

  // int32_t body(ctx, env, begin, end, partials)
  llvm::Function* outline(const ir::k::For& f, llvm::StructType* env_ty);

  // ---- expressions ----

  // The address of array[indices], bounds-checked (negative indices count from the end).
  llvm::Value* element(const ArrayVal& a, const KType& t, const std::vector<NodePtr>& indices, SourceRange r);

  ArrayVal array(const ir::Node& n);

  ArrayVal new_array(const ir::NewArray& na);

  Val ones(DType t);

  void fill(llvm::Value* data, llvm::Value* count, DType t, Val v);

  // Calls a specialization; its result lands in a temporary.
  llvm::Value* invoke(const ir::Invoke& c, llvm::Value* ret);

  llvm::Value* result_slot(std::uint64_t bytes);

  ArrayVal invoke_array(const ir::Invoke& c);

  Val scalar(const ir::Node& n);

  Val compute(const ir::Node& n);

  const ir::KProgram& p_;
  KernelCodegenOptions o_;
  std::vector<llvm::Function*> fns_;
  FnState st_;
  SourceRange cur_range_;  // the node being emitted, where raise() points
};

}  // namespace jitexpr::codegen::kernel_emit

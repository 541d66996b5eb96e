// How a Runtime makes a Module (the module shares the runtime's JIT and threads), and the call of
// a compiled kernel entry that JIT and AOT kernels share.
#pragma once

#include <jitexpr/Module.h>

#include "base/KType.h"
#include "base/KernelAbi.h"
#include "codegen/Compiler.h"
#include "frontend/Source.h"
#include "frontend/Stmt.h"
#include "runtime/CodeStore.h"
#include "runtime/Parallel.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace jitexpr {

// What the Modules of one Runtime compiled (Runtime::stats): specializations compiled, not
// loaded from disk, and the time that took (type inference, LLVM, linking).
struct KernelCompileStats {
  std::atomic<std::uint64_t> compiles{0};
  std::atomic<std::uint64_t> compile_ns{0};
};

// What a Module shares with the Runtime that made it, and keeps alive: it may outlive the Runtime.
struct ModuleServices {
  std::shared_ptr<codegen::Jit> jit;
  std::shared_ptr<ThreadPool> pool;
  std::shared_ptr<CodeStore> disk;  // the disk cache, or null when it is off
  std::shared_ptr<KernelCompileStats> stats;
};

// Parses `source` (SyntaxError); compiles nothing until a first call. Each specialization is
// looked up in the disk cache (when there is one) before it is compiled, and stored there after.
Module make_module(ModuleServices services, std::string_view source, ModuleOptions options);

// A kernel entry (codegen/EmitKernel.h): int32_t(jx_context*, void* const* args, void* ret).
using KernelEntry = std::int32_t (*)(jx_context*, void* const*, void*);

// Where a kernel's errors point: its module's source and syntax tree.
struct KernelSource {
  virtual ~KernelSource() = default;
  virtual const Source& source() const = 0;
  // The def whose text holds `offset`: the kernel an error happened in ("?" for none).
  virtual std::string function_at(std::uint32_t offset) const = 0;
};

// Calls `entry` with `args` of types `key` (which the entry must run), in a call context with the
// pool's threads and the random stream (seed, call_index); returns the result of type `result`,
// or throws the error the kernel raised, located in `source`.
Value run_entry(KernelEntry entry, const KType& result, const Arg* args, std::size_t n, const KType* key,
                ThreadPool& pool, const KernelSource& source, std::uint64_t seed, std::uint64_t call_index);

// The type of argument i of a call of `fn`, as dispatch sees it (TypeError for what kernels do
// not take).
KType arg_type(const Arg& a, std::size_t i, const std::string& fn);

}  // namespace jitexpr

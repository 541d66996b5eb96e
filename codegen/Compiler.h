// The JIT: compiles typed programs to machine code in this process. This header is the boundary
// between the runtime and LLVM: it includes no LLVM header.
//
// One Jit owns one ORC LLJIT. Each compiled kernel lives in a JITDylib of its own (and its
// ResourceTracker), so destroying a CompiledKernel frees its code, and the same object can be
// linked again later under the same symbol name. compile() and load() are thread-safe; compiles
// at different optimization levels run concurrently (a background optimizing compile never
// holds up a fast one).
#pragma once

#include "ir/KernelIR.h"
#include "ir/Node.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace jitexpr::codegen {

using ElementwiseFn = std::int32_t (*)(std::int64_t n, char* const* ptrs, const std::int64_t* strides);
using ReduceFn = std::int32_t (*)(std::int64_t n, char* const* ptrs, const std::int64_t* strides, void* acc);

struct CompileOptions {
  int opt_level = 3;
  bool boundscheck = true;  // kernels: IndexError for indices outside their arrays
  bool interruptible = true;  // kernels: loops check the interrupt flag
};

struct CompileTimings {
  double irgen_ms = 0;     // LLVM IR generation, with the runtime helpers the program calls
  double optimize_ms = 0;  // the LLVM optimization pipeline
  double codegen_ms = 0;   // instruction selection and object emission
  double link_ms = 0;      // linking the object into the JIT
};

class CompiledKernel {
 public:
  virtual ~CompiledKernel() = default;
  ElementwiseFn elementwise() const { return reinterpret_cast<ElementwiseFn>(entry_); }
  ReduceFn reduce() const { return reinterpret_cast<ReduceFn>(entry_); }
  void* entry() const { return entry_; }
  const CompileTimings& timings() const { return timings_; }
  // The relocatable object the kernel was linked from: what a disk cache keeps.
  const std::string& object() const { return object_; }

 protected:
  void* entry_ = nullptr;
  CompileTimings timings_;
  std::string object_;
};

struct TargetSpec;  // codegen/Target.h

class Jit {
 public:
  // Compiles for this host with its own vector width.
  Jit();
  // Compiles for a chosen CPU and preferred vector width (RuntimeOptions::cpu and vector_width;
  // empty and 0 follow JITEXPR_CPU and JITEXPR_VECTOR_WIDTH). Throws jitexpr::ValueError for a
  // CPU or width that is unknown or that this host cannot run.
  Jit(std::string_view cpu, int vector_width);
  ~Jit();
  Jit(const Jit&) = delete;
  Jit& operator=(const Jit&) = delete;

  std::unique_ptr<CompiledKernel> compile(const ir::Program& p, const CompileOptions& options);
  // Links an object made by compile(), in this process or another for the same target (see
  // target_fingerprint), without any LLVM IR work. Throws std::runtime_error if it does not link.
  std::unique_ptr<CompiledKernel> load(std::string_view object);

  // For inspection: the optimized LLVM IR and the host assembly of a program's kernel.
  std::string llvm_ir(const ir::Program& p, const CompileOptions& options);
  std::string assembly(const ir::Program& p, const CompileOptions& options);

  // A kernel program (codegen/EmitKernel.h has its ABI), and its LLVM IR and assembly.
  std::unique_ptr<CompiledKernel> compile(const ir::KProgram& p, const CompileOptions& options);
  std::string llvm_ir(const ir::KProgram& p, const CompileOptions& options);
  std::string assembly(const ir::KProgram& p, const CompileOptions& options);

  // What objects compiled here depend on: the LLVM version, target triple, CPU, features and
  // vector width; and the target in words ("znver4", "x86-64-v2, 128-bit vectors").
  const std::string& target_fingerprint() const;
  const std::string& target_description() const;

  struct Impl;

 private:
  explicit Jit(const TargetSpec& target);
  std::unique_ptr<Impl> impl_;
};

// SHA-256 of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace jitexpr::codegen

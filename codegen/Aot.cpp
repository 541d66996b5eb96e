// Ahead-of-time compilation (see Aot.h): the JIT's pipeline, for a CPU chosen by name.
#include "codegen/Aot.h"

#include "codegen/EmitKernel.h"
#include "codegen/Optimizer.h"
#include "codegen/RuntimeHelpers.h"
#include "codegen/Target.h"

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Triple.h>

#include <cassert>

namespace jitexpr::codegen {

std::string describe_target(const std::string& cpu) { return resolve_target(cpu, 0, /*must_run_here=*/false).describe(); }

std::string compile_object(const std::vector<AotKernel>& kernels, const std::string& cpu, const CompileOptions& options) {
  TargetSpec target = resolve_target(cpu, 0, /*must_run_here=*/false);
  std::unique_ptr<llvm::TargetMachine> tm = make_target_machine(target, options.opt_level, /*for_jit=*/false);

  llvm::LLVMContext ctx;
  auto m = std::make_unique<llvm::Module>("jitexpr-aot", ctx);
  m->setTargetTriple(target.triple);
  std::vector<llvm::StringRef> keep;
  for (const AotKernel& k : kernels) {
    emit_kernel_program(*k.program, {options.boundscheck, options.interruptible}, *m, k.symbol);
    keep.push_back(k.symbol);
  }
  link_runtime_helpers(*m, keep);
  set_target_attributes(*m, target);
  assert(!llvm::verifyModule(*m, &llvm::errs()) && "generated IR is valid");
  m->setDataLayout(tm->createDataLayout());
  optimize_module(*m, *tm, options.opt_level, target.isa, /*slp=*/false);

  llvm::SmallVector<char, 0> bytes;
  llvm::raw_svector_ostream os(bytes);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile)) {
    throw std::runtime_error("the target cannot emit object files");
  }
  pm.run(*m);
  return std::string(bytes.data(), bytes.size());
}

}  // namespace jitexpr::codegen

// Ahead-of-time compilation (see Aot.h): the JIT's pipeline, for a CPU chosen by name.
#include "codegen/Aot.h"

#include "codegen/EmitKernel.h"
#include "codegen/Optimizer.h"
#include "codegen/RuntimeHelpers.h"
#include "codegen/Target.h"

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Triple.h>

#include <cassert>
#include <stdexcept>

namespace jitexpr::codegen {

std::string compile_object(const std::vector<AotKernel>& kernels, const std::string& cpu, const CompileOptions& options) {
  const HostTarget& host = host_target();
  std::string cpu_name = cpu == "native" ? host.cpu : cpu;
  std::string features = cpu == "native" ? host.features : "";
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(host.triple, error);
  assert(target && "the native target is registered");
  llvm::TargetOptions target_options;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(host.triple, cpu_name, features, target_options,
                                                                      llvm::Reloc::PIC_, std::nullopt,
                                                                      codegen_opt_level(options.opt_level), false));
  if (!tm || !tm->getMCSubtargetInfo()->isCPUStringValid(cpu_name)) {
    throw std::invalid_argument("unknown CPU '" + cpu + "'; use native, x86-64-v3, x86-64 or another LLVM CPU name");
  }

  llvm::LLVMContext ctx;
  auto m = std::make_unique<llvm::Module>("jitexpr-aot", ctx);
  m->setTargetTriple(host.triple);
  std::vector<llvm::StringRef> keep;
  for (const AotKernel& k : kernels) {
    emit_kernel_program(*k.program, {options.boundscheck}, *m, k.symbol);
    keep.push_back(k.symbol);
  }
  link_runtime_helpers(*m, keep);
  for (llvm::Function& f : *m) {
    if (f.isDeclaration()) continue;
    f.addFnAttr("target-cpu", cpu_name);
    if (!features.empty()) f.addFnAttr("target-features", features);
  }
  assert(!llvm::verifyModule(*m, &llvm::errs()) && "generated IR is valid");
  m->setDataLayout(tm->createDataLayout());
  optimize_module(*m, *tm, options.opt_level, /*slp=*/false);

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

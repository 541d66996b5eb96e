#include "codegen/Target.h"

#include <llvm/ADT/StringMap.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include <cassert>
#include <mutex>

namespace jitexpr::codegen {

const HostTarget& host_target() {
  static const HostTarget host = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
    HostTarget h;
    h.triple = llvm::sys::getProcessTriple();
    h.cpu = llvm::sys::getHostCPUName().str();
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    std::string list;
    for (const auto& f : features) {
      if (!list.empty()) list += ',';
      list += (f.second ? "+" : "-") + f.first().str();
    }
    h.features = list;
    h.has_avx2 = features.lookup("avx2");
    h.has_avx512 = features.lookup("avx512f") && features.lookup("avx512dq");
    return h;
  }();
  return host;
}

llvm::CodeGenOptLevel codegen_opt_level(int opt_level) {
  switch (opt_level) {
    case 0: return llvm::CodeGenOptLevel::None;
    case 1: return llvm::CodeGenOptLevel::Less;
    case 2: return llvm::CodeGenOptLevel::Default;
    default: return llvm::CodeGenOptLevel::Aggressive;
  }
}

std::unique_ptr<llvm::TargetMachine> make_host_target_machine(int opt_level) {
  const HostTarget& h = host_target();
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(h.triple, error);
  assert(target && "the native target is registered");
  llvm::TargetOptions options;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      h.triple, h.cpu, h.features, options, llvm::Reloc::PIC_, std::nullopt, codegen_opt_level(opt_level), true));
}

}  // namespace jitexpr::codegen

#include "codegen/Target.h"

#include <jitexpr/Error.h>

#include <llvm/ADT/StringMap.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include <fmt/format.h>

#include <cassert>
#include <cstdlib>
#include <set>

namespace jitexpr::codegen {

namespace {

const llvm::Target& native_target(const std::string& triple) {
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, error);
  assert(target && "the native target is registered");
  return *target;
}

// The instruction-set features a CPU has, by LLVM's names ("avx2", "avx512f", ...).
std::set<std::string> cpu_features(const std::string& triple, const std::string& cpu, const std::string& features) {
  std::unique_ptr<llvm::MCSubtargetInfo> sti(native_target(triple).createMCSubtargetInfo(triple, cpu, features));
  std::set<std::string> out;
  for (const llvm::SubtargetFeatureKV& kv : sti->getAllProcessorFeatures()) {
    if (sti->getFeatureBits().test(kv.Value)) out.insert(kv.Key);
  }
  return out;
}

std::string accepted_cpus() {
  std::string list;
  for (const char* c : kCpuLevels) list += std::string(list.empty() ? "" : ", ") + c;
  return list + " or an LLVM CPU name such as znver4 or skylake-avx512";
}

}  // namespace

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

std::string TargetSpec::describe() const {
  std::string s = name == "native" ? "native (" + cpu + ")" : cpu;
  if (vector_width) s += fmt::format(", {}-bit vectors", vector_width);
  return s;
}

std::string TargetSpec::fingerprint() const {
  return "LLVM " LLVM_VERSION_STRING ";" + triple + ";" + cpu + ";" + features + ";w" + std::to_string(vector_width);
}

TargetSpec resolve_target(std::string_view cpu_name, int vector_width, bool must_run_here) {
  const HostTarget& host = host_target();
  TargetSpec t;
  t.name = cpu_name.empty() ? "native" : std::string(cpu_name);
  t.triple = host.triple;
  if (t.name == "native") {
    t.cpu = host.cpu;
    t.features = host.features;
  } else {
    t.cpu = t.name;
    // Asked of a subtarget LLVM knows: one made for an unknown CPU would print a warning.
    std::unique_ptr<llvm::MCSubtargetInfo> sti(native_target(t.triple).createMCSubtargetInfo(t.triple, "x86-64", ""));
    if (!sti || !sti->isCPUStringValid(t.cpu)) {
      throw ValueError(fmt::format("unknown CPU '{}'; use {}", t.name, accepted_cpus()));
    }
  }
  if (vector_width != 0 && vector_width != 128 && vector_width != 256 && vector_width != 512) {
    throw ValueError(fmt::format("unknown vector width {}; use 128, 256 or 512 (bits), or 0 for the CPU's choice",
                                 vector_width));
  }
  t.vector_width = vector_width;

  std::set<std::string> has = cpu_features(t.triple, t.cpu, t.features);
  if (must_run_here && t.name != "native") {
    // Only the instruction sets the host's detection reports decide (LLVM's CPUs also carry
    // tuning flags, which no CPU "has").
    llvm::StringMap<bool> host_features = llvm::sys::getHostCPUFeatures();
    std::string lacking;
    for (const std::string& f : has) {
      auto it = host_features.find(f);
      if (it != host_features.end() && !it->second) lacking += (lacking.empty() ? "" : ", ") + f;
    }
    if (!lacking.empty()) {
      throw ValueError(fmt::format("CPU '{}' has instructions this machine ({}) lacks: {}; its code would not run here",
                                   t.name, host.cpu, lacking));
    }
  }
  if ((vector_width == 512 && !has.count("avx512f")) || (vector_width == 256 && !has.count("avx"))) {
    throw ValueError(fmt::format("CPU '{}' has no {}-bit vectors", t.name, vector_width));
  }
  t.isa = has.count("avx512f") && has.count("avx512dq") ? VectorIsa::Avx512
          : has.count("avx2")                           ? VectorIsa::Avx2
                                                        : VectorIsa::Sse;
  return t;
}

TargetSpec target_from_options(std::string_view cpu, int vector_width) {
  std::string name(cpu);
  if (name.empty()) {
    const char* env = std::getenv("JITEXPR_CPU");
    name = env && *env ? env : "native";
  }
  int width = vector_width;
  if (width == 0) {
    if (const char* env = std::getenv("JITEXPR_VECTOR_WIDTH"); env && *env) {
      char* end = nullptr;
      long v = std::strtol(env, &end, 10);
      if (*end != '\0' || v <= 0) {
        throw ValueError(fmt::format("JITEXPR_VECTOR_WIDTH='{}' is not a vector width; use 128, 256 or 512", env));
      }
      width = static_cast<int>(v);
    }
  }
  return resolve_target(name, width, /*must_run_here=*/true);
}

llvm::CodeGenOptLevel codegen_opt_level(int opt_level) {
  switch (opt_level) {
    case 0: return llvm::CodeGenOptLevel::None;
    case 1: return llvm::CodeGenOptLevel::Less;
    case 2: return llvm::CodeGenOptLevel::Default;
    default: return llvm::CodeGenOptLevel::Aggressive;
  }
}

std::unique_ptr<llvm::TargetMachine> make_target_machine(const TargetSpec& t, int opt_level, bool for_jit) {
  llvm::TargetOptions options;
  return std::unique_ptr<llvm::TargetMachine>(native_target(t.triple).createTargetMachine(
      t.triple, t.cpu, t.features, options, llvm::Reloc::PIC_, std::nullopt, codegen_opt_level(opt_level), for_jit));
}

void set_target_attributes(llvm::Module& m, const TargetSpec& t) {
  for (llvm::Function& f : m) {
    if (f.isDeclaration()) continue;
    f.addFnAttr("target-cpu", t.cpu);
    if (!t.features.empty()) f.addFnAttr("target-features", t.features);
    if (t.vector_width) f.addFnAttr("prefer-vector-width", std::to_string(t.vector_width));
  }
}

}  // namespace jitexpr::codegen

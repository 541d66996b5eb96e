// The ORC LLJIT wrapper: typed IR -> optimized LLVM module -> machine code in this process.
#include "codegen/Compiler.h"

#include "codegen/EmitExpr.h"
#include "codegen/Optimizer.h"
#include "codegen/RuntimeHelpers.h"
#include "codegen/Target.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/DynamicLibrary.h>
#include <llvm/Support/SmallVectorMemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <atomic>
#include <cassert>
#include <chrono>
#include <stdexcept>

namespace jitexpr::codegen {

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// ORC failures are our bugs or the machine's (out of memory), never a user's mistake.
template <typename T> T check(llvm::Expected<T> v, const char* what) {
  if (!v) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    os << what << ": " << v.takeError();
    throw std::runtime_error(os.str());
  }
  return std::move(*v);
}

void check(llvm::Error e, const char* what) {
  if (e) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    os << what << ": " << std::move(e);
    throw std::runtime_error(os.str());
  }
}

class JitKernel : public CompiledKernel {
 public:
  JitKernel(llvm::orc::ResourceTrackerSP tracker, void* entry, CompileTimings t) : tracker_(std::move(tracker)) {
    entry_ = entry;
    timings_ = t;
  }
  ~JitKernel() override {
    if (tracker_) llvm::consumeError(tracker_->remove());
  }

 private:
  llvm::orc::ResourceTrackerSP tracker_;
};

}  // namespace

struct Jit::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::atomic<std::uint64_t> counter{0};
  std::unique_ptr<llvm::TargetMachine> tms[4];
  std::mutex tm_mutex;

  // Builds and optimizes the module of one program; returns it with its entry's name.
  std::unique_ptr<llvm::Module> build(const ir::Program& p, const CompileOptions& o, llvm::LLVMContext& ctx,
                                      const std::string& name) {
    std::unique_ptr<llvm::Module> m = load_runtime_helpers(ctx);
    m->setModuleIdentifier(name);
    const HostTarget& host = host_target();
    m->setTargetTriple(host.triple);
    emit_expression(p, *m, name);
    llvm::Function* entry = m->getFunction(name);
    entry->addFnAttr("target-cpu", host.cpu);
    entry->addFnAttr("target-features", host.features);
    for (llvm::Function& f : *m) {
      if (!f.isDeclaration()) {
        f.addFnAttr("target-cpu", host.cpu);
        f.addFnAttr("target-features", host.features);
      }
    }
    internalize_helpers(*m, {name});
    assert(!llvm::verifyModule(*m, &llvm::errs()) && "generated IR is valid");
    std::lock_guard<std::mutex> lock(tm_mutex);
    llvm::TargetMachine& tm = target_machine(o.opt_level);
    m->setDataLayout(tm.createDataLayout());
    optimize_module(*m, tm, o.opt_level);
    return m;
  }

  // Machine code for an optimized module, as an ELF object in memory.
  std::unique_ptr<llvm::MemoryBuffer> emit_object(llvm::Module& m, int opt_level) {
    llvm::SmallVector<char, 0> bytes;
    {
      llvm::raw_svector_ostream os(bytes);
      llvm::legacy::PassManager pm;
      std::lock_guard<std::mutex> lock(tm_mutex);
      llvm::TargetMachine& tm = target_machine(opt_level);
      if (tm.addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile)) {
        throw std::runtime_error("the host target cannot emit object files");
      }
      pm.run(m);
    }
    return std::make_unique<llvm::SmallVectorMemoryBuffer>(std::move(bytes), m.getModuleIdentifier(), false);
  }

  llvm::TargetMachine& target_machine(int level) {
    int l = level < 0 ? 0 : level > 3 ? 3 : level;
    if (!tms[l]) tms[l] = make_host_target_machine(l);
    return *tms[l];
  }
};

Jit::Jit() : impl_(std::make_unique<Impl>()) {
  const HostTarget& host = host_target();
  // glibc's vector math library: the vectorized loops call into it.
  llvm::sys::DynamicLibrary::LoadLibraryPermanently("libmvec.so.1");
  llvm::orc::JITTargetMachineBuilder jtmb((llvm::Triple(host.triple)));
  jtmb.setCPU(host.cpu);
  std::vector<std::string> features;
  llvm::SubtargetFeatures sf(host.features);
  jtmb.addFeatures(sf.getFeatures());
  jtmb.setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  impl_->jit = check(llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(jtmb)).create(), "creating the JIT");
  auto gen = check(llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
                       impl_->jit->getDataLayout().getGlobalPrefix()),
                   "searching the process for symbols");
  impl_->jit->getMainJITDylib().addGenerator(std::move(gen));
}

Jit::~Jit() = default;

std::unique_ptr<CompiledKernel> Jit::compile(const ir::Program& p, const CompileOptions& options) {
  std::string name = "jx_kernel_" + std::to_string(impl_->counter.fetch_add(1));
  CompileTimings timings;
  auto t0 = std::chrono::steady_clock::now();
  auto ctx = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> m = impl_->build(p, options, *ctx, name);
  timings.optimize_ms = ms_since(t0);

  // Instruction selection and object emission here, with our TargetMachine, so that the object
  // is also what a disk cache or an AOT build would keep; the JIT only links it.
  auto t1 = std::chrono::steady_clock::now();
  std::unique_ptr<llvm::MemoryBuffer> object = impl_->emit_object(*m, options.opt_level);
  m.reset();
  ctx.reset();
  llvm::orc::ResourceTrackerSP tracker = impl_->jit->getMainJITDylib().createResourceTracker();
  check(impl_->jit->addObjectFile(tracker, std::move(object)), "adding an object to the JIT");
  llvm::orc::ExecutorAddr addr = check(impl_->jit->lookup(name), "looking up a compiled kernel");
  timings.codegen_ms = ms_since(t1);
  return std::make_unique<JitKernel>(std::move(tracker), addr.toPtr<void*>(), timings);
}

std::string Jit::llvm_ir(const ir::Program& p, const CompileOptions& options) {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> m = impl_->build(p, options, ctx, "kernel");
  std::string text;
  llvm::raw_string_ostream os(text);
  for (llvm::Function& f : *m) {
    if (!f.isDeclaration()) f.print(os);
  }
  return os.str();
}

std::string Jit::assembly(const ir::Program& p, const CompileOptions& options) {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> m = impl_->build(p, options, ctx, "kernel");
  llvm::SmallString<4096> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  std::lock_guard<std::mutex> lock(impl_->tm_mutex);
  llvm::TargetMachine& tm = impl_->target_machine(options.opt_level);
  if (tm.addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::AssemblyFile)) {
    throw std::runtime_error("the host target cannot emit assembly");
  }
  pm.run(*m);
  return std::string(buffer.str());
}

}  // namespace jitexpr::codegen

// The ORC LLJIT wrapper: typed IR -> optimized LLVM module -> machine code in this process.
#include "codegen/Compiler.h"

#include "codegen/EmitExpr.h"
#include "codegen/EmitKernel.h"
#include "codegen/Optimizer.h"
#include "codegen/RuntimeHelpers.h"
#include "codegen/Target.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/Support/DynamicLibrary.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Support/SmallVectorMemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <atomic>
#include <cassert>
#include <chrono>
#include <mutex>
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

// The symbol every kernel object defines; each kernel has a JITDylib of its own.
constexpr const char* kEntryName = "jx_kernel";

class JitKernel : public CompiledKernel {
 public:
  JitKernel(llvm::orc::ExecutionSession& es, llvm::orc::JITDylib& jd, void* entry, CompileTimings t, std::string object)
      : es_(es), jd_(&jd) {
    entry_ = entry;
    timings_ = t;
    object_ = std::move(object);
  }
  ~JitKernel() override { llvm::consumeError(es_.removeJITDylib(*jd_)); }
  void set_timings(CompileTimings t) { timings_ = t; }

 private:
  llvm::orc::ExecutionSession& es_;
  llvm::orc::JITDylib* jd_;
};

}  // namespace

struct Jit::Impl {
  explicit Impl(TargetSpec t) : target(std::move(t)), fingerprint(target.fingerprint()), description(target.describe()) {}
  TargetSpec target;
  std::string fingerprint, description;
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::atomic<std::uint64_t> counter{0};
  // One TargetMachine per optimization level; each is used by one compile at a time.
  struct Level {
    std::mutex mutex;
    std::unique_ptr<llvm::TargetMachine> tm;
  };
  Level levels[4];
  std::once_flag made[4];

  // Builds and optimizes the module of one program; returns it with its entry's name.
  template <typename P>
  std::unique_ptr<llvm::Module> build(const P& p, const CompileOptions& o, llvm::LLVMContext& ctx,
                                      const std::string& name, CompileTimings* timings = nullptr) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = std::make_unique<llvm::Module>(name, ctx);
    m->setTargetTriple(target.triple);
    if constexpr (std::is_same_v<P, ir::KProgram>) {
      emit_kernel_program(p, {o.boundscheck, o.interruptible}, *m, name);
    } else {
      emit_expression(p, *m, name);
    }
    link_runtime_helpers(*m, {name});
    set_target_attributes(*m, target);
    assert(!llvm::verifyModule(*m, &llvm::errs()) && "generated IR is valid");
    auto t1 = std::chrono::steady_clock::now();
    Level& level = level_of(o.opt_level);
    std::lock_guard<std::mutex> lock(level.mutex);
    m->setDataLayout(level.tm->createDataLayout());
    optimize_module(*m, *level.tm, o.opt_level, target.isa, /*slp=*/!std::is_same_v<P, ir::KProgram>);
    if constexpr (std::is_same_v<P, ir::Program>) {
      if (p.streaming_stores) mark_streaming_stores(*m, name);
    }
    if (timings) {
      timings->irgen_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
      timings->optimize_ms = ms_since(t1);
    }
    return m;
  }

  // Machine code for an optimized module, as an ELF object in memory.
  std::unique_ptr<llvm::MemoryBuffer> emit_object(llvm::Module& m, int opt_level) {
    llvm::SmallVector<char, 0> bytes;
    {
      llvm::raw_svector_ostream os(bytes);
      llvm::legacy::PassManager pm;
      Level& level = level_of(opt_level);
      std::lock_guard<std::mutex> lock(level.mutex);
      if (level.tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile)) {
        throw std::runtime_error("the target cannot emit object files");
      }
      pm.run(m);
    }
    return std::make_unique<llvm::SmallVectorMemoryBuffer>(std::move(bytes), m.getModuleIdentifier(), false);
  }

  // Links an object into a JITDylib of its own, which sees the process's symbols (libm, libmvec)
  // through the main JITDylib.
  std::unique_ptr<JitKernel> link(llvm::StringRef object) {
    llvm::orc::ExecutionSession& es = jit->getExecutionSession();
    llvm::orc::JITDylib& jd = es.createBareJITDylib("jx" + std::to_string(counter.fetch_add(1)));
    jd.addToLinkOrder(jit->getMainJITDylib());
    auto buffer = llvm::MemoryBuffer::getMemBufferCopy(object, "jitexpr-kernel");
    if (llvm::Error e = jit->addObjectFile(jd, std::move(buffer))) {
      llvm::consumeError(es.removeJITDylib(jd));
      check(std::move(e), "adding an object to the JIT");
    }
    llvm::Expected<llvm::orc::ExecutorAddr> addr = jit->lookup(jd, kEntryName);
    if (!addr) {
      llvm::Error e = addr.takeError();
      llvm::consumeError(es.removeJITDylib(jd));
      check(std::move(e), "linking a compiled kernel");
    }
    return std::make_unique<JitKernel>(es, jd, addr->toPtr<void*>(), CompileTimings{}, object.str());
  }

  template <typename P> std::unique_ptr<CompiledKernel> compile(const P& p, const CompileOptions& options);
  template <typename P> std::string llvm_ir(const P& p, const CompileOptions& options);
  template <typename P> std::string assembly(const P& p, const CompileOptions& options);

  // The level's TargetMachine is made on first use; lock its mutex before using it.
  Level& level_of(int opt_level) {
    int l = opt_level < 0 ? 0 : opt_level > 3 ? 3 : opt_level;
    std::call_once(made[l], [&] { levels[l].tm = make_target_machine(target, l); });
    return levels[l];
  }
};

Jit::Jit() : Jit(resolve_target("native", 0, /*must_run_here=*/true)) {}

Jit::Jit(std::string_view cpu, int vector_width) : Jit(target_from_options(cpu, vector_width)) {}

Jit::Jit(const TargetSpec& target) : impl_(std::make_unique<Impl>(target)) {
  // glibc's vector math library: the vectorized loops call into it.
  llvm::sys::DynamicLibrary::LoadLibraryPermanently("libmvec.so.1");
  llvm::orc::JITTargetMachineBuilder jtmb((llvm::Triple(target.triple)));
  jtmb.setCPU(target.cpu);
  llvm::SubtargetFeatures sf(target.features);
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
  return impl_->compile(p, options);
}

std::unique_ptr<CompiledKernel> Jit::compile(const ir::KProgram& p, const CompileOptions& options) {
  return impl_->compile(p, options);
}

std::string Jit::llvm_ir(const ir::KProgram& p, const CompileOptions& options) { return impl_->llvm_ir(p, options); }

std::string Jit::assembly(const ir::KProgram& p, const CompileOptions& options) { return impl_->assembly(p, options); }

template <typename P>
std::unique_ptr<CompiledKernel> Jit::Impl::compile(const P& p, const CompileOptions& options) {
  std::string name = kEntryName;
  CompileTimings timings;
  auto ctx = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> m = build(p, options, *ctx, name, &timings);

  // Instruction selection and object emission here, with our TargetMachine, so that the object
  // is also what a disk cache or an AOT build would keep; the JIT only links it.
  auto t1 = std::chrono::steady_clock::now();
  std::unique_ptr<llvm::MemoryBuffer> object = emit_object(*m, options.opt_level);
  m.reset();
  ctx.reset();
  timings.codegen_ms = ms_since(t1);
  auto t2 = std::chrono::steady_clock::now();
  std::unique_ptr<JitKernel> kernel = link(object->getBuffer());
  timings.link_ms = ms_since(t2);
  kernel->set_timings(timings);
  return kernel;
}

std::unique_ptr<CompiledKernel> Jit::load(std::string_view object) { return impl_->link(object); }

std::string Jit::llvm_ir(const ir::Program& p, const CompileOptions& options) { return impl_->llvm_ir(p, options); }

template <typename P>
std::string Jit::Impl::llvm_ir(const P& p, const CompileOptions& options) {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> m = build(p, options, ctx, "kernel");
  std::string text;
  llvm::raw_string_ostream os(text);
  for (llvm::Function& f : *m) {
    if (!f.isDeclaration()) f.print(os);
  }
  return os.str();
}

const std::string& Jit::target_fingerprint() const { return impl_->fingerprint; }

const std::string& Jit::target_description() const { return impl_->description; }

std::string sha256_hex(std::string_view data) {
  llvm::SHA256 hasher;
  hasher.update(llvm::StringRef(data.data(), data.size()));
  std::array<std::uint8_t, 32> digest = hasher.final();
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : digest) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

std::string Jit::assembly(const ir::Program& p, const CompileOptions& options) { return impl_->assembly(p, options); }

template <typename P>
std::string Jit::Impl::assembly(const P& p, const CompileOptions& options) {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> m = build(p, options, ctx, "kernel");
  llvm::SmallString<4096> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  Level& level = level_of(options.opt_level);
  std::lock_guard<std::mutex> lock(level.mutex);
  if (level.tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::AssemblyFile)) {
    throw std::runtime_error("the target cannot emit assembly");
  }
  pm.run(*m);
  return std::string(buffer.str());
}

}  // namespace jitexpr::codegen

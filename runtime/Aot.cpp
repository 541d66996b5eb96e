// Calls of kernels compiled ahead of time (see jitexpr/Aot.h): the JIT's call path, with the
// signature checked instead of dispatched on.
#include <jitexpr/Aot.h>

#include "codegen/Aot.h"
#include "ir/KernelInfer.h"
#include "runtime/AotBuild.h"
#include "runtime/ModuleImpl.h"

#include <fmt/format.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

namespace jitexpr::aot {

namespace {

// A kernel's types, read from its strings once, and its module's source and defs.
struct Loaded : KernelSource {
  std::vector<KType> key;
  KType result = KType::none_type();
  SourcePtr src;
  const Kernel* kernel = nullptr;

  const Source& source() const override { return *src; }
  std::string function_at(std::uint32_t offset) const override {
    for (std::size_t i = 0; i < kernel->num_defs; ++i) {
      const Def& d = kernel->defs[i];
      if (offset >= d.begin && offset < d.end) return d.name;
    }
    return "?";
  }
};

const Loaded& load(const Kernel& k) {
  static std::mutex mutex;
  static std::map<const Kernel*, std::unique_ptr<Loaded>> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<Loaded>& l = loaded[&k];
  if (!l) {
    auto fresh = std::make_unique<Loaded>();
    fresh->key = ir::parse_signature(k.signature);
    if (std::string_view(k.result) != "None") fresh->result = ir::parse_signature(k.result).at(0);
    fresh->src = make_source(k.source_name, k.source);
    fresh->kernel = &k;
    l = std::move(fresh);
  }
  return *l;
}

ThreadPool& pool() {
  static ThreadPool p;
  return p;
}

std::atomic<std::uint64_t> g_seed{0}, g_calls{0};

}  // namespace

Value invoke(const Kernel& k, const Arg* args, std::size_t n) {
  const Loaded& l = load(k);
  if (n != l.key.size()) {
    throw TypeError(fmt::format("{}() takes {} argument{} ({} given)", k.name, l.key.size(), l.key.size() == 1 ? "" : "s", n));
  }
  for (std::size_t i = 0; i < n; ++i) {
    KType have = arg_type(args[i], i, k.name);
    const KType& want = l.key[i];
    bool ok = have == want || (want.is_array() && have.is_array() && have.dtype == want.dtype && have.rank == want.rank &&
                               !want.contiguous);
    if (!ok) {
      throw TypeError(fmt::format("argument {} of {}() must be '{}', not '{}' (compiled for {}({}))", i + 1, k.name,
                                  want.str(), have.str(), k.name, k.signature));
    }
  }
  return run_entry(reinterpret_cast<KernelEntry>(k.entry), l.result, args, n, l.key.data(), pool(), l,
                   g_seed.load(std::memory_order_relaxed), g_calls.fetch_add(1, std::memory_order_relaxed));
}

void set_interrupt_flag(const std::atomic<bool>* flag) { pool().set_interrupt_flag(flag); }

void seed(std::uint64_t s) {
  g_seed.store(s);
  g_calls.store(0);
}

}  // namespace jitexpr::aot

namespace jitexpr {

std::string aot_target(const std::string& cpu) { return codegen::describe_target(cpu); }

AotObject compile_aot(const ast::Module& m, const Source& src, const std::vector<AotRequest>& requests,
                      const std::string& cpu, int opt_level, bool boundscheck) {
  std::vector<ir::KProgram> programs;
  AotObject out;
  for (const AotRequest& r : requests) {
    programs.push_back(ir::infer_kernel(m, src, r.name, r.params));
    out.results.push_back(programs.back().entry().result);
  }
  std::vector<codegen::AotKernel> kernels;
  for (std::size_t i = 0; i < programs.size(); ++i) kernels.push_back({&programs[i], requests[i].symbol});
  out.object = codegen::compile_object(kernels, cpu, {opt_level, boundscheck});
  return out;
}

}  // namespace jitexpr

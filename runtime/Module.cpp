// Kernel modules: parsing, dispatch on argument types, the call context of runtime/helpers/
// KernelContext.h (allocation, parallel loops, random streams) and errors raised inside kernels.
#include <jitexpr/Module.h>

#include "codegen/Compiler.h"
#include "frontend/ModuleParser.h"
#include "frontend/Source.h"
#include "ir/KernelInfer.h"
#include "runtime/ModuleImpl.h"
#include "runtime/Parallel.h"
#include "base/KernelAbi.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>

namespace jitexpr {

namespace {

// The most arguments a kernel call takes.
constexpr std::size_t kMaxArgs = 256;

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// A stream's state from a seed and a path of indices (call, block): independent streams.
void seed_stream(std::uint64_t* rng, std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  std::uint64_t x = seed;
  x ^= splitmix64(x) + a * 0xd1b54a32d192ed03ull;
  x ^= splitmix64(x) + b * 0xabc98388fb8fac03ull;
  for (int i = 0; i < 4; ++i) rng[i] = splitmix64(x);
}

}  // namespace

// 0-d arrays are scalars of their dtype.
KType arg_type(const Arg& a, std::size_t i, const std::string& fn) {
  if (a.dtype() == DType::Bytes) {
    throw TypeError(fmt::format("argument {} of {}(): byte strings are not supported in kernels", i + 1, fn));
  }
  const Array* arr = a.array();
  if (!arr || arr->ndim() == 0) return KType::scalar(a.dtype());
  if (arr->ndim() > kMaxRank) {
    throw TypeError(fmt::format("argument {} of {}() has {} dimensions; kernels take at most {}", i + 1, fn, arr->ndim(),
                                kMaxRank));
  }
  return KType::array(a.dtype(), arr->ndim(), arr->is_c_contiguous());
}

Arg::Arg(const Value& v) : dtype_(v.dtype()), c_() {
  if (v.is_none()) throw TypeError("None cannot be passed to a kernel");
  if (const Array* a = v.if_array()) {
    array_ = a;
    return;
  }
  switch (v.dtype()) {
    case DType::Bool: b_ = v.as<bool>(); break;
    case DType::Float32: f_ = v.as<float>(); break;
    case DType::Float64: d_ = v.as<double>(); break;
    case DType::Complex64:
    case DType::Complex128:
      dtype_ = DType::Complex128;
      c_ = v.as<std::complex<double>>();
      break;
    default:
      dtype_ = DType::Int64;
      i_ = v.as<std::int64_t>();
      break;
  }
}

namespace {

// Whether code compiled for `have` runs arguments of types `want`: the same types, except that
// strided code runs contiguous arrays too (a specialization compiled from a signature, say).
bool runs_key(const std::vector<KType>& have, const KType* want, std::size_t n) {
  auto accepts = [](const KType& h, const KType& w) {
    return h == w || (h.is_array() && w.is_array() && h.dtype == w.dtype && h.rank == w.rank && !h.contiguous);
  };
  return have.size() == n && std::equal(have.begin(), have.end(), want, accepts);
}

}  // namespace

// One compiled specialization.
struct Specialization {
  std::vector<KType> key;
  KType result;
  std::unique_ptr<codegen::CompiledKernel> code;
  KernelEntry entry = nullptr;
};

struct Module::State : KernelSource {
  const Source& source() const override { return *src; }
  std::string function_at(std::uint32_t offset) const override {
    for (const ast::FunctionDef& f : ast.functions) {
      if (offset >= f.range.begin && offset < f.range.end) return f.name;
    }
    return "?";
  }

  ModuleServices services;  // kept alive by the module: it may outlive its Runtime
  codegen::Jit& jit;
  ThreadPool& pool;
  CodeStore* disk;  // the Runtime's disk cache, or null
  ModuleOptions options;
  SourcePtr src;
  ast::Module ast;
  std::atomic<std::uint64_t> seed{0};
  std::atomic<std::uint64_t> calls{0};
  std::vector<std::shared_ptr<Function::State>> functions;

  State(ModuleServices s, ModuleOptions o)
      : services(std::move(s)), jit(*services.jit), pool(*services.pool), disk(services.disk.get()),
        options(std::move(o)) {}
};

struct Function::State {
  Module::State* module = nullptr;  // owns this state
  std::string name;
  std::mutex mutex;  // guards specs; held while compiling, so one key compiles once
  std::vector<std::shared_ptr<const Specialization>> specs;
  std::atomic<const Specialization*> last{nullptr};  // the most recent one, tried first

  std::shared_ptr<const Specialization> find_or_compile(const std::vector<KType>& key);
  ir::KProgram infer(const std::vector<KType>& key) const;
};

namespace {

codegen::CompileOptions compile_options(const ModuleOptions& o) { return {o.opt_level, o.boundscheck, o.interruptible}; }

// ---- the call context ----

// The state of one call (ctx->host): the arrays its kernels made.
struct CallState {
  ThreadPool* pool;
  std::mutex mutex;
  std::vector<Array> arrays;
};

void* host_new_array(jx_context* ctx, std::int64_t rank, const std::int64_t* dims, std::int64_t dtype, std::int32_t zero,
                     std::uint32_t begin, std::uint32_t end) {
  auto fail = [&](std::int32_t code, std::int64_t a) -> void* {
    if (ctx->error == JX_OK) {
      ctx->error = code;
      ctx->begin = begin;
      ctx->end = end;
      ctx->a = a;
    }
    return nullptr;
  };
  Shape shape(dims, dims + rank);
  std::size_t item = dtype_size(static_cast<DType>(dtype));
  std::int64_t bytes = static_cast<std::int64_t>(item);
  for (std::int64_t d : shape) {
    if (d < 0) return fail(JX_NEGATIVE_DIM, d);
    if (d && bytes > std::numeric_limits<std::int64_t>::max() / d) return fail(JX_ALLOC, -1);
    bytes *= d;
  }
  try {
    Array a = zero ? Array::zeros(static_cast<DType>(dtype), shape) : Array::empty(static_cast<DType>(dtype), shape);
    void* data = a.raw_data();
    auto* call = static_cast<CallState*>(ctx->host);
    std::lock_guard<std::mutex> lock(call->mutex);
    call->arrays.push_back(std::move(a));
    return data;
  } catch (const std::bad_alloc&) {
    return fail(JX_ALLOC, bytes);
  } catch (const Error&) {
    return fail(JX_ALLOC, bytes);
  }
}

std::int32_t host_parallel_for(jx_context* ctx, jx_body_fn body, void* env, std::int64_t n, std::int64_t blocks,
                               void* partials, std::int64_t partial_bytes) {
  auto* call = static_cast<CallState*>(ctx->host);
  std::vector<jx_context> contexts(static_cast<std::size_t>(blocks), *ctx);
  std::vector<std::int32_t> status(static_cast<std::size_t>(blocks), 0);
  std::uint64_t stream = ctx->rng[0] ^ ctx->rng[3];
  auto bound = [&](std::int64_t k) {
    return static_cast<std::int64_t>(static_cast<__int128>(n) * k / blocks);
  };
  ThreadPool& pool = *call->pool;
  // Nothing may throw through the kernel's frames. An interrupt is the body's to see: its loop
  // looks at the flag (jx_context::interrupt) and fails at its own line.
  pool.parallel_for(blocks, 1, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t k = lo; k < hi; ++k) {
      jx_context& c = contexts[static_cast<std::size_t>(k)];
      c.error = JX_OK;
      seed_stream(c.rng, stream, static_cast<std::uint64_t>(k), 1);
      char* part = static_cast<char*>(partials) + k * partial_bytes;
      status[static_cast<std::size_t>(k)] = body(&c, env, bound(k), bound(k + 1), part);
    }
  });
  // The parent stream moves on, so a second prange loop draws other numbers.
  seed_stream(ctx->rng, stream, static_cast<std::uint64_t>(blocks), 2);
  for (std::size_t k = 0; k < status.size(); ++k) {
    if (status[k]) {
      const jx_context& c = contexts[k];
      ctx->error = c.error;
      ctx->begin = c.begin;
      ctx->end = c.end;
      ctx->a = c.a;
      ctx->b = c.b;
      ctx->c = c.c;
      return 1;
    }
  }
  return 0;
}

[[noreturn]] void throw_kernel_error(const KernelSource& m, const jx_context& ctx) {
  std::string where = m.function_at(ctx.begin);
  ErrorKind kind = ErrorKind::Value;
  std::string msg;
  switch (ctx.error) {
    case JX_INDEX:
      kind = ErrorKind::Index;
      msg = fmt::format("index {} is out of bounds for axis {} with size {}", ctx.a, ctx.c, ctx.b);
      break;
    case JX_ZERO_DIVISION:
      kind = ErrorKind::ZeroDivision;
      msg = "integer division or modulo by zero";
      break;
    case JX_NEGATIVE_POWER: msg = "integers to negative integer powers are not allowed"; break;
    case JX_ALLOC:
      msg = ctx.a < 0 ? "array is too big: its size does not fit in 64 bits"
                      : fmt::format("cannot allocate an array of {} bytes", ctx.a);
      break;
    case JX_NEGATIVE_DIM: msg = fmt::format("negative dimensions are not allowed ({})", ctx.a); break;
    case JX_ZERO_STEP: msg = "range() arg 3 must not be zero"; break;
    case JX_INTERRUPTED:
      fail_at(ErrorKind::Interrupted, m.source(), {ctx.begin, ctx.end}, fmt::format("interrupted in {}()", where));
    default: msg = fmt::format("kernel failed with error code {}", ctx.error); break;
  }
  fail_at(kind, m.source(), {ctx.begin, ctx.end}, fmt::format("in {}(): {}", where, msg));
}

// The result in *ret as a Value: scalars by their dtype; arrays are the call's new arrays or the
// arguments they came from (kernels cannot make views).
Value result_value(const KType& t, const unsigned char* ret, CallState& call, const Arg* args, std::size_t n) {
  if (t.none) return Value::none();
  if (t.is_array()) {
    void* data;
    std::memcpy(&data, ret, sizeof data);
    for (Array& a : call.arrays) {
      if (a.raw_data() == data) return Value(a);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (args[i].array() && args[i].array()->raw_data() == data) return Value(*args[i].array());
    }
    // An empty array made in the kernel (no memory of its own to find it by).
    Shape shape(static_cast<std::size_t>(t.rank));
    std::memcpy(shape.data(), ret + 8, 8 * shape.size());
    return Value(Array::empty(t.dtype, shape));
  }
  auto get = [&](auto v) {
    std::memcpy(&v, ret, sizeof v);
    return v;
  };
  switch (t.dtype) {
    case DType::Bool: return Value(get(std::uint8_t{}) != 0);
    case DType::Int8: return Value::scalar(t.dtype, get(std::int8_t{}));
    case DType::Int16: return Value::scalar(t.dtype, get(std::int16_t{}));
    case DType::Int32: return Value::scalar(t.dtype, get(std::int32_t{}));
    case DType::Int64: return Value(get(std::int64_t{}));
    case DType::UInt8: return Value::scalar(t.dtype, get(std::uint8_t{}));
    case DType::UInt16: return Value::scalar(t.dtype, get(std::uint16_t{}));
    case DType::UInt32: return Value::scalar(t.dtype, get(std::uint32_t{}));
    case DType::UInt64: return Value::scalar(t.dtype, static_cast<double>(get(std::uint64_t{})));
    case DType::Float32: return Value(get(float{}));
    case DType::Float64: return Value(get(double{}));
    case DType::Complex64: return Value::scalar(t.dtype, std::complex<double>(get(std::complex<float>{})));
    case DType::Complex128: return Value(get(std::complex<double>{}));
    case DType::Bytes: break;
  }
  return Value::none();
}

}  // namespace

ir::KProgram Function::State::infer(const std::vector<KType>& key) const {
  return ir::infer_kernel(module->ast, *module->src, name, key);
}

std::shared_ptr<const Specialization> Function::State::find_or_compile(const std::vector<KType>& key) {
  std::lock_guard<std::mutex> lock(mutex);
  for (const auto& s : specs) {
    if (s->key == key) return s;
  }
  for (const auto& s : specs) {
    if (runs_key(s->key, key.data(), key.size())) return s;
  }
  auto t0 = std::chrono::steady_clock::now();
  ir::KProgram p = infer(key);  // type errors are reported whether or not the code is on disk
  auto spec = std::make_shared<Specialization>();
  spec->key = key;
  spec->result = p.entry().result;
  codegen::CompileOptions options = compile_options(module->options);
  std::string disk_key;
  if (module->disk) {
    // The code depends on the module's whole text (a callee, a line number in an error), the
    // function, its argument types and the options that reach codegen.
    disk_key = fmt::format("kernel|{}|opt{}|boundscheck{}|interruptible{}|{}|", name, options.opt_level,
                           options.boundscheck ? 1 : 0, options.interruptible ? 1 : 0, module->options.name);
    for (const KType& t : key) disk_key += t.str() + ";";
    disk_key += "|" + module->src->text;
    spec->code = module->disk->load(module->jit, disk_key);
  }
  if (!spec->code) {
    spec->code = module->jit.compile(p, options);
    if (module->disk) module->disk->store(disk_key, *spec->code);
    KernelCompileStats& stats = *module->services.stats;
    stats.compiles.fetch_add(1);
    stats.compile_ns.fetch_add(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count()));
  }
  spec->entry = reinterpret_cast<KernelEntry>(spec->code->entry());
  specs.push_back(spec);
  return spec;
}

namespace {

// Storage of a call's argument layout: on the stack for calls of up to kInline arguments (the
// warm path allocates nothing), on the heap beyond.
template <typename T, std::size_t kInline> class CallBuffer {
 public:
  explicit CallBuffer(std::size_t n) {
    if (n > kInline) heap_.resize(n);
  }
  T* data() { return heap_.empty() ? inline_.data() : heap_.data(); }

 private:
  std::array<T, kInline> inline_;  // not zeroed: every slot used is written first
  std::vector<T> heap_;
};

constexpr std::size_t kInlineArgs = 16;

}  // namespace

Value Function::call(const Arg* args, std::size_t n) const {
  State& f = *s_;
  if (n > kMaxArgs) throw TypeError(fmt::format("{}() takes at most {} arguments", f.name, kMaxArgs));
  CallBuffer<KType, kInlineArgs> key_buf(n);
  KType* key = key_buf.data();
  for (std::size_t i = 0; i < n; ++i) key[i] = arg_type(args[i], i, f.name);

  const Specialization* spec = f.last.load(std::memory_order_acquire);
  if (!spec || !runs_key(spec->key, key, n)) {
    spec = f.find_or_compile(std::vector<KType>(key, key + n)).get();  // kept alive by f.specs
    f.last.store(spec, std::memory_order_release);
  }

  return run_entry(spec->entry, spec->result, args, n, key, f.module->pool, *f.module,
                   f.module->seed.load(std::memory_order_relaxed), f.module->calls.fetch_add(1, std::memory_order_relaxed));
}

Value run_entry(KernelEntry entry, const KType& result, const Arg* args, std::size_t n, const KType* key,
                ThreadPool& pool, const KernelSource& source, std::uint64_t seed, std::uint64_t call_index) {
  std::size_t words = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (key[i].is_array()) words += 1 + 2 * static_cast<std::size_t>(key[i].rank);
  }
  // The arguments in their memory forms: scalars in place, arrays as descriptors.
  // Arrays of up to 4 dimensions stay on the stack.
  CallBuffer<std::int64_t, kInlineArgs * (1 + 2 * 4)> descriptors(words);
  CallBuffer<const void*, kInlineArgs> ptrs(n);
  // 0-d arrays pass as scalars: their values are copied here (raw bytes, nothing to construct).
  struct alignas(16) ScalarSlot {
    unsigned char bytes[16];
  };
  CallBuffer<ScalarSlot, kInlineArgs> zero_d(n);
  std::size_t w = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Array* a = args[i].array();
    if (!a) {
      ptrs.data()[i] = args[i].scalar_data();
    } else if (a->ndim() == 0) {
      std::memcpy(zero_d.data()[i].bytes, a->raw_data(), std::min<std::size_t>(a->itemsize(), 16));
      ptrs.data()[i] = &zero_d.data()[i];
    } else {
      std::int64_t* d = descriptors.data() + w;
      void* data = a->raw_data();
      std::memcpy(d, &data, sizeof data);
      int rank = a->ndim();
      for (int k = 0; k < rank; ++k) {
        d[1 + k] = a->shape()[static_cast<std::size_t>(k)];
        d[1 + rank + k] = a->strides()[static_cast<std::size_t>(k)];
      }
      ptrs.data()[i] = d;
      w += 1 + 2 * static_cast<std::size_t>(rank);
    }
  }

  CallState call{&pool, {}, {}};
  jx_context ctx{};
  ctx.host = &call;
  ctx.new_array = host_new_array;
  ctx.parallel_for = host_parallel_for;
  ctx.interrupt = pool.interrupt_byte();
  seed_stream(ctx.rng, seed, call_index, 0);
  alignas(16) unsigned char ret[8 + 16 * kMaxRank] = {};
  std::int32_t status = entry(&ctx, const_cast<void* const*>(ptrs.data()), ret);
  if (status != 0) throw_kernel_error(source, ctx);
  return result_value(result, ret, call, args, n);
}

void Function::compile(std::string_view signature) const {
  std::vector<KType> key = ir::parse_signature(signature);
  s_->find_or_compile(key);
}

namespace {
std::vector<KType> key_of(const std::vector<Value>& args, const std::string& name) {
  std::vector<KType> key;
  for (std::size_t i = 0; i < args.size(); ++i) key.push_back(arg_type(Arg(args[i]), i, name));
  return key;
}
}  // namespace

std::string Function::dump_ir(const std::vector<Value>& args) const {
  return ir::print_kernel_program(s_->infer(key_of(args, s_->name)));
}

std::string Function::dump_llvm(const std::vector<Value>& args) const {
  return s_->module->jit.llvm_ir(s_->infer(key_of(args, s_->name)), compile_options(s_->module->options));
}

std::string Function::dump_asm(const std::vector<Value>& args) const {
  return s_->module->jit.assembly(s_->infer(key_of(args, s_->name)), compile_options(s_->module->options));
}

const std::string& Function::name() const { return s_->name; }

std::size_t Function::specializations() const {
  std::lock_guard<std::mutex> lock(s_->mutex);
  return s_->specs.size();
}

Function Module::operator()(std::string_view name) const {
  for (const auto& f : s_->functions) {
    if (f->name == name) {
      // The function's state lives as long as the module's: share the module's ownership.
      return Function(std::shared_ptr<Function::State>(s_, f.get()));
    }
  }
  throw NameError(fmt::format("the module has no function '{}'", name));
}

std::vector<std::string> Module::functions() const {
  std::vector<std::string> names;
  for (const auto& f : s_->functions) names.push_back(f->name);
  return names;
}

void Module::seed(std::uint64_t seed) {
  s_->seed.store(seed);
  s_->calls.store(0);
}

Module make_module(ModuleServices services, std::string_view source, ModuleOptions options) {
  auto state = std::make_shared<Module::State>(std::move(services), std::move(options));
  state->src = make_source(state->options.name, std::string(source));
  state->ast = parse_module(*state->src);
  state->seed = state->options.seed;
  for (const ast::FunctionDef& def : state->ast.functions) {
    auto f = std::make_shared<Function::State>();
    f->module = state.get();
    f->name = def.name;
    state->functions.push_back(std::move(f));
  }
  return Module(std::move(state));
}

}  // namespace jitexpr

// jitexpr::Runtime: parse (cached by text), bind, plan, look up or compile, execute.
#include <jitexpr/Error.h>
#include <jitexpr/Limits.h>
#include <jitexpr/Runtime.h>

#include "base/KernelAbi.h"
#include "codegen/Compiler.h"
#include "frontend/AstPrinter.h"
#include "frontend/Parser.h"
#include "frontend/Variables.h"
#include "ir/DTypeRules.h"
#include "ir/Infer.h"
#include "ir/Passes.h"
#include "ir/Printer.h"
#include "ir/ReductionStages.h"
#include "runtime/BackgroundCompiler.h"
#include "runtime/CodeCache.h"
#include "runtime/CodeStore.h"
#include "runtime/Unroll.h"
#include "runtime/Executor.h"
#include "runtime/ModuleImpl.h"
#include "runtime/Parallel.h"
#include "runtime/Plan.h"
#include "runtime/BuildId.h"
#include "runtime/CostModel.h"
#include "runtime/FastPath.h"
#include "runtime/Parsed.h"
#include "runtime/Streaming.h"
#include "runtime/Tiering.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <unordered_map>

namespace jitexpr {

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// A reduction writes exactly its result's shape into out=: () for axis=None (numpy refuses any
// other shape too, even one of size 1).
void check_reduction_out(const Array* out, const Shape& shape) {
  if (out && out->shape() != shape) {
    throw ValueError(fmt::format("out= has shape {} but the reduction gives shape {}", shape_string(out->shape()),
                                 shape_string(shape)));
  }
}

// Everything one evaluation needs, before the result dtype is known.
struct Prepared {
  std::shared_ptr<const Parsed> parsed;
  std::vector<Array> operands;
  std::vector<ir::OperandInfo> infos;
  IterationPlan plan;
  Shape out_shape;
  std::optional<int> axis;  // normalized
  std::optional<DType> out_dtype;  // an element-wise result is converted to it
  std::vector<int> order;          // the axes in memory order (numpy's order='K')
  bool streaming = false;          // ir::Program::streaming_stores
  std::string key;
};

// A new result array of `shape` whose axes lie in memory in `order` (outermost first).

Array new_result(DType dtype, const Shape& shape, const std::vector<int>& order) {
  bool c_order = true;
  for (std::size_t k = 0; k < order.size(); ++k) c_order = c_order && order[k] == static_cast<int>(k);
  if (c_order) return Array::empty(dtype, shape);
  Shape permuted;
  for (int d : order) permuted.push_back(shape[static_cast<std::size_t>(d)]);
  std::vector<int> inverse(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) inverse[static_cast<std::size_t>(order[k])] = static_cast<int>(k);
  return Array::empty(dtype, permuted).transpose(inverse);
}

}  // namespace

struct Runtime::Impl {
  explicit Impl(RuntimeOptions o)
      : pool_owner(std::make_shared<ThreadPool>(o.num_threads)), pool(*pool_owner), options(o),
        jit_owner(std::make_shared<codegen::Jit>(o.cpu, o.vector_width)),
        cache(o.max_cache_entries, o.max_cache_bytes, [](const Compiled& c) { return code_weight(c); }) {
    if (options.disk_cache.value_or(DiskCache::enabled_by_environment())) {
      // What an object on disk depends on besides its key: this very build of the library (any
      // change to codegen or to the type rules must never reuse an old object) and the machine.
      disk = std::make_shared<CodeStore>(options.cache_dir.empty() ? DiskCache::default_dir() : options.cache_dir,
                                         options.disk_cache_max_bytes,
                                         "|jitexpr " JITEXPR_VERSION "|" + library_build_id() + "|" +
                                             jit.target_fingerprint());
    }
  }

  // The thread pool and the JIT are shared with the Modules this runtime makes, so that a Module
  // that outlives its Runtime still works and frees its code safely.
  std::shared_ptr<ThreadPool> pool_owner;
  ThreadPool& pool;
  RuntimeOptions options;
  std::shared_ptr<codegen::Jit> jit_owner;  // compiles for the target the options chose
  codegen::Jit& jit = *jit_owner;
  std::shared_ptr<CodeStore> disk;  // null when the disk cache is off; shared with the Modules
  std::shared_ptr<KernelCompileStats> kernel_stats = std::make_shared<KernelCompileStats>();

  CodeCache<Compiled> cache;
  std::mutex parse_mutex;
  std::unordered_map<std::string, std::shared_ptr<const Parsed>> parsed_exprs;
  std::unordered_map<std::string, std::shared_ptr<const UnrolledExpr>> unrolled_exprs;  // guarded by parse_mutex
  static constexpr std::size_t kMaxParsed = 4096;
  std::atomic<std::uint64_t> tier_ups{0};
  // Last, so that it stops before what its jobs use (the JIT, the caches) goes.
  BackgroundCompiler background;

  std::shared_ptr<const Parsed> parse(std::string_view text) {
    std::string key(text);
    {
      std::lock_guard<std::mutex> lock(parse_mutex);
      if (auto it = parsed_exprs.find(key); it != parsed_exprs.end()) return it->second;
    }
    auto t0 = std::chrono::steady_clock::now();
    auto p = std::make_shared<Parsed>();
    p->src = make_source("<expr>", key);
    p->ast = parse_expression(*p->src);
    p->describe();
    if (p->variables.size() > static_cast<std::size_t>(kMaxOperands)) {
      fail_at(ErrorKind::Value, *p->src, p->variables[static_cast<std::size_t>(kMaxOperands)].first_use,
              fmt::format("expression reads {} variables; the limit is {}", p->variables.size(), kMaxOperands));
    }
    p->parse_ms = ms_since(t0);
    std::lock_guard<std::mutex> lock(parse_mutex);
    if (parsed_exprs.size() >= kMaxParsed) parsed_exprs.clear();
    parsed_exprs.emplace(std::move(key), p);
    return p;
  }

  Prepared prepare(std::string_view text, const Bindings& bindings, const Array* out, Order order = Order::K) {
    return prepare(parse(text), bindings, out, order);
  }

  Prepared prepare(std::shared_ptr<const Parsed> parsed_expr, const Bindings& bindings, const Array* out,
                   Order order = Order::K) {
    Prepared prep;
    prep.parsed = std::move(parsed_expr);
    const Parsed& parsed = *prep.parsed;
    std::vector<Shape> shapes;
    for (const VariableUse& v : parsed.variables) {
      const Value* found = nullptr;
      for (const auto& [name, value] : bindings) {
        if (name == v.name) found = &value;
      }
      if (!found) fail_at(ErrorKind::Name, *parsed.src, v.first_use, fmt::format("name '{}' is not defined", v.name));
      prep.operands.push_back(found->array());
      shapes.push_back(prep.operands.back().shape());
    }
    // Broadcast one operand at a time, so that an error points at the first one that conflicts.
    Shape result_shape;
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      try {
        result_shape = broadcast_shapes({result_shape, shapes[i]});
      } catch (const ValueError&) {
        std::vector<std::string> all;
        for (const Shape& s : shapes) all.push_back(shape_string(s));
        fail_at(ErrorKind::Value, *parsed.src, parsed.variables[i].first_use,
                fmt::format("operands could not be broadcast together with shapes {}", fmt::join(all, " ")));
      }
    }
    // A result whose element count overflows int64 is refused before any stride is computed.
    shape_size(result_shape);
    int rank = static_cast<int>(result_shape.size());
    bool axis_ok = true;
    if (parsed.reduction && parsed.axis) {
      std::int64_t a = *parsed.axis;
      axis_ok = a >= -rank && a < rank;
      if (axis_ok) prep.axis = static_cast<int>(a < 0 ? a + rank : a);
    }
    std::optional<Strides> out_strides;
    std::size_t out_itemsize = 1;
    if (!parsed.reduction) {
      prep.out_shape = result_shape;
      if (out) {
        if (out->shape() != result_shape) {
          throw ValueError(fmt::format("out= has shape {} but the expression gives shape {}", shape_string(out->shape()),
                                       shape_string(result_shape)));
        }
        out_strides = out->strides();
        out_itemsize = out->itemsize();
      } else {
        // The result follows the operands' memory order; strides are scaled by the result's
        // item size once it is known.
        prep.order = memory_order(prep.operands, result_shape, nullptr);
        if (order != Order::K) {
          for (std::size_t d = 0; d < prep.order.size(); ++d) {
            prep.order[d] = order == Order::C ? static_cast<int>(d) : static_cast<int>(prep.order.size() - 1 - d);
          }
        }
        out_strides = strides_in_order(result_shape, prep.order);
      }
    } else if (prep.axis) {
      prep.out_shape = result_shape;
      prep.out_shape.erase(prep.out_shape.begin() + *prep.axis);
      check_reduction_out(out, prep.out_shape);
      Strides s = out ? out->strides() : c_strides(prep.out_shape, 1);
      s.insert(s.begin() + *prep.axis, 0);
      out_strides = s;
      out_itemsize = out ? out->itemsize() : 1;
    }
    if (parsed.reduction && !parsed.axis) check_reduction_out(out, {});
    if (prep.order.empty()) prep.order = memory_order(prep.operands, result_shape, parsed.reduction ? nullptr : out);
    if (axis_ok) prep.plan = make_plan(prep.operands, result_shape, out_strides, out_itemsize, prep.axis, prep.order);
    for (std::size_t i = 0; i < prep.operands.size(); ++i) {
      const Array& a = prep.operands[i];
      ir::OperandInfo info;
      info.name = parsed.variables[i].name;
      info.dtype = a.dtype();
      info.layout = axis_ok ? prep.plan.layouts[i + 1] : ir::Layout::Strided;
      info.rank = a.ndim();
      info.itemsize = a.itemsize();
      info.first_use = parsed.variables[i].first_use;
      prep.infos.push_back(info);
    }
    ir::Layout out_layout = axis_ok && !prep.plan.layouts.empty() ? prep.plan.layouts[0] : ir::Layout::Contiguous;
    std::string key = parsed.canonical;
    for (const ir::OperandInfo& info : prep.infos) {
      key += fmt::format("|{}:{}:{}:{}:{}", info.name, dtype_name(info.dtype), layout_name(info.layout), info.rank,
                         info.itemsize);
    }
    if (out && !parsed.reduction) {
      prep.out_dtype = out->dtype();
      key += fmt::format("|into:{}", dtype_name(out->dtype()));
    }
    // Streaming stores need every block of the output to start 64-byte aligned: a new result's
    // base is, an out= base may not be; blocks start at multiples of 16384 elements of a row, and
    // rows at multiples of the outer strides.
    std::int64_t elements = shape_size(result_shape);
    if (!parsed.reduction && axis_ok && out_layout == ir::Layout::Contiguous && elements * 8 >= streaming_min_bytes() &&
        (!out || streaming_aligned(out->raw_data()))) {
      prep.streaming = true;
      for (std::size_t d = 0; d + 1 < prep.plan.loop_shape.size(); ++d) {
        // A new result's strides are still in elements here: a multiple of 64 suits any item size.
        if (prep.plan.strides[0][d] % static_cast<std::int64_t>(ir::kStreamingAlignment) != 0) prep.streaming = false;
      }
      // The result's bytes need its dtype: type inference takes microseconds, and a large
      // evaluation comes here only when its fast path misses. An error is reported later, as always.
      if (prep.streaming) {
        std::int64_t itemsize = 0;
        if (out) {
          itemsize = static_cast<std::int64_t>(out->itemsize());
        } else {
          try {
            itemsize = static_cast<std::int64_t>(dtype_size(ir::infer_expression(*parsed.ast, *parsed.src, prep.infos).result_type()));
          } catch (const Error&) {
            itemsize = 0;
          }
        }
        prep.streaming = elements * itemsize >= streaming_min_bytes();
      }
    }
    key += fmt::format("|out:{}{}|O{}", layout_name(out_layout), prep.streaming ? ":streaming" : "", options.opt_level);
    prep.key = std::move(key);
    if (!axis_ok) {
      // infer_expression reports the bad axis with its position.
      ir::infer_expression(*parsed.ast, *parsed.src, prep.infos);
    }
    return prep;
  }

  ir::Program typed_program(const Prepared& prep, DType* natural = nullptr, CacheEntryStats* stats = nullptr) {
    auto t0 = std::chrono::steady_clock::now();
    ir::Program program = ir::infer_expression(*prep.parsed->ast, *prep.parsed->src, prep.infos);
    if (program.result_type() == DType::Bytes) {
      fail_at(ErrorKind::Type, *prep.parsed->src, prep.parsed->ast->range,
              "an expression cannot produce bytes; compare them or use contains()");
    }
    if (natural) *natural = program.result_type();
    // Into an out= of another dtype: the conversion is part of the loop (evaluate checks that
    // the casting rule allows it).
    if (prep.out_dtype && *prep.out_dtype != program.result_type()) {
      program.root = ir::Cast::make(*prep.out_dtype, program.root, program.root->range);
    }
    program.out_layout = prep.plan.layouts.empty() ? ir::Layout::Contiguous : prep.plan.layouts[0];
    program.streaming_stores = prep.streaming;
    auto t1 = std::chrono::steady_clock::now();
    program = ir::run_passes(std::move(program));
    if (stats) {
      stats->infer_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
      stats->passes_ms = ms_since(t1);
    }
    return program;
  }

  bool tiered() const { return options.tiering && options.opt_level > kFastOptLevel; }

  std::shared_ptr<const Compiled> compiled(const Prepared& prep) {
    return cache.get(prep.key, [&](CacheEntryStats& stats) {
      auto c = std::make_shared<Compiled>();
      c->program = typed_program(prep, &c->natural_type, &stats);
      c->fast_ns_per_element = estimate_ns_per_element(c->program, &c->calls_math);
      c->ns_per_element = c->fast_ns_per_element;
      c->cache_key = prep.key;
      stats.parse_ms = prep.parsed->parse_ms;
      // The typed program is part of the disk key too: the object must match the types the
      // executor will use for it. The optimized code is looked for first, then the fast code.
      if (disk) c->disk_key = prep.key + "|" + ir::print_program(c->program);
      // A reduction is never tiered: its optimized code sums in vector lanes, its fast code in
      // order, and its result must not depend on which code folded which block. Large work that
      // calls math functions waits for the optimized code.
      bool tier = tiered() && !c->program.reduction() && !(c->calls_math && large_on_fast_code(*c, prep.plan));
      c->first_tier = tier ? CodeTier::Fast : CodeTier::Optimized;
      if (disk) {
        auto t0 = std::chrono::steady_clock::now();
        auto [code, index] = tier ? disk->load_first(jit, {disk_key(*c, CodeTier::Optimized), disk_key(*c, CodeTier::Fast)})
                                      : disk->load_first(jit, {disk_key(*c, CodeTier::Optimized)});
        if (code) {
          c->kernel = std::move(code);
          c->first_tier = index == 0 ? CodeTier::Optimized : CodeTier::Fast;
          stats.from_disk = true;
          stats.link_ms = ms_since(t0);
        }
      }
      if (!c->kernel) {
        int level = c->first_tier == CodeTier::Fast ? kFastOptLevel : options.opt_level;
        c->kernel = jit.compile(c->program, {level});
        const codegen::CompileTimings& t = c->kernel->timings();
        stats.irgen_ms = t.irgen_ms;
        stats.optimize_ms = t.optimize_ms;
        stats.codegen_ms = t.codegen_ms;
        stats.link_ms = t.link_ms;
        if (disk) disk->store(disk_key(*c, c->first_tier), *c->kernel);
      }
      c->code.store(c->kernel.get(), std::memory_order_release);
      stats.first_tier = c->first_tier;
      return std::shared_ptr<const Compiled>(std::move(c));
    });
  }

  static bool large_on_fast_code(const Compiled& c, const IterationPlan& plan) {
    return static_cast<double>(shape_size(plan.loop_shape)) * c.fast_ns_per_element > kOptimizeCostNs;
  }

  static std::string disk_key(const Compiled& c, CodeTier tier) {
    return tier == CodeTier::Fast ? c.disk_key + "|fast" : c.disk_key;
  }

  // Compiles the optimized code of a fast entry on the background thread (once), then installs
  // it: evaluations running now switch to it at their next block.
  void request_tier_up(const std::shared_ptr<const Compiled>& c) {
    if (c->first_tier != CodeTier::Fast || c->tier_up_requested.exchange(true)) return;
    std::weak_ptr<const Compiled> weak = c;
    background.submit([this, weak] {
      std::shared_ptr<const Compiled> entry = weak.lock();
      if (!entry) return;  // evicted meanwhile
      auto t0 = std::chrono::steady_clock::now();
      std::unique_ptr<codegen::CompiledKernel> code = jit.compile(entry->program, {options.opt_level});
      entry->tier_up_ms.store(ms_since(t0));
      if (disk) disk->store(entry->disk_key, *code);
      entry->optimized = std::move(code);
      entry->code.store(entry->optimized.get(), std::memory_order_release);
      tier_ups.fetch_add(1);
      cache.reweigh(entry->cache_key, *entry);
    });
  }

  // The operands of `parsed` from the bindings, if they match its fast path; else nothing.
  static std::shared_ptr<const FastPath> match_fast_path(const Parsed& parsed, const Bindings& bindings, const Array* out,
                                                         Casting casting, Order order, std::vector<Array>& operands) {
    std::shared_ptr<const FastPath> fast;
    {
      std::lock_guard<std::mutex> lock(parsed.fast_mutex);
      fast = parsed.fast;
    }
    if (!fast || fast->out.has_value() != (out != nullptr) || fast->casting != casting || fast->order_mode != order) {
      return nullptr;
    }
    if (out && !FastPath::same(*fast->out, *out)) return nullptr;
    if (out && fast->streaming && !streaming_aligned(out->raw_data())) return nullptr;  // its code assumes alignment
    operands.clear();
    operands.reserve(parsed.variables.size());
    for (std::size_t i = 0; i < parsed.variables.size(); ++i) {
      const Value* found = nullptr;
      for (const auto& [name, value] : bindings) {
        if (name == parsed.variables[i].name) found = &value;
      }
      if (!found) return nullptr;  // the slow path reports it
      operands.push_back(found->if_array() ? *found->if_array() : found->array());
      if (!FastPath::same(fast->operands[i], operands.back())) return nullptr;
    }
    return fast;
  }

  Array evaluate(std::string_view text, const Bindings& bindings_arg, const Array* out_arg,
                 Casting casting = Casting::Safe, Order order = Order::K) {
    // An input that overlaps the output without being exactly it is read from a copy.
    const Bindings* use_bindings = &bindings_arg;
    Bindings copied;
    if (out_arg) {
      for (std::size_t i = 0; i < bindings_arg.size(); ++i) {
        const Array* in = bindings_arg[i].second.if_array();
        if (!in || !overlaps_partially(*out_arg, *in)) continue;
        if (copied.empty()) copied = bindings_arg;
        copied[i].second = Value(in->copy());
        use_bindings = &copied;
      }
    }
    std::shared_ptr<const Parsed> parsed = parse(text);
    Bindings with_slices;
    if (std::shared_ptr<const Parsed> u = unroll(parsed, *use_bindings, out_arg, with_slices)) {
      parsed = std::move(u);
      use_bindings = &with_slices;
    }
    if (const Parsed::Stages* stages = parsed->has_inner_reduction ? parsed->staged() : nullptr) {
      // The reductions first, each into a new operand of the stages after it.
      Bindings with_results = *use_bindings;
      for (const auto& [name, stage] : stages->reductions) {
        with_results.emplace_back(name, Value(evaluate_parsed(stage, with_results, nullptr, Casting::Safe, Order::K)));
      }
      return evaluate_parsed(stages->rest, with_results, out_arg, casting, order);
    }
    return evaluate_parsed(parsed, *use_bindings, out_arg, casting, order);
  }

  // What is evaluated for `text`: its unrolled form where it has one (then `with_slices` gets
  // the bindings plus the slice operands), else its own.
  std::shared_ptr<const Parsed> unroll(const std::shared_ptr<const Parsed>& parsed, const Bindings& bindings,
                                       const Array* out, Bindings& with_slices) {
    // A reduction at the root with out= keeps its own rule (out= must have its exact type).
    if (!parsed->has_axis_reduction || (out && parsed->reduction)) return nullptr;
    std::shared_ptr<const UnrolledExpr> u = unrolled(parsed, bindings);
    if (!u || !u->parsed) return nullptr;
    with_slices = bindings;
    for (const SliceOperand& slice : u->slices) {
      with_slices.emplace_back(slice.name, Value(slice_view(*find_array(bindings, slice.source), slice)));
    }
    return u->parsed;
  }

  // For dump_ir, dump_llvm and dump_asm: what evaluate would compile.
  Prepared prepare_as_evaluated(std::string_view text, const Bindings& bindings) {
    std::shared_ptr<const Parsed> parsed = parse(text);
    Bindings with_slices;
    const Bindings* use_bindings = &bindings;
    if (std::shared_ptr<const Parsed> u = unroll(parsed, bindings, nullptr, with_slices)) {
      parsed = std::move(u);
      use_bindings = &with_slices;
    }
    if (const Parsed::Stages* stages = parsed->has_inner_reduction ? parsed->staged() : nullptr) {
      // The element-wise stage, with each reduction's result typed and shaped but not computed.
      Bindings with_results = *use_bindings;
      for (const auto& [name, stage] : stages->reductions) {
        Prepared p = prepare(stage, with_results, nullptr);
        with_results.emplace_back(name, Value(Array::empty(typed_program(p).result_type(), p.out_shape)));
      }
      return prepare(stages->rest, with_results, nullptr);
    }
    return prepare(parsed, *use_bindings, nullptr);
  }

  static const Array* find_array(const Bindings& bindings, const std::string& name) {
    for (const auto& [n, value] : bindings) {
      if (n == name) return value.if_array();
    }
    return nullptr;
  }

  // The unrolled form of `parsed` for these operands (Unroll.h), cached by their dtypes and shapes.
  std::shared_ptr<const UnrolledExpr> unrolled(const std::shared_ptr<const Parsed>& parsed, const Bindings& bindings) {
    std::string key = parsed->canonical;
    for (const VariableUse& v : parsed->variables) {
      const Array* a = find_array(bindings, v.name);
      if (!a) return nullptr;  // the normal path reports it
      key += fmt::format("|{}:{}", dtype_name(a->dtype()), shape_string(a->shape()));
    }
    for (const auto& [name, value] : bindings) {
      if (name.rfind("__jx", 0) == 0) return nullptr;  // the names of slice operands are taken
    }
    {
      std::lock_guard<std::mutex> lock(parse_mutex);
      if (auto it = unrolled_exprs.find(key); it != unrolled_exprs.end()) return it->second;
    }
    auto array_of = [&](const std::string& name) { return find_array(bindings, name); };
    // The terms must have the reduction's own type: an int32 sum accumulates in int64, a bool
    // sum counts; min and max of bool or complex stay reductions.
    auto terms_keep_type = [&](const ast::Call& reduction) {
      std::vector<ir::OperandInfo> infos;
      for (const VariableUse& v : collect_variables(reduction)) {
        const Array* a = find_array(bindings, v.name);
        infos.push_back({v.name, a->dtype(), ir::Layout::Strided, a->ndim(), a->itemsize(), v.first_use});
      }
      try {
        DType acc = ir::infer_expression(reduction, *parsed->src, infos).result_type();
        DType term = ir::infer_expression(*reduction.args[0], *parsed->src, infos).result_type();
        bool ordered = reduction.callee == "sum" || reduction.callee == "prod" || (acc != DType::Bool && !is_complex(acc));
        return acc == term && ordered;
      } catch (const Error&) {
        return false;  // the normal path reports it
      }
    };
    auto result = std::make_shared<UnrolledExpr>();  // with no parsed form: nothing to unroll
    if (std::optional<Unrolled> u = unroll_short_reductions(*parsed->ast, array_of, terms_keep_type)) {
      auto p = std::make_shared<Parsed>();
      p->src = parsed->src;  // the unrolled tree keeps the source ranges of the text as written
      p->ast = std::move(u->ast);
      p->describe();
      if (p->variables.size() <= static_cast<std::size_t>(kMaxOperands)) {
        result->parsed = std::move(p);
        result->slices = std::move(u->slices);
      }
    }
    std::lock_guard<std::mutex> lock(parse_mutex);
    if (unrolled_exprs.size() >= kMaxParsed) unrolled_exprs.clear();
    unrolled_exprs.emplace(std::move(key), result);
    return result;
  }

  Array evaluate_parsed(const std::shared_ptr<const Parsed>& parsed, const Bindings& bindings, const Array* out_arg,
                        Casting casting, Order order) {
    std::vector<Array> operands;
    std::shared_ptr<const FastPath> fast = match_fast_path(*parsed, bindings, out_arg, casting, order, operands);
    if (std::shared_ptr<const Compiled> c = fast ? fast->compiled.lock() : nullptr) {
      c->fast_hits.fetch_add(1, std::memory_order_relaxed);
      Array out = out_arg ? *out_arg : new_result(c->program.result_type(), fast->out_shape, fast->order);
      return run(*parsed, c, fast->plan, operands, out);
    }
    Prepared prep = prepare(parsed, bindings, out_arg, order);
    std::shared_ptr<const Compiled> c = compiled(prep);
    DType result = c->program.result_type();
    if (out_arg && out_arg->dtype() != c->natural_type) {
      if (c->program.reduction()) {
        throw TypeError(fmt::format("out= has dtype '{}' but the reduction gives '{}'", dtype_name(out_arg->dtype()),
                                    dtype_name(c->natural_type)));
      }
      if (!ir::can_cast(c->natural_type, out_arg->dtype(), casting)) {
        throw TypeError(fmt::format("cannot cast the result from '{}' to out's '{}' with casting='{}'",
                                    dtype_name(c->natural_type), dtype_name(out_arg->dtype()), casting_name(casting)));
      }
    }
    bool elementwise = !c->program.reduction();
    Array out = out_arg ? *out_arg
                        : elementwise ? new_result(result, prep.out_shape, prep.order) : Array::empty(result, prep.out_shape);
    IterationPlan& plan = prep.plan;
    if (!out_arg) {
      for (std::int64_t& s : plan.strides[0]) s *= static_cast<std::int64_t>(dtype_size(result));
    }
    auto memo = std::make_shared<FastPath>();
    for (const Array& a : prep.operands) memo->operands.push_back(FastPath::of(a));
    if (out_arg) memo->out = FastPath::of(*out_arg);
    memo->casting = casting;
    memo->order_mode = order;
    memo->streaming = prep.streaming;
    memo->plan = plan;
    memo->out_shape = prep.out_shape;
    memo->order = elementwise ? prep.order : std::vector<int>{};
    memo->compiled = c;
    {
      std::lock_guard<std::mutex> lock(prep.parsed->fast_mutex);
      prep.parsed->fast = std::move(memo);
    }
    return run(*prep.parsed, c, plan, prep.operands, out);
  }

  Array run(const Parsed& parsed, const std::shared_ptr<const Compiled>& c, const IterationPlan& plan,
            const std::vector<Array>& operands, Array& out) {
    std::int32_t flags;
    std::int64_t elements = shape_size(plan.loop_shape);
    double estimate_ns = static_cast<double>(elements) * c->ns_per_element.load();
    bool on_fast_code = !c->runs_optimized();
    if (on_fast_code && large_on_fast_code(*c, plan)) {
      request_tier_up(c);
      if (c->calls_math) {
        background.wait_idle();
        on_fast_code = !c->runs_optimized();
      }
    }
    bool long_work = estimate_ns > kParallelMinNs;
    bool parallel = long_work && pool.threads() > 1;
    // Long work goes through the pool in blocks also on one thread when it can be interrupted, or
    // when it runs on fast code that optimized code may replace between blocks.
    ThreadPool* use = parallel || (long_work && (pool.has_interrupt_flag() || on_fast_code)) ? &pool : nullptr;
    auto t0 = std::chrono::steady_clock::now();
    if (const ir::Reduce* red = c->program.reduction()) {
      flags = run_reduction(c->code, *red, plan, operands, out, use);
    } else {
      flags = run_elementwise(c->code, plan, operands, out, use);
    }
    if (on_fast_code) {
      // Hot fast code gets optimized.
      std::uint32_t runs = c->fast_runs.fetch_add(1) + 1;
      double spent = c->fast_ms.load() + ms_since(t0);
      c->fast_ms.store(spent);
      if (runs >= kHotRuns || (runs >= 2 && spent >= kHotFastMs)) request_tier_up(c);
    }
    if (!parallel && !on_fast_code && elements >= 4096) {
      // Learn the real cost from serial runs big enough to time.
      double measured = ms_since(t0) * 1e6 / static_cast<double>(elements);
      c->ns_per_element.store(0.75 * c->ns_per_element.load() + 0.25 * measured);
    }
    if (flags & JX_ERROR_BIT(JX_NEGATIVE_POWER)) {
      const Source& src = *parsed.src;
      fail_at(ErrorKind::Value, src, {0, static_cast<std::uint32_t>(src.text.size())},
              "integers to negative integer powers are not allowed");
    }
    return out;
  }
};

Runtime::Runtime(RuntimeOptions options) : impl_(std::make_unique<Impl>(options)) {}
Runtime::~Runtime() = default;

void Runtime::set_interrupt_flag(const std::atomic<bool>* flag) { impl_->pool.set_interrupt_flag(flag); }

Module Runtime::compile_module(std::string_view source, ModuleOptions options) {
  return make_module({impl_->jit_owner, impl_->pool_owner, impl_->disk, impl_->kernel_stats}, source, std::move(options));
}

Array Runtime::evaluate(std::string_view expr, const Bindings& bindings) { return impl_->evaluate(expr, bindings, nullptr); }

Array Runtime::evaluate(std::string_view expr, const Bindings& bindings, EvaluateOptions options) {
  return impl_->evaluate(expr, bindings, nullptr, options.casting, options.order);
}

Array Runtime::evaluate(std::string_view expr, const Bindings& bindings, Array out, EvaluateOptions options) {
  return impl_->evaluate(expr, bindings, &out, options.casting, options.order);
}

std::string Runtime::dump_ir(std::string_view expr, const Bindings& bindings) {
  Prepared prep = impl_->prepare_as_evaluated(expr, bindings);
  return ir::print_program(impl_->typed_program(prep));
}

std::string Runtime::dump_llvm(std::string_view expr, const Bindings& bindings) {
  Prepared prep = impl_->prepare_as_evaluated(expr, bindings);
  return impl_->jit.llvm_ir(impl_->typed_program(prep), {impl_->options.opt_level});
}

std::string Runtime::dump_asm(std::string_view expr, const Bindings& bindings) {
  Prepared prep = impl_->prepare_as_evaluated(expr, bindings);
  return impl_->jit.assembly(impl_->typed_program(prep), {impl_->options.opt_level});
}

void Runtime::set_num_threads(int threads) { impl_->pool.set_threads(threads); }
int Runtime::num_threads() const { return impl_->pool.threads(); }

RuntimeStats Runtime::stats() const {
  std::uint64_t fast_hits = 0;
  RuntimeStats s = impl_->cache.stats([&](const Compiled& c, CacheEntryStats& e) {
    std::uint64_t n = c.fast_hits.load(std::memory_order_relaxed);
    e.hits += n;
    fast_hits += n;
    e.tier = c.runs_optimized() ? CodeTier::Optimized : CodeTier::Fast;
    e.tier_up_ms = c.tier_up_ms.load();
  });
  s.hits += fast_hits;
  s.tier_ups = impl_->tier_ups.load();
  s.target = impl_->jit.target_description();
  s.kernel_compiles = impl_->kernel_stats->compiles.load();
  s.kernel_compile_ms = static_cast<double>(impl_->kernel_stats->compile_ns.load()) / 1e6;
  if (const CodeStore* disk = impl_->disk.get()) {
    DiskCacheInfo info = disk->cache().info();
    s.disk_enabled = true;
    s.disk_dir = info.dir;
    s.disk_entries = info.entries;
    s.disk_bytes = info.bytes;
    s.disk_hits = disk->hits();
    s.disk_misses = disk->misses();
    s.disk_errors = disk->cache().errors();
  }
  return s;
}

std::uint64_t Runtime::clear_disk_cache() { return impl_->disk ? impl_->disk->cache().clear() : 0; }

void Runtime::clear_cache() { impl_->cache.clear(); }

void Runtime::wait_for_compiles() { impl_->background.wait_idle(); }

}  // namespace jitexpr

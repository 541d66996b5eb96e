// Evaluation, infer: the typed program of a bound expression, through the IR passes (see
// RuntimeImpl.h).
#include "runtime/RuntimeImpl.h"

#include <fmt/format.h>

namespace jitexpr {

ir::Program Runtime::Impl::typed_program(const Prepared& prep, DType* natural, CacheEntryStats* stats) {
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

}  // namespace jitexpr

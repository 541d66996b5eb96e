// Evaluation, key: what the compiled code of a bound expression depends on, as the text that
// keys the code cache; and whether its stores stream past the cache (see RuntimeImpl.h).
#include "runtime/RuntimeImpl.h"

#include <fmt/format.h>

namespace jitexpr {

namespace {

ir::Layout out_layout(const Prepared& prep) {
  return prep.plan.layouts.empty() ? ir::Layout::Contiguous : prep.plan.layouts[0];
}

}  // namespace

bool streams(const Prepared& prep, const Shape& result_shape, const Array* out) {
  const Parsed& parsed = *prep.parsed;
  // Streaming stores need every block of the output to start 64-byte aligned: a new result's
  // base is, an out= base may not be; blocks start at multiples of 16384 elements of a row, and
  // rows at multiples of the outer strides.
  std::int64_t elements = shape_size(result_shape);
  if (parsed.reduction || out_layout(prep) != ir::Layout::Contiguous || elements * 8 < streaming_min_bytes() ||
      (out && !streaming_aligned(out->raw_data()))) {
    return false;
  }
  for (std::size_t d = 0; d + 1 < prep.plan.loop_shape.size(); ++d) {
    // A new result's strides are still in elements here: a multiple of 64 suits any item size.
    if (prep.plan.strides[0][d] % static_cast<std::int64_t>(ir::kStreamingAlignment) != 0) return false;
  }
  // The result's bytes need its dtype: type inference takes microseconds, and a large
  // evaluation comes here only when its fast path misses. An error is reported later, as always.
  std::int64_t itemsize = 0;
  if (out) {
    itemsize = static_cast<std::int64_t>(out->itemsize());
  } else {
    try {
      itemsize = static_cast<std::int64_t>(
          dtype_size(ir::infer_expression(*parsed.ast, *parsed.src, prep.infos).result_type()));
    } catch (const Error&) {
      itemsize = 0;
    }
  }
  return elements * itemsize >= streaming_min_bytes();
}

std::string cache_key(const Prepared& prep, int opt_level) {
  std::string key = prep.parsed->canonical;
  for (const ir::OperandInfo& info : prep.infos) {
    key += fmt::format("|{}:{}:{}:{}:{}", info.name, dtype_name(info.dtype), layout_name(info.layout), info.rank,
                       info.itemsize);
  }
  if (prep.out_dtype) key += fmt::format("|into:{}", dtype_name(*prep.out_dtype));
  key += fmt::format("|out:{}{}|O{}", layout_name(out_layout(prep)), prep.streaming ? ":streaming" : "", opt_level);
  return key;
}

}  // namespace jitexpr

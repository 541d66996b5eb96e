// Fuzz target, end to end: a random expression of the reference subset (ReferenceExpr.h) is
// evaluated by jitexpr::Runtime over small arrays (contiguous, strided or 0-d, values drawn from
// the input with the awkward ones overrepresented: zeros of both signs, NaN, infinities, extreme
// integers), and every element is checked against the reference evaluator. The dtype of the
// result must be the reference's; no error may be raised (the subset has none).
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/ReferenceExpr.h"

#include <jitexpr/jitexpr.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

using namespace jitexpr;
using namespace jitexpr::fuzz;

namespace {

// Two runtimes: with tiered compilation (a new expression runs on its fast, O0 code) and
// without (it runs on its O3 code): both tiers are checked against the reference. A small cache:
// long runs evict and recompile as well.
Runtime& runtime(bool tiering) {
  auto make = [](bool tiered) {
    RuntimeOptions o;
    o.disk_cache = false;
    o.max_cache_entries = 256;
    o.tiering = tiered;
    return o;
  };
  static Runtime fast(make(true)), optimized(make(false));
  return tiering ? fast : optimized;
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kFloats[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -3.5, 1e300, -1e300, 1e-310, kInf, -kInf,
                              std::numeric_limits<double>::quiet_NaN(), 3.0, 100.0, 0.1};
constexpr std::int64_t kInts[] = {0, 1, -1, 2, -2, 3, 7, -7, 31, 32, 63, 64, 100, INT32_MAX, INT32_MIN,
                                  INT64_MAX, INT64_MIN, 1LL << 40};

RValue draw(FuzzedDataProvider& in, RType t) {
  RValue v;
  if (t == RType::Float64) {
    v.f = in.ConsumeBool() ? kFloats[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kFloats) - 1)]
                           : static_cast<double>(in.ConsumeIntegralInRange<int>(-1000, 1000)) / 8;
  } else {
    v.i = in.ConsumeBool() ? kInts[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kInts) - 1)]
                           : in.ConsumeIntegralInRange<std::int64_t>(-100, 100);
    if (t == RType::Int32) v.i = static_cast<std::int32_t>(static_cast<std::uint32_t>(v.i));
  }
  return v;
}

// One variable: its reference values (one per element, or one for a 0-d operand) and the array
// jitexpr reads them from.
struct Operand {
  std::vector<RValue> values;
  Array array;
  Array buffer;  // what a strided view reads
};

template <typename T> Operand make_operand(FuzzedDataProvider& in, RType t, std::int64_t n, int layout) {
  DType dtype = dtype_of_v<T>;
  Operand op;
  if (layout == 0) {  // 0-d: broadcast to every element
    op.values.push_back(draw(in, t));
    op.array = Array::scalar_of<T>(t == RType::Float64 ? static_cast<T>(op.values[0].f) : static_cast<T>(op.values[0].i));
    return op;
  }
  // Strided: every other element of a buffer twice as long (the array keeps the buffer alive).
  std::int64_t step = layout == 2 ? 2 : 1;
  Array buffer = Array::zeros(dtype, {n * step});
  for (std::int64_t e = 0; e < n; ++e) {
    op.values.push_back(draw(in, t));
    buffer.data<T>()[e * step] = t == RType::Float64 ? static_cast<T>(op.values.back().f) : static_cast<T>(op.values.back().i);
  }
  op.array = step == 1 ? buffer
                       : Array::view(buffer.raw_data(), dtype, {n}, {static_cast<std::int64_t>(sizeof(T)) * step});
  op.buffer = buffer;
  return op;
}

bool same_float(double got, const RValue& want) {
  if (want.err == 0) {
    if (std::isnan(want.f)) return std::isnan(got);
    return got == want.f && std::signbit(got) == std::signbit(want.f);
  }
  return std::fabs(got - want.f) <= want.err;
}

void check_result(const Generated& g, const std::vector<Operand>& operands, const Bindings& bindings, std::int64_t n,
                  Runtime& rt);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  Generated g = generate_expression(in, in.ConsumeIntegralInRange(1, 6));
  constexpr std::int64_t kSizes[] = {1, 2, 3, 7, 16, 33, 100};
  std::int64_t n = kSizes[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kSizes) - 1)];

  std::vector<Operand> operands;
  Bindings bindings;
  for (int v = 0; v < kNumVariables; ++v) {
    int layout = in.ConsumeIntegralInRange(0, 2);
    RType t = kVariables[v].type;
    Operand op = t == RType::Float64 ? make_operand<double>(in, t, n, layout)
               : t == RType::Int64   ? make_operand<std::int64_t>(in, t, n, layout)
                                     : make_operand<std::int32_t>(in, t, n, layout);
    bindings.emplace_back(kVariables[v].name, op.array);
    operands.push_back(std::move(op));
  }

  for (bool tiering : {true, false}) check_result(g, operands, bindings, n, runtime(tiering));
  return 0;
}

namespace {

void check_result(const Generated& g, const std::vector<Operand>& operands, const Bindings& bindings, std::int64_t n,
                  Runtime& rt) {
  Array result;
  try {
    result = rt.evaluate(g.text, bindings);
  } catch (const Error& e) {
    fail("the reference subset raised an error", g.text + "\n" + e.what());
  }
  std::string want_type(rtype_name(g.tree->type));
  fuzz::check(dtype_name(result.dtype()) == want_type, "result dtype differs from the reference",
              fmt::format("{}\njitexpr: {}, reference: {}", g.text, dtype_name(result.dtype()), want_type));

  std::int64_t elements = result.size();
  fuzz::check(elements == 1 || elements == n, "result has the wrong size", g.text);
  std::vector<RValue> vars(kNumVariables);
  for (std::int64_t e = 0; e < elements; ++e) {
    for (int v = 0; v < kNumVariables; ++v) {
      const auto& values = operands[static_cast<std::size_t>(v)].values;
      vars[static_cast<std::size_t>(v)] = values.size() == 1 ? values[0] : values[static_cast<std::size_t>(e)];
    }
    RValue want = evaluate_reference(*g.tree, vars);
    if (want.undefined) continue;
    bool ok;
    std::string got_text, want_text;
    if (g.tree->type == RType::Float64) {
      double got = result.flat_as_double(e);
      ok = same_float(got, want);
      got_text = fmt::format("{}", got);
      want_text = fmt::format("{} (within {})", want.f, want.err);
    } else {
      std::int64_t got = result.flat_as_int(e);
      ok = got == want.i;
      got_text = fmt::format("{}", got);
      want_text = fmt::format("{}", want.i);
    }
    if (!ok) {
      std::string inputs;
      for (int v = 0; v < kNumVariables; ++v) {
        const RValue& x = vars[static_cast<std::size_t>(v)];
        inputs += fmt::format(" {}={}", kVariables[v].name,
                              kVariables[v].type == RType::Float64 ? fmt::format("{}", x.f) : fmt::format("{}", x.i));
      }
      fail("jitexpr and the reference evaluator disagree",
           fmt::format("{}\nelement {} of {}:{}\njitexpr: {}\nreference: {}", g.text, e, elements, inputs, got_text,
                       want_text));
    }
  }
}

}  // namespace

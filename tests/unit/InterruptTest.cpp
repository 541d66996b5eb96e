// The host's interrupt flag stops long work between blocks: evaluations and prange loops throw
// jitexpr::Interrupted, and the runtime works normally once the flag is cleared.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <atomic>

namespace jitexpr {
namespace {

TEST(Interrupt, ASetFlagStopsALongEvaluationAndClearingItResumes) {
  for (int threads : {1, 2}) {
    Runtime rt({.disk_cache = false, .num_threads = threads});
    std::atomic<bool> flag{false};
    rt.set_interrupt_flag(&flag);
    Array a = Array::linspace(0, 1, 4'000'000);
    // Unset: runs, and teaches the runtime that this work is long enough for blocks.
    Array r = rt.evaluate("sin(a) * 2", {{"a", a}});
    EXPECT_DOUBLE_EQ(r.flat_as_double(1), 2 * std::sin(a.flat_as_double(1)));
    flag = true;
    EXPECT_THROW(rt.evaluate("sin(a) * 2", {{"a", a}}), Interrupted) << threads;
    EXPECT_THROW(rt.evaluate("sum(sin(a))", {{"a", a}}), Interrupted) << threads;
    flag = false;
    EXPECT_NO_THROW(rt.evaluate("sum(sin(a))", {{"a", a}}));
  }
}

TEST(Interrupt, ASetFlagStopsAPrangeLoop) {
  Runtime rt({.disk_cache = false, .num_threads = 2});
  std::atomic<bool> flag{false};
  rt.set_interrupt_flag(&flag);
  Module m = rt.compile_module(
      "def work(a):\n"
      "    s = 0.0\n"
      "    for i in prange(len(a)):\n"
      "        s += a[i]\n"
      "    return s\n");
  Array a = Array::ones(DType::Float64, {100000});
  EXPECT_EQ(m("work")(a).as<double>(), 100000.0);
  flag = true;
  try {
    m("work")(a);
    FAIL() << "no interrupt";
  } catch (const Interrupted& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Interrupted);
    EXPECT_EQ(error_kind_name(e.kind()), "KeyboardInterrupt");
  }
  flag = false;
  EXPECT_EQ(m("work")(a).as<double>(), 100000.0);
}

}  // namespace
}  // namespace jitexpr

// The host's interrupt flag stops long work: evaluations between blocks, kernels in their loops
// (while and for, serial and prange, at the loop's line); each throws jitexpr::Interrupted, and
// the runtime works normally once the flag is cleared. The kernels here never end (or would take
// years): only the flag can stop them, so no timing is assumed.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>

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
    EXPECT_EQ(e.line(), 3) << "the prange loop's line: " << e.what();
  }
  flag = false;
  EXPECT_EQ(m("work")(a).as<double>(), 100000.0);
}

// Calls f with the flag set from another thread once the call has run a while (the loop is
// already going): the call must end with Interrupted, the message naming the kernel and a line
// that looks (`lines`: a prange's blocks that start after the flag is set stop at the prange's
// line, those already running at their loop's).
void expect_interrupted_while_running(Runtime& rt, std::atomic<bool>& flag, const Function& f,
                                      const std::vector<Value>& args, std::set<int> lines, const std::string& kernel) {
  flag = false;
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    flag = true;
  });
  try {
    f.call(std::vector<Arg>(args.begin(), args.end()).data(), args.size());
    ADD_FAILURE() << kernel << ": no interrupt";
  } catch (const Interrupted& e) {
    EXPECT_TRUE(lines.count(e.line())) << e.what();
    EXPECT_EQ(e.message(), "interrupted in " + kernel + "()") << e.what();
    EXPECT_NE(std::string(e.what()).find("KeyboardInterrupt: interrupted in " + kernel + "()"), std::string::npos) << e.what();
  }
  setter.join();
  flag = false;
}

const char* const kNeverEnding =
    "def spin(n):\n"                        // 1
    "    s = 0\n"                           // 2
    "    while n > 0:\n"                    // 3
    "        s += 1\n"                      // 4
    "    return s\n"                        // 5
    "def count(n):\n"                       // 6
    "    s = 0\n"                           // 7
    "    for i in range(n):\n"              // 8
    "        s += i & 7\n"                  // 9
    "    return s\n"                        // 10
    "def nested(n):\n"                      // 11
    "    s = 0\n"                           // 12
    "    for i in range(n):\n"              // 13
    "        for j in range(3):\n"          // 14
    "            s += i ^ j\n"              // 15
    "    return s\n"                        // 16
    "def stepped(n):\n"                     // 17
    "    s = 0.0\n"                         // 18
    "    for i in range(n, -n, -3):\n"      // 19
    "        s += i * 0.5\n"                // 20
    "    return s\n"                        // 21
    "def spread(n):\n"                      // 22
    "    s = 0\n"                           // 23
    "    for i in prange(4):\n"             // 24
    "        t = 0\n"                       // 25
    "        while t >= 0:\n"               // 26
    "            t += n\n"                  // 27
    "        s += t\n"                      // 28
    "    return s\n"                        // 29
    "def wide(n):\n"                        // 30
    "    s = 0\n"                           // 31
    "    for i in prange(n):\n"             // 32
    "        s += i & 1\n"                  // 33
    "    return s\n";                       // 34

TEST(Interrupt, KernelLoopsThatDoNotEndAreInterruptedAtTheirLine) {
  Runtime rt({.disk_cache = false, .num_threads = 2});
  std::atomic<bool> flag{false};
  rt.set_interrupt_flag(&flag);
  Module m = rt.compile_module(kNeverEnding);
  const std::int64_t years = std::int64_t{1} << 62;  // iterations no test waits for
  expect_interrupted_while_running(rt, flag, m("spin"), {Value(std::int64_t{1})}, {3}, "spin");
  expect_interrupted_while_running(rt, flag, m("count"), {Value(years)}, {8}, "count");
  // The outer loop counts down; the inner one is short and has no check of its own.
  expect_interrupted_while_running(rt, flag, m("nested"), {Value(years)}, {13}, "nested");
  expect_interrupted_while_running(rt, flag, m("stepped"), {Value(years)}, {19}, "stepped");
  expect_interrupted_while_running(rt, flag, m("spread"), {Value(std::int64_t{0})}, {24, 26}, "spread");
  expect_interrupted_while_running(rt, flag, m("wide"), {Value(years)}, {32}, "wide");
  // The flag cleared, the same kernels run to their ends.
  EXPECT_EQ(m("count")(std::int64_t{100000}).as<std::int64_t>(), 100000 / 8 * 28);
  EXPECT_EQ(m("nested")(std::int64_t{2}).as<std::int64_t>(), (0 ^ 0) + (0 ^ 1) + (0 ^ 2) + (1 ^ 0) + (1 ^ 1) + (1 ^ 2));
  EXPECT_EQ(m("stepped")(std::int64_t{4}).as<double>(), (4 + 1 - 2) * 0.5);
  EXPECT_EQ(m("wide")(std::int64_t{1000}).as<std::int64_t>(), 500);
}

TEST(Interrupt, AFlagSetBeforeTheCallStopsTheFirstLoop) {
  Runtime rt({.disk_cache = false, .num_threads = 1});
  std::atomic<bool> flag{true};
  rt.set_interrupt_flag(&flag);
  Module m = rt.compile_module(kNeverEnding);
  EXPECT_THROW(m("spin")(std::int64_t{1}), Interrupted);
  EXPECT_THROW(m("count")(std::int64_t{1} << 40), Interrupted);
  // A short loop does not look: it ends by itself.
  Module shortm = rt.compile_module("def f():\n    s = 0\n    for i in range(100):\n        s += i\n    return s\n");
  EXPECT_EQ(shortm("f")().as<std::int64_t>(), 4950);
}

TEST(Interrupt, ChecksOffLetAKernelRunToItsEnd) {
  Runtime rt({.disk_cache = false, .num_threads = 1});
  std::atomic<bool> flag{true};
  rt.set_interrupt_flag(&flag);
  Module on = rt.compile_module(kNeverEnding);
  Module off = rt.compile_module(kNeverEnding, {.interruptible = false});
  // A long loop (past one chunk, and past the while countdown): with checks it stops, without
  // them it ends with the right sum.
  EXPECT_THROW(on("count")(std::int64_t{300000}), Interrupted);
  EXPECT_EQ(off("count")(std::int64_t{300000}).as<std::int64_t>(), 300000 / 8 * 28);
  std::string with = on("count").dump_llvm({Value(std::int64_t{1})});
  std::string without = off("count").dump_llvm({Value(std::int64_t{1})});
  EXPECT_NE(with.find("load volatile i8"), std::string::npos);
  EXPECT_EQ(without.find("load volatile i8"), std::string::npos);
}

TEST(Interrupt, ChunkedLoopsStillVectorizeAndAreRight) {
  Runtime rt({.disk_cache = false, .num_threads = 1});
  Module m = rt.compile_module(
      "def scale(a, out):\n"
      "    for i in range(len(a)):\n"
      "        out[i] = a[i] * 2.0 + 1.0\n");
  // Lengths around the chunk size (65536 iterations) and its multiples.
  for (std::int64_t n : {std::int64_t{7}, std::int64_t{65535}, std::int64_t{65536}, std::int64_t{65537}, std::int64_t{200003}}) {
    Array a = Array::arange(n, DType::Float64), out = Array::zeros(DType::Float64, {n});
    m("scale")(a, out);
    for (std::int64_t i = 0; i < n; ++i) ASSERT_EQ(out.data<double>()[i], 2.0 * i + 1) << n << " " << i;
  }
  Array a = Array::arange(10, DType::Float64), out = Array::zeros(DType::Float64, {10});
  std::string llvm = m("scale").dump_llvm({Value(a), Value(out)});
  EXPECT_NE(llvm.find(" x double>"), std::string::npos) << "the loop is vectorized, chunked or not";
}

}  // namespace
}  // namespace jitexpr

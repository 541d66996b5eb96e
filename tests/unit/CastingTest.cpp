// casting= for outputs of another dtype: the rules against numpy.can_cast itself, and evaluations
// that convert into out= or refuse to.
#include <jitexpr/jitexpr.h>

#include "ir/DTypeRules.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

namespace {

using namespace jitexpr;

constexpr std::array kNumeric = {DType::Bool,   DType::Int8,    DType::Int16,   DType::Int32,     DType::Int64,
                                 DType::UInt8,  DType::UInt16,  DType::UInt32,  DType::UInt64,    DType::Float32,
                                 DType::Float64, DType::Complex64, DType::Complex128};
constexpr std::array kCastings = {Casting::No, Casting::Equiv, Casting::Safe, Casting::SameKind, Casting::Unsafe};

TEST(Casting, RulesAreNumpysCanCast) {
  // numpy prints one line per (from, to, casting) with 0 or 1.
  std::string script =
      "import numpy as np\n"
      "d=['bool','int8','int16','int32','int64','uint8','uint16','uint32','uint64','float32','float64','complex64','complex128']\n"
      "for a in d:\n"
      "  for b in d:\n"
      "    for c in ['no','equiv','safe','same_kind','unsafe']:\n"
      "      print(a, b, c, int(np.can_cast(a, b, c)))\n";
  std::string cmd = std::string(JITEXPR_PYTHON) + " -c \"" + script + "\"";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), ::pclose);
  ASSERT_TRUE(pipe);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  std::istringstream lines(out);
  std::string from, to, casting;
  int expected = 0, checked = 0;
  while (lines >> from >> to >> casting >> expected) {
    DType f = *dtype_from_name(from), t = *dtype_from_name(to);
    Casting c = Casting::Unsafe;
    for (Casting k : kCastings) {
      if (casting_name(k) == casting) c = k;
    }
    EXPECT_EQ(ir::can_cast(f, t, c), expected == 1) << from << " -> " << to << " casting=" << casting;
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(kNumeric.size() * kNumeric.size() * kCastings.size()));
}

TEST(Casting, SafeByDefaultIntoAWiderOutput) {
  Runtime rt;
  Array a = Array::arange(5, DType::Int32);
  Array out = Array::zeros(DType::Float64, {5});
  rt.evaluate("a * 3", {{"a", a}}, out);
  EXPECT_EQ(out.data<double>()[4], 12.0);
}

TEST(Casting, NarrowingNeedsSameKindOrUnsafe) {
  Runtime rt;
  Array a = Array::linspace(0.0, 1.0, 5);
  Array out = Array::zeros(DType::Float32, {5});
  try {
    rt.evaluate("a * 2", {{"a", a}}, out);
    FAIL() << "float64 into float32 passed as a safe cast";
  } catch (const TypeError& e) {
    EXPECT_EQ(e.message(), "cannot cast the result from 'float64' to out's 'float32' with casting='safe'");
  }
  rt.evaluate("a * 2", {{"a", a}}, out, {Casting::SameKind});
  EXPECT_EQ(out.data<float>()[2], 1.0f);
  Array ints = Array::zeros(DType::Int64, {5});
  EXPECT_THROW(rt.evaluate("a * 2", {{"a", a}}, ints, {Casting::SameKind}), TypeError);
  rt.evaluate("a * 2 + 0.5", {{"a", a}}, ints, {Casting::Unsafe});
  EXPECT_EQ(ints.data<std::int64_t>()[4], 2);  // 2.5 truncates toward zero
  // The same call, now safe again, refuses (the warm path checks the rule too).
  EXPECT_THROW(rt.evaluate("a * 2", {{"a", a}}, out), TypeError);
}

TEST(Casting, ReductionsNeedTheirOwnDtype) {
  Runtime rt;
  Array a = Array::arange(5, DType::Int64);
  Array out = Array::zeros(DType::Float64, {});
  EXPECT_THROW(rt.evaluate("sum(a)", {{"a", a}}, out), TypeError);
  Array exact = Array::zeros(DType::Int64, {});
  rt.evaluate("sum(a)", {{"a", a}}, exact);
  EXPECT_EQ(*exact.data<std::int64_t>(), 10);
}

}  // namespace

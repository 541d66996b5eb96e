// The language registry (frontend/Language.h, ir/Builtins.h): every module, constant and
// built-in function row reaches the parsers and both type inferences, and the dialect decides
// the rules where numexpr's expressions and the Python of kernels differ.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include "frontend/Language.h"
#include "ir/Builtins.h"
#include "tests/unit/KernelTesting.h"

#include <cmath>
#include <string>

namespace {

using namespace jitexpr;
using namespace jitexpr::testing;

Array scalar_array(double v) {
  Array a = Array::empty(DType::Float64, {1});
  a.data<double>()[0] = v;
  return a;
}

TEST(LanguageRegistry, EveryKernelModuleNamesItsFunctionsAndEveryImportableOneImports) {
  int prefixes = 0, imports = 0;
  for (const ModuleInfo& mod : modules()) {
    std::string name(mod.name);
    if (accepts(mod.prefix, Dialect::Python)) {
      // sqrt is in math, cmath and numpy; random's functions are its own.
      std::string call = name == "random" ? name + ".random()" : name + ".sqrt(4.0)";
      std::string src =
          (mod.importable ? "import " + name + "\n" : "import numpy as np\n") + "def f():\n    return " + call + "\n";
      Value v = compile(src)("f")();
      EXPECT_EQ(v.dtype(), DType::Float64) << src;
      if (name != "random") EXPECT_EQ(v.as<double>(), 2.0) << src;
      ++prefixes;
    }
    if (mod.importable) {
      std::string src = "import " + name + "\ndef f():\n    return 1\n";
      EXPECT_EQ(compile(src)("f")().as<std::int64_t>(), 1) << src;
      ++imports;
    }
  }
  EXPECT_EQ(prefixes, 5);  // math, cmath, numpy, np, random
  EXPECT_EQ(imports, 5);   // math, cmath, numpy, random, numba
  // numba is imported for its decorators and prange, never called through.
  Error e = error_of([] { compile("import numba\ndef f():\n    return numba.sqrt(4.0)\n"); });
  EXPECT_EQ(e.message(),
            "only functions can be called, by name or with a 'np.', 'numpy.', 'math.', 'cmath.' or "
            "'random.' prefix");
  EXPECT_EQ(importable_modules_text(), "numpy (as np), math, cmath, random and numba");
  EXPECT_EQ(module_prefixes_text(Dialect::Numexpr), "'np.', 'numpy.', 'math.' or 'cmath.'");
}

TEST(LanguageRegistry, ModulePrefixesFollowTheirDialects) {
  EXPECT_TRUE(is_module_prefix("np", Dialect::Numexpr));
  EXPECT_TRUE(is_module_prefix("np", Dialect::Python));
  EXPECT_FALSE(is_module_prefix("random", Dialect::Numexpr));
  EXPECT_TRUE(is_module_prefix("random", Dialect::Python));
  EXPECT_FALSE(is_module_prefix("numba", Dialect::Python));
  EXPECT_FALSE(is_module_prefix("scipy", Dialect::Python));
  // In expressions, np.sqrt is sqrt.
  Runtime& rt = runtime();
  Array r = rt.evaluate("np.sqrt(a) + math.sqrt(a)", {{"a", Value(scalar_array(9.0))}});
  EXPECT_EQ(r.data<double>()[0], 6.0);
}

TEST(LanguageRegistry, EveryConstantReadsInKernelsWithItsValue) {
  for (const char* name : {"pi", "e", "tau", "inf", "nan"}) {
    std::optional<double> want = module_constant(name);
    ASSERT_TRUE(want) << name;
    Value v = compile(std::string("import math\ndef f():\n    return math.") + name + "\n")("f")();
    if (std::isnan(*want)) {
      EXPECT_TRUE(std::isnan(v.as<double>())) << name;
    } else {
      EXPECT_EQ(v.as<double>(), *want) << name;
    }
  }
  EXPECT_EQ(*module_constant("pi"), M_PI);
  EXPECT_EQ(*module_constant("inf"), HUGE_VAL);
  EXPECT_FALSE(module_constant("golden"));
}

TEST(LanguageRegistry, EveryFunctionIsFoundByItsNameAndAliasInItsDialects) {
#define X(e, name, alias, arity, rule, cplx, libm, cost, dialects) +1
  constexpr int rows = 0 JITEXPR_BUILTIN_FNS(X);
#undef X
  for (int i = 0; i < rows; ++i) {
    auto fn = static_cast<ir::Fn>(i);
    const ir::FnInfo& info = ir::fn_info(fn);
    for (Dialect d : {Dialect::Numexpr, Dialect::Python}) {
      std::optional<ir::Fn> by_name = ir::fn_from_name(info.name, d);
      EXPECT_EQ(by_name.has_value(), accepts(info.dialects, d)) << info.name;
      if (by_name) EXPECT_EQ(*by_name, fn) << info.name;
      if (!info.alias.empty() && accepts(info.dialects, d)) {
        EXPECT_EQ(ir::fn_from_name(info.alias, d), fn) << info.alias;
      }
    }
    // A function computed by a libm call costs as math.
    if (!info.libm.empty()) EXPECT_EQ(info.cost, ir::FnCost::Math) << info.name;
  }
  EXPECT_GT(rows, 40);
}

TEST(LanguageRegistry, AFunctionOutsideItsDialectIsANameError) {
  Error e = error_of([] { compile("def f(a):\n    return contains(a, a)\n")("f")(1); });
  EXPECT_EQ(e.kind(), ErrorKind::Name) << e.what();
  EXPECT_EQ(e.message(), "name 'contains' is not defined");
}

TEST(LanguageRegistry, BoolsAreIntegersInPythonAndRefusedInNumexprArithmetic) {
  Module m = compile(R"(
def add(a: bool, b: bool):
    return a + b
def neg(a: bool):
    return -a
def inv(a: bool):
    return ~a
def mix(a: bool, b: int64):
    return a & b
def aug(a: bool, b: int32):
    x = a
    x &= b
    return x
)");
  Value s = m("add")(true, true);
  EXPECT_EQ(s.dtype(), DType::Int64);
  EXPECT_EQ(s.as<std::int64_t>(), 2);
  EXPECT_EQ(m("neg")(true).as<std::int64_t>(), -1);
  EXPECT_EQ(m("inv")(true).as<std::int64_t>(), -2);
  EXPECT_EQ(m("mix")(true, std::int64_t{3}).as<std::int64_t>(), 1);
  // x op= v is typed as x op v: the bool is an int64 beside the int32.
  Value a = m("aug")(true, std::int32_t{3});
  EXPECT_EQ(a.dtype(), DType::Int64);
  EXPECT_EQ(a.as<std::int64_t>(), 1);

  Array t = Array::empty(DType::Bool, {1});
  t.data<bool>()[0] = true;
  Error e = error_of([&] { runtime().evaluate("t + t", {{"t", Value(t)}}); });
  EXPECT_EQ(e.kind(), ErrorKind::Type) << e.what();
  EXPECT_EQ(e.message(), "cannot add 'bool' and 'bool'; use '|', '&' or '^' for booleans");
  Error n = error_of([&] { runtime().evaluate("-t", {{"t", Value(t)}}); });
  EXPECT_EQ(n.message(), "cannot negate 'bool'; use '~' for logical not");
  Array inv = runtime().evaluate("~t", {{"t", Value(t)}});
  EXPECT_EQ(inv.dtype(), DType::Bool);
  EXPECT_FALSE(inv.data<bool>()[0]);
}

TEST(LanguageRegistry, PythonRoundingGivesIntegersAndNumpyKeepsFloats) {
  Module m = compile(R"(
import math
import numpy as np
def py(x):
    return math.floor(x) + math.ceil(x) + math.trunc(x) + round(x)
def npy(x):
    return np.floor(x) + np.ceil(x) + np.trunc(x) + np.round(x)
)");
  Value p = m("py")(2.5);
  EXPECT_EQ(p.dtype(), DType::Int64);
  EXPECT_EQ(p.as<std::int64_t>(), 2 + 3 + 2 + 2);  // round half to even
  Value n = m("npy")(2.5);
  EXPECT_EQ(n.dtype(), DType::Float64);
  EXPECT_EQ(n.as<double>(), 2.0 + 3.0 + 2.0 + 2.0);
  Array f = runtime().evaluate("floor(a)", {{"a", Value(scalar_array(2.5))}});
  EXPECT_EQ(f.dtype(), DType::Float64);
}

}  // namespace

// The language registry: the dialects, and the modules and constants the language knows, each
// written once. The expression parser, the kernel module parser and both type inferences read it;
// the built-in functions' rows (ir/Builtins.h) say which dialects accept each function.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace jitexpr {

// The two dialects: numexpr's expressions, and the Python of kernels (`def`s, as Numba takes
// them). They share the operators and functions, not every typing rule: Python's bools are
// integers (True + 1 is 2), math.floor and round() give integers (docs/semantics.md).
enum class Dialect : std::uint8_t { Numexpr = 1, Python = 2 };

// A set of dialects, as a registry row lists them.
using Dialects = std::uint8_t;
inline constexpr Dialects kNumexpr = static_cast<Dialects>(Dialect::Numexpr);
inline constexpr Dialects kPython = static_cast<Dialects>(Dialect::Python);
inline constexpr Dialects kBothDialects = kNumexpr | kPython;
constexpr bool accepts(Dialects set, Dialect d) { return (set & static_cast<Dialects>(d)) != 0; }

// A module name as code writes it.
struct ModuleInfo {
  std::string_view name;    // "np"
  std::string_view module;  // the module it is: "numpy"
  Dialects prefix;          // where `name.f` calls f of the module (none: import only)
  bool importable;          // a kernel may `import name` or `from name import ...`
};

// X(name, module, prefix dialects, importable)
#define JITEXPR_MODULES(X)                 \
  X("np", "numpy", kBothDialects, false)   \
  X("numpy", "numpy", kBothDialects, true) \
  X("math", "math", kBothDialects, true)   \
  X("cmath", "cmath", kBothDialects, true) \
  X("random", "random", kPython, true)     \
  X("numba", "numba", 0, true)

std::span<const ModuleInfo> modules();
const ModuleInfo* find_module(std::string_view name);
// Whether `name.f` names a module's function or constant in the dialect.
bool is_module_prefix(std::string_view name, Dialect d);
// For messages: "'np.', 'numpy.', 'math.' or 'cmath.'", the prefixes of the dialect; and the
// modules a kernel may import, "numpy (as np), math, cmath, random and numba".
std::string module_prefixes_text(Dialect d);
std::string importable_modules_text();

// The constants of the math and numpy modules (math.pi, np.inf), which kernels read.
// X(name, value)
#define JITEXPR_CONSTANTS(X)  \
  X("pi", 3.141592653589793)  \
  X("e", 2.718281828459045)   \
  X("tau", 6.283185307179586) \
  X("inf", HUGE_VAL)          \
  X("nan", NAN)

std::optional<double> module_constant(std::string_view name);

}  // namespace jitexpr

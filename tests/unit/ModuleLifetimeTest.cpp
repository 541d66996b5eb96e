// A Module keeps its Runtime's JIT and threads alive: it works, and frees its code, after the
// Runtime is gone (a static Module in a host program, say).
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <optional>

namespace jitexpr {
namespace {

TEST(ModuleLifetime, AModuleOutlivesItsRuntime) {
  std::optional<Module> m;
  {
    Runtime rt({.disk_cache = false});
    m = rt.compile_module("def twice(x):\n    return x * 2\n");
    EXPECT_EQ((*m)("twice")(21).as<std::int64_t>(), 42);
  }
  // Compiled before the Runtime went, and a new specialization after it.
  EXPECT_EQ((*m)("twice")(4).as<std::int64_t>(), 8);
  EXPECT_EQ((*m)("twice")(1.5).as<double>(), 3.0);
  m.reset();
}

}  // namespace
}  // namespace jitexpr

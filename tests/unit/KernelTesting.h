// What the kernel tests share: one Runtime per test process, and assertions on errors.
#pragma once

#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace jitexpr::testing {

// One runtime per test process: building a JIT per test would dominate the test time.
inline Runtime& runtime() {
  static Runtime* rt = new Runtime;
  return *rt;
}

inline Module compile(std::string_view src, ModuleOptions options = {}) {
  return runtime().compile_module(src, std::move(options));
}

// The error `f` throws; a test failure if it throws none.
template <typename F> Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no jitexpr::Error was thrown";
  return Error(ErrorKind::Value, "<none>");
}

// Asserts an error's kind, message and the 1-based line and column it points at.
inline void expect_error(const Error& e, ErrorKind kind, const std::string& message, int line, int column) {
  EXPECT_EQ(e.kind(), kind) << e.what();
  EXPECT_EQ(e.message(), message) << e.what();
  EXPECT_EQ(e.line(), line) << e.what();
  EXPECT_EQ(e.column(), column) << e.what();
}

}  // namespace jitexpr::testing

// What every fuzz target checks about a failure, and how it reports a broken invariant. A fuzz
// target is the one place where aborting is right: libFuzzer turns the abort into a saved input.
#pragma once

#include <jitexpr/Error.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace jitexpr::fuzz {

[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n%.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline void check(bool ok, std::string_view what, std::string_view detail = {}) {
  if (!ok) fail(what, detail);
}

// A user's error must point into the text it was made from, carry a message in the house style
// (no final period) and render without failing.
inline void check_error(const Error& e, std::string_view text) {
  check(e.range().begin <= e.range().end && e.range().end <= text.size() + 1, "error range outside the source",
        e.what());
  const std::string& m = e.message();
  check(!m.empty(), "empty error message");
  check(m.back() != '.', "error message ends with a period", m);
  std::string rendered = e.what();
  check(!rendered.empty(), "empty what()");
  (void)e.line();
  (void)e.column();
}

}  // namespace jitexpr::fuzz

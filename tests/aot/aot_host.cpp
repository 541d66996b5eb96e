// A host program that links kernels compiled ahead of time (jitexpr_add_kernels) and checks what
// they compute, their argument checks and their errors. Exit status 0 when every check holds.
#include "kernels.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <string>

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) {
    std::printf("FAILED: %s\n", what.c_str());
    ++failures;
  }
}

}  // namespace

int main() {
  using jitexpr::Array;
  using jitexpr::DType;
  Array v = Array::arange(10, DType::Float64);
  check(std::abs(kernels::norm(v).as<double>() - std::sqrt(285.0)) < 1e-12, "norm of 0..9");
  // A strided view runs through the same float64[:] code.
  Array every_other = Array::view(v.raw_data(), DType::Float64, {5}, {16});
  check(std::abs(kernels::norm(every_other).as<double>() - std::sqrt(120.0)) < 1e-12, "norm of a strided view");

  Array s = kernels::scaled(2.5, v).array();
  check(s.size() == 10 && s.flat_as_double(9) == 22.5, "scaled returns a new array");
  check(kernels::count_primes(100000).as<std::int64_t>() == 9592, "primes below 100000");

  try {
    kernels::at(v, 10);
    check(false, "at(v, 10) raises");
  } catch (const jitexpr::IndexError& e) {
    check(std::string(e.what()).find("in at(): index 10 is out of bounds for axis 0 with size 10") != std::string::npos,
          std::string("IndexError message: ") + e.what());
    check(e.line() > 0, "IndexError has the kernel's line");
  }
  try {
    Array ints = Array::arange(3, DType::Int64);
    jitexpr::aot::call(kernels::norm_kernel_0, ints);
    check(false, "norm(int64[:]) is refused");
  } catch (const jitexpr::TypeError& e) {
    check(std::string(e.what()).find("must be 'float64[:] (strided)', not 'int64[:]'") != std::string::npos,
          std::string("TypeError message: ") + e.what());
  }
  {
    // An interrupt flag stops an AOT kernel's loops as it does a JIT kernel's: set before the
    // call, the first look at it (the prange body's while loop) ends a count that would run for
    // hours, at that loop's line; cleared, the kernel runs again.
    std::atomic<bool> flag{true};
    jitexpr::aot::set_interrupt_flag(&flag);
    try {
      kernels::count_primes(std::int64_t{1} << 40);
      check(false, "count_primes is interrupted");
    } catch (const jitexpr::Interrupted& e) {
      check(std::string(e.what()).find("KeyboardInterrupt: interrupted in count_primes()") != std::string::npos,
            std::string("Interrupted message: ") + e.what());
      check(e.line() > 0, "Interrupted has the kernel's line");
    }
    flag = false;
    check(kernels::count_primes(1000).as<std::int64_t>() == 168, "primes below 1000 after the interrupt");
    jitexpr::aot::set_interrupt_flag(nullptr);
  }
  std::printf("%s\n", failures ? "aot host: FAILED" : "aot host: all checks passed");
  return failures ? 1 : 0;
}

// Kernels: modules of `def`s in the kernel language, compiled for the argument types of each
// first call. Part of the public API.
//
//   jitexpr::Module m = rt.compile_module(source);        // parsed now, nothing compiled yet
//   jitexpr::Value v = m("calculate_z")(300, zs, cs, out); // specialized at its first call
//
// A Module shares the JIT and the threads of the Runtime that made it and keeps them alive: it may
// outlive the Runtime.
// Calls are thread-safe; concurrent first calls of one specialization compile it once.
#pragma once

#include <jitexpr/Arg.h>
#include <jitexpr/Array.h>
#include <jitexpr/Export.h>
#include <jitexpr/Value.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace jitexpr {

struct JITEXPR_API ModuleOptions {
  // The name error messages give the source: "<module>", a file name.
  std::string name = "<module>";
  // IndexError for an index outside its array. Off, such an index reads or writes out of bounds.
  bool boundscheck = true;
  // LLVM optimization level, 0..3.
  int opt_level = 3;
  // The seed of the random streams of random.random() and random.uniform(); see Module::seed.
  std::uint64_t seed = 0;
  // Loops check the host's interrupt flag (Runtime::set_interrupt_flag) every few thousand
  // iterations, so that Ctrl-C stops a kernel that runs long or never ends (Interrupted, at the
  // loop's line). Off: a kernel runs to its end whatever the flag says.
  bool interruptible = true;
};

class JITEXPR_API Function {
 public:
  // Calls the function's specialization for these arguments' types, compiling it first if
  // needed. Returns its result: a scalar, an array, or Value::none(). Throws jitexpr::Error: for
  // arguments that do not fit, for a type error in the kernel, and for an error while it runs
  // (IndexError, ZeroDivisionError, ...) with the kernel's source position.
  template <typename... A> Value operator()(const A&... args) const {
    std::array<Arg, sizeof...(A)> a{Arg(args)...};
    return call(a.data(), a.size());
  }
  Value call(const Arg* args, std::size_t n) const;

  // Compiles the specialization for a signature written as the annotations are:
  // "int64, complex128[:], float64[:, :]". A following call of those types runs it at once.
  void compile(std::string_view signature) const;

  // The typed kernel IR, the optimized LLVM IR or the assembly of the specialization for these
  // argument types (for %ir, %llvm, %asm).
  std::string dump_ir(const std::vector<Value>& args) const;
  std::string dump_llvm(const std::vector<Value>& args) const;
  std::string dump_asm(const std::vector<Value>& args) const;

  const std::string& name() const;
  // How many specializations this function has compiled.
  std::size_t specializations() const;

  struct State;

 private:
  friend class Module;
  explicit Function(std::shared_ptr<State> s) : s_(std::move(s)) {}
  std::shared_ptr<State> s_;
};

class JITEXPR_API Module {
 public:
  // The function `name`; NameError if the module defines none.
  Function operator()(std::string_view name) const;
  // The names of the module's functions, in source order.
  std::vector<std::string> functions() const;
  // Restarts the random streams: call k after seed(s) draws from a stream that depends only on
  // s and k, and the block b of a prange loop from one that depends on these and b; so results
  // are the same for a given seed whatever the thread count.
  void seed(std::uint64_t seed);

  struct State;
  explicit Module(std::shared_ptr<State> s) : s_(std::move(s)) {}

 private:
  std::shared_ptr<State> s_;
};

}  // namespace jitexpr

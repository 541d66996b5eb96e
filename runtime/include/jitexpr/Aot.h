// Calling kernels compiled ahead of time by jitexpr-aot. Part of the public API.
//
// jitexpr-aot writes an object file and a header; the header declares each kernel's entry and a
// typed C++ function that calls it through aot::call, in the same call context as JIT kernels
// (arrays made by the kernel, prange on a thread pool, random streams, errors as
// jitexpr::Error with the kernel's source position). The host links the object, libjitexpr and
// libmvec (jitexpr_add_kernels in CMake does all of it).
#pragma once

#include <jitexpr/Export.h>
#include <jitexpr/Module.h>
#include <jitexpr/Value.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace jitexpr::aot {

// A kernel entry: int32_t(context, argument pointers, result), as codegen/EmitKernel.h describes.
using Entry = std::int32_t (*)(void* ctx, void* const* args, void* ret);

// A def of the kernel module: its name and the byte range of its text, which names the function
// an error happened in.
struct Def {
  const char* name;
  std::uint32_t begin, end;
};

// What the generated header knows of one compiled kernel.
struct Kernel {
  const char* name;         // the def's name
  const char* signature;    // its argument types: "int64, complex128[:], float64[:, ::1]"
  const char* result;       // its result type: "float64", "int64[:]", "None"
  Entry entry;
  const char* source_name;  // the kernel module's file name
  const char* source;       // its text, for the positions of errors
  const Def* defs;          // the module's defs, so that an error needs no parser at run time
  std::size_t num_defs;
};

// Calls the kernel. The arguments must have the signature's types: scalars exactly, arrays its
// dtype and rank (and C-contiguous where the signature says `::1`); TypeError otherwise.
JITEXPR_API Value invoke(const Kernel& k, const Arg* args, std::size_t n);

template <typename... A> Value call(const Kernel& k, const A&... args) {
  std::array<Arg, sizeof...(A)> a{Arg(args)...};
  return invoke(k, a.data(), a.size());
}

// Restarts the random streams of AOT kernels (all of them share one).
JITEXPR_API void seed(std::uint64_t seed);

// A flag the host sets to stop AOT kernels (Ctrl-C), as Runtime::set_interrupt_flag does for JIT
// ones: their loops check it every few thousand iterations and the call throws
// jitexpr::Interrupted at the loop's line. The caller clears it. Null (the default): never
// interrupted. The flag must outlive the kernels' use of it.
JITEXPR_API void set_interrupt_flag(const std::atomic<bool>* flag);

}  // namespace jitexpr::aot

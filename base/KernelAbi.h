// The ABI that generated code shares with the runtime: what went wrong, and the context of one
// kernel call: where a kernel reports an error, its random stream, and the
// host's services (allocation, parallel loops). A C layout shared by the runtime (C++), the
// helpers (compiled to bitcode) and the generated code, which passes the context on opaque and
// reaches its fields only through the helpers: change the runtime and the helpers together.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// What went wrong; the values a, b, c say more (see each code).
enum jx_error_code {
  JX_OK = 0,
  JX_INDEX = 1,           // a: the index, b: the extent, c: the axis
  JX_ZERO_DIVISION = 2,   // integer division or remainder by zero
  JX_NEGATIVE_POWER = 3,  // an integer to a negative integer power
  JX_ALLOC = 4,           // a: the bytes asked for
  JX_NEGATIVE_DIM = 5,    // a: the extent
  JX_ZERO_STEP = 6,       // range() with a zero step
  JX_INTERRUPTED = 7,     // the host's interrupt flag, seen by a loop (at its header)
};

// An expression's loop reports the errors of all its elements at once, as the OR of their bits
// (its return value); a kernel stops at its first error and records its code in jx_context.
#define JX_ERROR_BIT(code) (1 << (code))

struct jx_context;

// A prange body over the iterations [begin, end) of one block; writes each reduction's partial
// value into `partials`. Returns 0, or 1 after recording an error in its context.
typedef int32_t (*jx_body_fn)(struct jx_context* ctx, void* env, int64_t begin, int64_t end, void* partials);

struct jx_context {
  int32_t error;        // a jx_error_code, JX_OK while none
  uint32_t begin, end;  // the source range of the failing operation
  int64_t a, b, c;
  uint64_t rng[4];  // xoshiro256** state of this call's (or this block's) stream
  void* host;       // the runtime's state of this call
  // Memory for a new array of `rank` extents (checked here: none negative, the size fits) of a
  // dtype (jitexpr::DType's value), zero-filled when `zero`; owned by the call, or by its result.
  // On failure, records the error at [begin, end) and returns null.
  void* (*new_array)(struct jx_context* ctx, int64_t rank, const int64_t* dims, int64_t dtype, int32_t zero,
                     uint32_t begin, uint32_t end);
  // Runs body over [0, n) split into `blocks` blocks (each with a context of its own and a random
  // stream derived from this one), block k's partials at partials + k * partial_bytes. Returns
  // 0, or 1 with the first failing block's error copied here.
  int32_t (*parallel_for)(struct jx_context* ctx, jx_body_fn body, void* env, int64_t n, int64_t blocks,
                          void* partials, int64_t partial_bytes);
  // Nonzero while the host's interrupt flag is set (Ctrl-C); never null. Loops read it every few
  // thousand iterations and fail with JX_INTERRUPTED.
  const volatile uint8_t* interrupt;
};

// Blocks of a prange loop of n iterations: a fixed function of n, so that reductions and random
// streams do not depend on the thread count.
#define JX_PRANGE_BLOCKS 256

#ifdef __cplusplus
}
#endif

// Prints a typed program as numbered instructions, one per distinct node (shared nodes print
// once), for %ir, the JITEXPR_DUMP_IR switch and the tests (kernels print from the same form of
// each node: print_kernel_program in KernelIR.h):
//   (a: float64 contiguous, b: float64 scalar) -> float64
//     %0 = load a : float64
//     %1 = mul %0, 2.0 : float64
//     ret %1
#pragma once

#include "ir/Node.h"

#include <string>

namespace jitexpr::ir {

std::string print_program(const Program& p);

}  // namespace jitexpr::ir

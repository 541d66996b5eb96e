// How a Runtime makes a Module: the module shares the runtime's JIT and threads.
#pragma once

#include <jitexpr/Module.h>

#include "codegen/Compiler.h"
#include "runtime/Parallel.h"

#include <string_view>

namespace jitexpr {

// Parses `source` (SyntaxError); compiles nothing until a first call.
Module make_module(codegen::Jit& jit, ThreadPool& pool, std::string_view source, ModuleOptions options);

}  // namespace jitexpr

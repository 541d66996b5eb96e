// The IR pass pipeline, as a flat list (Passes.cpp reads like a table of contents).
#pragma once

#include "ir/Node.h"

#include <functional>
#include <string_view>

namespace jitexpr::ir {

// Called after each pass with its name and the program, when IR dumping is on.
using PassLogger = std::function<void(std::string_view pass, const Program&)>;

Program run_passes(Program p, const PassLogger& log = {});

}  // namespace jitexpr::ir

// The identity of the loaded code generator, part of every disk cache key.
#pragma once

#include <string>

namespace jitexpr {

// The identity of the loaded libjitexpr: its path, size and modification time. A rebuilt library
// gets a new one, so disk cache entries never outlive the code generator that made them.
std::string library_build_id();

}  // namespace jitexpr

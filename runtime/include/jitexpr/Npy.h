// Reading and writing numpy's .npy files (format versions 1.0, 2.0 and 3.0). Part of the public API.
#pragma once

#include <jitexpr/Export.h>
#include <jitexpr/Array.h>

#include <string>

namespace jitexpr {

// Loads an array of any jitexpr dtype, in C or Fortran order, little- or big-endian (converted to
// the host's order). A missing, unreadable, truncated, corrupt or unsupported file (object arrays,
// structured dtypes, unknown versions) is a ValueError that names the file and the problem.
JITEXPR_API Array load_npy(const std::string& path);

// Writes `a` as a version 1.0 file (2.0 when the header needs it), C order, native byte order.
// A non-contiguous array is written in C order. ValueError when the file cannot be written.
JITEXPR_API void save_npy(const std::string& path, const Array& a);

}  // namespace jitexpr

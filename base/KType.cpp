// The annotation syntax of kernel types (base/KType.h).
#include "base/KType.h"

namespace jitexpr {

std::string KType::str() const {
  if (none) return "None";
  std::string s(dtype_name(dtype));
  if (rank == 0) return s;
  s += "[";
  for (int i = 0; i < rank; ++i) s += i ? ", :" : ":";
  s += "]";
  return contiguous ? s : s + " (strided)";
}

}  // namespace jitexpr

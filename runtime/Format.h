// numpy-like text for arrays and scalars, as the REPL and `jitexpr -c` print them.
#pragma once

#include <jitexpr/Array.h>

#include <complex>
#include <string>

namespace jitexpr {

// numpy's repr of an array: "array([0. , 2.5, 5. ])", "array([1, 2], dtype=int32)", nested
// brackets for more dimensions, "..." summaries beyond 1000 elements (3 items at each edge), lines
// wrapped at 75 columns. A 0-d array prints as its scalar.
std::string format_array(const Array& a);

// Python's repr of one value of a dtype: "2.5", "1e-05", "(1+2j)", "True", "b'abc'".
std::string format_scalar(const Array& zero_d);

}  // namespace jitexpr

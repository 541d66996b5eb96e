// libjitexpr.so is every layer's archive linked whole (CMakeLists.txt); this is its one source of
// its own: the version it was built as, for a loader or a debugger to read.
#include <jitexpr/Export.h>

extern "C" JITEXPR_API const char jitexpr_library_version[] = JITEXPR_VERSION;

#include "runtime/BuildId.h"

#include <fmt/format.h>

#include <dlfcn.h>
#include <sys/stat.h>

namespace jitexpr {

std::string library_build_id() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&library_build_id), &info) == 0 || !info.dli_fname) return "unknown-build";
  struct stat st {};
  if (::stat(info.dli_fname, &st) != 0) return std::string("unstat-") + info.dli_fname;
  return fmt::format("{}:{}:{}.{}", info.dli_fname, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

}  // namespace jitexpr

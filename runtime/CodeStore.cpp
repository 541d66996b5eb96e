#include "runtime/CodeStore.h"

#include <optional>
#include <stdexcept>

namespace jitexpr {

std::unique_ptr<codegen::CompiledKernel> CodeStore::load(codegen::Jit& jit, const std::string& key) {
  return load_first(jit, {key}).first;
}

std::pair<std::unique_ptr<codegen::CompiledKernel>, std::size_t> CodeStore::load_first(
    codegen::Jit& jit, std::initializer_list<std::string> keys) {
  std::size_t index = 0;
  for (const std::string& key : keys) {
    std::string full_key = key + suffix_;
    if (std::optional<std::string> object = cache_.load(full_key)) {
      try {
        std::unique_ptr<codegen::CompiledKernel> code = jit.load(*object);
        hits_.fetch_add(1);
        return {std::move(code), index};
      } catch (const std::runtime_error&) {
        cache_.remove(full_key);  // intact on disk but does not link here: recompile
      }
    }
    ++index;
  }
  misses_.fetch_add(1);
  return {nullptr, index};
}

void CodeStore::store(const std::string& key, const codegen::CompiledKernel& code) {
  cache_.store(key + suffix_, code.object());
}

}  // namespace jitexpr

// The disk cache as the compilers of one Runtime use it, for expressions and kernels alike: the
// directory (DiskCache), what every key adds besides the code's own description (this build of
// the library and this machine), and the hits and misses. A Runtime's Modules share it.
#pragma once

#include "codegen/Compiler.h"
#include "runtime/DiskCache.h"

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

namespace jitexpr {

class CodeStore {
 public:
  CodeStore(std::string dir, std::uint64_t max_bytes, std::string key_suffix)
      : cache_(std::move(dir), max_bytes), suffix_(std::move(key_suffix)) {}

  // The code stored under `key`, linked by `jit`, or null: a miss, to be compiled and stored. An
  // entry that is intact on disk but does not link here is removed.
  std::unique_ptr<codegen::CompiledKernel> load(codegen::Jit& jit, const std::string& key);
  // The code stored under the first of `keys` that holds any, and that key's index (keys.size()
  // on a miss). One hit or one miss, however many keys were tried.
  std::pair<std::unique_ptr<codegen::CompiledKernel>, std::size_t> load_first(codegen::Jit& jit,
                                                                              std::initializer_list<std::string> keys);
  void store(const std::string& key, const codegen::CompiledKernel& code);

  const DiskCache& cache() const { return cache_; }
  DiskCache& cache() { return cache_; }
  std::uint64_t hits() const { return hits_.load(); }
  std::uint64_t misses() const { return misses_.load(); }

 private:
  DiskCache cache_;
  std::string suffix_;
  std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

}  // namespace jitexpr

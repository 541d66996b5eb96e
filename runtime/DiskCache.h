// The persistent cache of compiled kernels: one file per specialization in a directory, so that a
// program that ran once starts warm. It is consulted before any LLVM work; a hit hands the stored
// object straight to the JIT's linker.
//
// Entry file: magic, format version, the full key (checked on read, so a hash collision or a
// renamed file is never trusted), the object's size and SHA-256, then the object. Writes go to a
// temporary file that is renamed into place, so readers in other processes see whole entries or
// none. A damaged, truncated, foreign or unreadable entry is removed and reported as a miss. The
// total size is bounded; the least recently used entries (by modification time, refreshed on each
// hit) are deleted beyond it.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jitexpr {

struct DiskCacheInfo {
  std::string dir;
  bool enabled = false;
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
  std::uint64_t max_bytes = 0;
};

class DiskCache {
 public:
  // The directory is created on the first store.
  DiskCache(std::string dir, std::uint64_t max_bytes);

  // The object stored under `key`, or nothing. A damaged entry is deleted (counted in errors()).
  std::optional<std::string> load(const std::string& key);
  // Stores an object; failures (a read-only directory, a full disk) are ignored: the cache is an
  // optimization, never a reason for an evaluation to fail.
  void store(const std::string& key, std::string_view object);
  // Deletes the entry of `key`, e.g. when its object no longer links.
  void remove(const std::string& key);

  DiskCacheInfo info() const;
  // Deletes every entry; returns how many.
  std::uint64_t clear();

  std::uint64_t errors() const { return errors_.load(); }
  const std::string& dir() const { return dir_; }

  // The directory jitexpr uses by default: $JITEXPR_CACHE_DIR, else $XDG_CACHE_HOME/jitexpr, else
  // ~/.cache/jitexpr.
  static std::string default_dir();
  // False when JITEXPR_CACHE is "0" (or "off", "false", "no").
  static bool enabled_by_environment();

 private:
  std::string path_for(const std::string& key) const;
  void evict_if_needed();

  std::string dir_;
  std::uint64_t max_bytes_;
  std::atomic<std::uint64_t> errors_{0};
};

}  // namespace jitexpr

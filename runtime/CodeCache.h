// The in-memory cache of compiled specializations: thread-safe, least-recently-used eviction
// beyond a number of entries and a number of bytes (each entry's weight, its machine code), and
// compile-once: when several threads ask for a missing key at once, one compiles and the others
// wait for its result (or its error).
#pragma once

#include <jitexpr/Runtime.h>

#include <cstdint>
#include <functional>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace jitexpr {

template <typename T> class CodeCache {
 public:
  using Builder = std::function<std::shared_ptr<const T>(CacheEntryStats&)>;

  using Weigh = std::function<std::uint64_t(const T&)>;

  CodeCache(std::size_t capacity, std::uint64_t max_bytes, Weigh weigh)
      : capacity_(capacity), max_bytes_(max_bytes), weigh_(std::move(weigh)) {}

  // The value for `key`, built by `build` on a miss. An exception from `build` reaches every
  // waiting caller and leaves no entry behind.
  std::shared_ptr<const T> get(const std::string& key, const Builder& build) {
    std::shared_ptr<Slot> slot;
    bool builder = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = map_.find(key);
      if (it != map_.end()) {
        slot = it->second;
        lru_.splice(lru_.begin(), lru_, slot->lru_pos);
        if (slot->ready) {
          ++hits_;
          ++slot->stats.hits;
          return slot->value;
        }
        ++hits_;  // a wait for another thread's compile counts as a hit: this call compiles nothing
        ++slot->stats.hits;
      } else {
        ++misses_;
        slot = std::make_shared<Slot>();
        slot->stats.key = key;
        slot->future = slot->promise.get_future().share();
        lru_.push_front(key);
        slot->lru_pos = lru_.begin();
        map_.emplace(key, slot);
        builder = true;
      }
    }
    if (!builder) return slot->future.get();
    try {
      CacheEntryStats stats;
      stats.key = key;
      std::shared_ptr<const T> value = build(stats);
      std::lock_guard<std::mutex> lock(mutex_);
      slot->value = value;
      stats.hits = slot->stats.hits;  // the waits counted meanwhile
      slot->stats = stats;
      slot->bytes = weigh_(*value);
      bytes_ += slot->bytes;
      slot->ready = true;
      slot->promise.set_value(value);
      evict_locked();
      return value;
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      slot->promise.set_exception(std::current_exception());
      auto it = map_.find(key);
      if (it != map_.end() && it->second == slot) {
        lru_.erase(slot->lru_pos);
        map_.erase(it);
      }
      throw;
    }
  }

  // Weighs the entry of `key` again, if it still holds `value` (its code grew: tiered
  // compilation added the optimized code), and evicts beyond the limits.
  void reweigh(const std::string& key, const T& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = map_.find(key);
    if (it == map_.end() || !it->second->ready || it->second->value.get() != &value) return;
    bytes_ -= it->second->bytes;
    it->second->bytes = weigh_(value);
    bytes_ += it->second->bytes;
    evict_locked();
  }

  // `extra` may add to an entry's figures from its value (hits counted outside the cache).
  RuntimeStats stats(const std::function<void(const T&, CacheEntryStats&)>& extra = {}) const {
    std::lock_guard<std::mutex> lock(mutex_);
    RuntimeStats s;
    s.hits = hits_;
    s.misses = misses_;
    s.evictions = evictions_;
    s.cache_bytes = bytes_;
    for (const std::string& key : lru_) {
      const Slot& slot = *map_.at(key);
      if (!slot.ready) continue;
      s.entries.push_back(slot.stats);
      if (extra) extra(*slot.value, s.entries.back());
    }
    return s;
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = map_.begin(); it != map_.end();) {
      if (it->second->ready) {
        bytes_ -= it->second->bytes;
        lru_.erase(it->second->lru_pos);
        it = map_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return map_.size();
  }

 private:
  struct Slot {
    std::promise<std::shared_ptr<const T>> promise;
    std::shared_future<std::shared_ptr<const T>> future;
    std::shared_ptr<const T> value;
    bool ready = false;
    std::uint64_t bytes = 0;  // its weight, once ready
    CacheEntryStats stats;
    std::list<std::string>::iterator lru_pos;
  };

  // Drops least recently used ready entries beyond the capacity or the byte limit (never the most
  // recent one). A caller still running an evicted kernel holds its own reference, so its code
  // stays until that call returns.
  void evict_locked() {
    auto it = lru_.end();
    while ((map_.size() > capacity_ || bytes_ > max_bytes_) && it != lru_.begin()) {
      --it;
      if (it == lru_.begin()) break;
      auto found = map_.find(*it);
      if (found->second->ready) {
        bytes_ -= found->second->bytes;
        map_.erase(found);
        it = lru_.erase(it);
        ++evictions_;
      }
    }
  }

  std::size_t capacity_;
  std::uint64_t max_bytes_;
  Weigh weigh_;
  std::uint64_t bytes_ = 0;  // the weights of the ready entries
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Slot>> map_;
  std::list<std::string> lru_;
  std::uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;
};

}  // namespace jitexpr

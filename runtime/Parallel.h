// The parallel executor's thread pool: a oneTBB arena with the runtime's thread count.
//
// Work below the caller's threshold runs on the calling thread, so small arrays pay no wake-up.
// Every TBB arena in a process draws on one pool of worker threads sized to the cores, so a host
// program that runs jitexpr inside its own TBB loops shares the cores with it rather than
// oversubscribing them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

namespace jitexpr {

class ThreadPool {
 public:
  // threads <= 0: JITEXPR_NUM_THREADS if set, else every core.
  explicit ThreadPool(int threads = 0);
  ~ThreadPool();

  int threads() const;
  // Safe while other threads evaluate: they finish on the arena they started with.
  void set_threads(int threads);

  // Calls body(begin, end) over consecutive chunks covering [0, n), each at least `grain` long,
  // on up to threads() threads. Returns when all chunks are done; an exception thrown by a chunk
  // is rethrown here.
  void parallel_for(std::int64_t n, std::int64_t grain, const std::function<void(std::int64_t, std::int64_t)>& body);

  // The thread count from the environment, or the number of cores.
  static int default_threads();

  // A flag the host sets to stop long work (Ctrl-C): checked between blocks of work; null: none.
  void set_interrupt_flag(const std::atomic<bool>* flag) { interrupt_.store(flag); }
  bool has_interrupt_flag() const { return interrupt_.load(std::memory_order_relaxed) != nullptr; }
  bool interrupted() const {
    const std::atomic<bool>* f = interrupt_.load(std::memory_order_relaxed);
    return f && f->load(std::memory_order_relaxed);
  }
  // Throws jitexpr::Interrupted when the flag is set.
  void check_interrupt() const;
  // The flag's byte for compiled loops to read (jx_context::interrupt), or a byte that stays 0.
  const volatile std::uint8_t* interrupt_byte() const;

 private:
  struct Arena;
  std::shared_ptr<Arena> current() const;
  mutable std::mutex mutex_;
  int threads_ = 1;
  std::shared_ptr<Arena> arena_;
  std::atomic<const std::atomic<bool>*> interrupt_{nullptr};
};

}  // namespace jitexpr

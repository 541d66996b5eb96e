#include "runtime/Parallel.h"

#include <jitexpr/Error.h>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

namespace jitexpr {

struct ThreadPool::Arena {
  explicit Arena(int threads) : arena(threads) {}
  tbb::task_arena arena;
};

int ThreadPool::default_threads() {
  if (const char* env = std::getenv("JITEXPR_NUM_THREADS")) {
    char* end = nullptr;
    long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v > 0 && v <= 4096) return static_cast<int>(v);
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

ThreadPool::ThreadPool(int threads) { set_threads(threads); }
ThreadPool::~ThreadPool() = default;

void ThreadPool::set_threads(int threads) {
  int n = threads > 0 ? threads : default_threads();
  std::shared_ptr<Arena> arena = n > 1 ? std::make_shared<Arena>(n) : nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  threads_ = n;
  arena_ = std::move(arena);
}

int ThreadPool::threads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_;
}

std::shared_ptr<ThreadPool::Arena> ThreadPool::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return arena_;
}

const volatile std::uint8_t* ThreadPool::interrupt_byte() const {
  // A lock-free atomic<bool> is one byte that a plain load reads (x86-64: every load is acquire).
  static_assert(sizeof(std::atomic<bool>) == 1 && std::atomic<bool>::is_always_lock_free);
  static const volatile std::uint8_t never = 0;
  const std::atomic<bool>* f = interrupt_.load(std::memory_order_relaxed);
  return f ? reinterpret_cast<const volatile std::uint8_t*>(f) : &never;
}

void ThreadPool::check_interrupt() const {
  if (interrupted()) throw Interrupted("interrupted");
}

void ThreadPool::parallel_for(std::int64_t n, std::int64_t grain,
                              const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (n <= 0) return;
  grain = std::max<std::int64_t>(grain, 1);
  std::shared_ptr<Arena> arena = current();
  if (!arena || n <= grain) {
    body(0, n);
    return;
  }
  auto run = [&] {
    tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, n, grain),
                      [&](const tbb::blocked_range<std::int64_t>& r) { body(r.begin(), r.end()); });
  };
  // All arenas of a process draw on TBB's one pool of worker threads, sized to the cores, so a host
  // that runs its own TBB loops (and calls us from them) shares the cores with us instead of
  // multiplying threads; our arena only caps how many of them this runtime uses.
  arena->arena.execute(run);
}

}  // namespace jitexpr

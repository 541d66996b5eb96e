// One thread that runs optimizing compiles for tiered compilation (docs/architecture.md), so that
// no evaluation waits for them. Jobs run one at a time in the order submitted; the thread starts
// with the first job.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace jitexpr {

class BackgroundCompiler {
 public:
  BackgroundCompiler() = default;
  // Drops the jobs not started and waits for the one running.
  ~BackgroundCompiler();
  BackgroundCompiler(const BackgroundCompiler&) = delete;
  BackgroundCompiler& operator=(const BackgroundCompiler&) = delete;

  // Queues `job`. An exception it throws is dropped: a failed optimizing compile leaves the code
  // that already runs in place.
  void submit(std::function<void()> job);
  // Returns once every job submitted before the call has finished.
  void wait_idle();

 private:
  void serve();

  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::function<void()>> jobs_;
  std::uint64_t submitted_ = 0, finished_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jitexpr

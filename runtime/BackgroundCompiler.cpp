#include "runtime/BackgroundCompiler.h"

namespace jitexpr {

BackgroundCompiler::~BackgroundCompiler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    finished_ += jobs_.size();
    jobs_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundCompiler::submit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(job));
    ++submitted_;
    if (!thread_.joinable()) thread_ = std::thread([this] { serve(); });
  }
  wake_.notify_one();
}

void BackgroundCompiler::wait_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  std::uint64_t target = submitted_;
  idle_.wait(lock, [&] { return finished_ >= target; });
}

void BackgroundCompiler::serve() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    try {
      job();
    } catch (...) {
      // The fast code stays; the next hot use does not ask again (the job marked that itself).
    }
    job = nullptr;  // what the job captured is released before it counts as finished
    lock.lock();
    ++finished_;
    idle_.notify_all();
  }
}

}  // namespace jitexpr

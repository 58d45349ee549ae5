#include "scheduling/queue_timer.hpp"

#include <utility>

namespace mserve::scheduling {

QueueTimer::QueueTimer(std::function<void()> on_wake)
    : on_wake_(std::move(on_wake)), thread_([this] { run(); }) {}

QueueTimer::~QueueTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void QueueTimer::wakeAt(Clock::time_point when) {
  {
    std::lock_guard lock(mutex_);
    if (when >= next_) return;
    next_ = when;
  }
  changed_.notify_one();
}

void QueueTimer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (next_ == Clock::time_point::max()) {
      changed_.wait(lock);
      continue;
    }
    if (Clock::now() < next_) {
      changed_.wait_until(lock, next_);
      continue;
    }
    next_ = Clock::time_point::max();
    lock.unlock();
    on_wake_();
    lock.lock();
  }
}

}  // namespace mserve::scheduling

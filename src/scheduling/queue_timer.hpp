// One model's timer (DESIGN.md §3b): a thread that sleeps until the earliest time asked for
// (a batch's queue delay, a queued request's timeout) and then calls `on_wake`, never polling.
// `on_wake` runs on the timer's thread without the timer's lock; it only moves work to
// executors. Thread-safe; the destructor stops and joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace mserve::scheduling {

class QueueTimer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit QueueTimer(std::function<void()> on_wake);
  ~QueueTimer();
  QueueTimer(const QueueTimer&) = delete;
  QueueTimer& operator=(const QueueTimer&) = delete;

  // Wake at `when` unless an earlier wake-up is already due; later ones are asked for again by
  // `on_wake`, which sees the whole queue.
  void wakeAt(Clock::time_point when);

 private:
  void run();

  std::function<void()> on_wake_;
  std::mutex mutex_;
  std::condition_variable changed_;
  Clock::time_point next_ = Clock::time_point::max();  // guarded by mutex_
  bool stopping_ = false;                              // guarded by mutex_
  std::thread thread_;                                 // last: starts once the rest exists
};

}  // namespace mserve::scheduling

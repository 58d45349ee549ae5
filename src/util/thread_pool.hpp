// A fixed-size pool of threads running posted tasks in FIFO order. Used as the completion
// executor for gRPC, where post()'s queue is unbounded because every task in it is an inference
// that has already finished: its number is bounded by the infer requests of all models. Pools
// fed by clients (image decoding) use tryPost(), which bounds the queue. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "util/executor.hpp"

namespace mserve::util {

class ThreadPool final : public Executor {
 public:
  ThreadPool(size_t threads, std::string name);
  ~ThreadPool() override;  // runs the tasks already posted, then joins
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void post(std::function<void()> task) override;
  // Queues `task` unless `max_waiting` tasks already wait (running ones not counted); false
  // then, and the task is dropped.
  bool tryPost(std::function<void()> task, size_t max_waiting);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace mserve::util

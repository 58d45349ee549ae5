// A completion executor for engine tests: one named thread (tests can tell completions on it
// apart) that counts the hops posted to it. OpenVINO's callback thread may still be inside
// post() (ThreadPool notifies after unlocking) when the completion already ran and the test
// ends: the destructor waits for such calls.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "util/executor.hpp"
#include "util/thread_pool.hpp"

namespace mserve::engine {

class CountingExecutor final : public util::Executor {
 public:
  explicit CountingExecutor(const std::string& thread_name) : pool_(1, thread_name) {}
  ~CountingExecutor() override {
    while (in_post_.load() > 0) std::this_thread::yield();
  }
  void post(std::function<void()> task) override {
    ++in_post_;
    ++posts_;
    pool_.post(std::move(task));
    --in_post_;
  }
  int posts() const { return posts_; }

 private:
  std::atomic<int> in_post_{0};
  std::atomic<int> posts_{0};
  util::ThreadPool pool_;
};

}  // namespace mserve::engine

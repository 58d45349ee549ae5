#include "serving/model_watcher.hpp"

#include <pthread.h>

namespace mserve::serving {

ModelWatcher::ModelWatcher(ModelManager& manager, std::chrono::milliseconds period)
    : manager_(manager), period_(period), thread_([this] { run(); }) {}

ModelWatcher::~ModelWatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ModelWatcher::run() {
  pthread_setname_np(pthread_self(), "watcher");
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, period_, [this] { return stopping_; })) return;
    lock.unlock();
    manager_.poll();
    lock.lock();
  }
}

}  // namespace mserve::serving

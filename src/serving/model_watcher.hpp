// The thread that polls the configuration every --file_system_poll_wait_seconds: config.json
// changes (content) and version folders appearing or disappearing (ModelManager::poll). Stops,
// after the poll in progress, when destroyed. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "serving/model_manager.hpp"

namespace mserve::serving {

class ModelWatcher {
 public:
  // `period` > 0; the first poll happens one period after construction.
  ModelWatcher(ModelManager& manager, std::chrono::milliseconds period);
  ~ModelWatcher();
  ModelWatcher(const ModelWatcher&) = delete;
  ModelWatcher& operator=(const ModelWatcher&) = delete;

 private:
  void run();

  ModelManager& manager_;
  const std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;     // last member: starts after everything it uses
};

}  // namespace mserve::serving

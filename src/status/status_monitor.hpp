// The thread behind the status page and the run-time advice: every period it collects the
// server's facts, adds a point to each version's history, evaluates the advice (logged at most
// once per version per `advice_log_period`) and renders the JSON that GET /status/data serves.
// Stops, after the sample in progress, when destroyed. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "status/model_facts.hpp"
#include "status/status_history.hpp"
#include "status/status_json.hpp"

namespace mserve::status {

struct MonitorOptions {
  std::chrono::milliseconds period{1000};
  std::chrono::seconds advice_log_period{600};
  size_t history_points = StatusHistory::kDefaultCapacity;
  bool start_thread = true;  // false: samples only when sampleNow() is called (tests)
};

class StatusMonitor {
 public:
  using Collector = std::function<ServerFacts()>;
  // `log_advice` receives each advice line to log (rate-limited per version).
  StatusMonitor(Collector collect, ServerInfo info, MonitorOptions options,
                std::function<void(const std::string&)> log_advice);
  ~StatusMonitor();
  StatusMonitor(const StatusMonitor&) = delete;
  StatusMonitor& operator=(const StatusMonitor&) = delete;

  // The latest JSON document (never null: an empty history before the first sample).
  std::shared_ptr<const std::string> json() const;
  // One sample now, on the calling thread.
  void sampleNow();

 private:
  void run();
  void updateAdvice(const ServerFacts& facts);

  const Collector collect_;
  const ServerInfo info_;
  const MonitorOptions options_;
  const std::function<void(const std::string&)> log_advice_;

  std::mutex sample_mutex_;  // one sample at a time
  StatusHistory history_;    // guarded by sample_mutex_

  mutable std::mutex json_mutex_;
  std::shared_ptr<const std::string> json_;  // guarded by json_mutex_

  std::mutex stop_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by stop_mutex_
  std::thread thread_;     // last member: starts after everything it uses
};

}  // namespace mserve::status

#include "status/status_monitor.hpp"

#include <pthread.h>

#include "status/run_time_advice.hpp"

namespace mserve::status {
namespace {

ServerInfo withSampling(ServerInfo info, const MonitorOptions& options) {
  info.period_ms = options.period.count();
  info.history_points = static_cast<int64_t>(options.history_points);
  return info;
}

}  // namespace

StatusMonitor::StatusMonitor(Collector collect, ServerInfo info, MonitorOptions options,
                             std::function<void(const std::string&)> log_advice)
    : collect_(std::move(collect)),
      info_(withSampling(std::move(info), options)),
      options_(options),
      log_advice_(std::move(log_advice)),
      history_(options.history_points),
      json_(std::make_shared<const std::string>(statusJson(info_, history_))) {
  if (options_.start_thread) thread_ = std::thread([this] { run(); });
}

StatusMonitor::~StatusMonitor() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const std::string> StatusMonitor::json() const {
  std::lock_guard lock(json_mutex_);
  return json_;
}

void StatusMonitor::sampleNow() {
  // Collected under the lock too: samples enter the history in the order they were taken.
  std::lock_guard lock(sample_mutex_);
  const ServerFacts facts = collect_();
  history_.add(facts);
  updateAdvice(facts);
  auto json = std::make_shared<const std::string>(statusJson(info_, history_));
  std::lock_guard json_lock(json_mutex_);
  json_ = std::move(json);
}

// Caller holds sample_mutex_. The page shows the latest advice until a newer one replaces it;
// the log gets one line per version per advice_log_period.
void StatusMonitor::updateAdvice(const ServerFacts& facts) {
  for (auto& [key, history] : history_.versions()) {
    const AdviceWindow window = recentWindow(history.points, kAdviceWindowPoints);
    const auto advice = adviceFor(history.facts, window, facts.cpu_budget);
    if (!advice) continue;
    history.advice = *advice;
    history.advice_wall_ms = facts.wall_ms;
    const auto period_ns = std::chrono::nanoseconds(options_.advice_log_period).count();
    if (history.advice_logged_ns == 0 || facts.steady_ns - history.advice_logged_ns >= period_ns) {
      history.advice_logged_ns = facts.steady_ns;
      log_advice_(*advice);
    }
  }
}

void StatusMonitor::run() {
  pthread_setname_np(pthread_self(), "status");
  std::unique_lock lock(stop_mutex_);
  for (;;) {
    lock.unlock();
    sampleNow();
    lock.lock();
    if (wake_.wait_for(lock, options_.period, [this] { return stopping_; })) return;
  }
}

}  // namespace mserve::status

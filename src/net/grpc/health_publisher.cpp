#include "net/grpc/health_publisher.hpp"

namespace mserve::net::grpc_server {

HealthPublisher::HealthPublisher(GrpcServer& server, std::function<Report()> report,
                                 std::chrono::milliseconds period)
    : server_(server), report_(std::move(report)), period_(period) {
  publishNow();
  thread_ = std::thread([this] { run(); });
}

HealthPublisher::~HealthPublisher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void HealthPublisher::publishNow() {
  std::lock_guard lock(mutex_);
  std::map<std::string, bool> now;
  for (auto& [name, serving] : report_()) now[name] = serving;
  for (const auto& [name, serving] : published_) now.try_emplace(name, false);  // gone
  Report changed;
  for (const auto& [name, serving] : now) {
    const auto before = published_.find(name);
    if (before == published_.end() || before->second != serving)
      changed.emplace_back(name, serving);
  }
  if (!changed.empty()) server_.setHealth(changed);
  published_ = std::move(now);
}

void HealthPublisher::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    lock.unlock();
    publishNow();
    lock.lock();
  }
}

}  // namespace mserve::net::grpc_server

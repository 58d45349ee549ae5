// Keeps the gRPC health service (grpc++'s default one, which holds statuses it is told) in step
// with the server: a thread takes a report every `period`, or at once after publishNow(), and
// sets what changed; a name that drops out of the report becomes NOT_SERVING. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "net/grpc/grpc_server.hpp"

namespace mserve::net::grpc_server {

class HealthPublisher {
 public:
  using Report = std::vector<std::pair<std::string, bool>>;  // service name → serving

  // Publishes the first report before returning. `server` and `report` must outlive this.
  HealthPublisher(GrpcServer& server, std::function<Report()> report,
                  std::chrono::milliseconds period);
  ~HealthPublisher();  // stops the thread
  HealthPublisher(const HealthPublisher&) = delete;
  HealthPublisher& operator=(const HealthPublisher&) = delete;

  // Takes and publishes a report now (e.g. on draining); returns once it is published.
  void publishNow();

 private:
  void run();

  GrpcServer& server_;
  const std::function<Report()> report_;
  const std::chrono::milliseconds period_;
  std::mutex mutex_;  // serialises publishing; guards the members below
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, bool> published_;  // what the service says now
  std::thread thread_;
};

}  // namespace mserve::net::grpc_server

// Executor: where a completion continues. The engine hands finished inferences to one (a small
// thread pool for gRPC, a connection's event loop for REST) so that OpenVINO's callback thread
// only hops. Implementations must be safe to post to from any thread.
#pragma once

#include <functional>

namespace mserve::util {

class Executor {
 public:
  virtual ~Executor() = default;
  virtual void post(std::function<void()> task) = 0;
};

}  // namespace mserve::util

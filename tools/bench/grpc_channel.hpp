// gRPC client plumbing shared by the KServe and TF Serving targets: one channel (one TCP
// connection) per client, and the completion glue for the callback API. Thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <array>
#include <memory>
#include <string>

#include "bench_target.hpp"

namespace mserve::bench {

// A channel that shares no connection with any other: a local subchannel pool plus a distinct
// argument per client index.
std::shared_ptr<::grpc::Channel> makeClientChannel(const std::string& address, size_t index);

// Result of a finished call.
CallResult toCallResult(const ::grpc::Status& status);

// Client contexts for a client with one call in flight. A completion may start the next call
// from inside the previous call's callback, so the previous context stays alive one call more.
class ContextRing {
 public:
  ::grpc::ClientContext* next() {
    current_ = (current_ + 1) % contexts_.size();
    contexts_[current_] = std::make_unique<::grpc::ClientContext>();
    return contexts_[current_].get();
  }

 private:
  std::array<std::unique_ptr<::grpc::ClientContext>, 2> contexts_;
  size_t current_ = 0;
};

}  // namespace mserve::bench

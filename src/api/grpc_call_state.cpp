#include "api/grpc_call_state.hpp"

#include <chrono>

namespace mserve::api {

void bindCallState(::grpc::CallbackServerContext* context, tensor::InferenceRequest& request) {
  // System clock, max() when the client set none. A deadline years away counts as none: added
  // to the steady clock it could overflow into the past.
  const auto left = context->deadline() - std::chrono::system_clock::now();
  if (context->deadline() != std::chrono::system_clock::time_point::max() &&
      left < std::chrono::hours(24 * 365)) {
    request.deadline = std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
  }
  // IsCancelled may be called from any thread on a callback-API context.
  request.cancelled = [context] { return context->IsCancelled(); };
}

}  // namespace mserve::api

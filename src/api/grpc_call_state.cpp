#include "api/grpc_call_state.hpp"

#include <chrono>

namespace mserve::api {

void bindCallState(::grpc::CallbackServerContext* context, tensor::InferenceRequest& request) {
  const auto deadline = context->deadline();  // system clock; max() when the client set none
  if (deadline != std::chrono::system_clock::time_point::max()) {
    const auto left = deadline - std::chrono::system_clock::now();
    request.deadline = std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
  }
  // IsCancelled may be called from any thread on a callback-API context.
  request.cancelled = [context] { return context->IsCancelled(); };
}

}  // namespace mserve::api

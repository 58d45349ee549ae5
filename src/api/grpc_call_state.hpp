// What a gRPC call tells the serving core about its client: the deadline the client set and a
// way to see that it cancelled, so that a request still queued for an infer request when its
// client gives up runs no inference. Shared by the KServe and TF Serving gRPC services.
#pragma once

#include <grpcpp/grpcpp.h>

#include "tensor/inference_request.hpp"

namespace mserve::api {

// `context` must outlive the request's inference (it does: the call finishes after it).
void bindCallState(::grpc::CallbackServerContext* context, tensor::InferenceRequest& request);

}  // namespace mserve::api

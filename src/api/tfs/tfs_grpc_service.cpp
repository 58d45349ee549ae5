#include "api/tfs/tfs_grpc_service.hpp"

#include <memory>
#include <utility>

#include "api/grpc_call_state.hpp"
#include "api/tfs/tfs_metadata.hpp"
#include "api/tfs/tfs_request_decoder.hpp"
#include "api/tfs/tfs_response_encoder.hpp"

namespace mserve::api::tfs {
namespace {

::grpc::Status toGrpc(const util::Status& status) {
  if (status.isOk()) return ::grpc::Status::OK;
  return ::grpc::Status(static_cast<::grpc::StatusCode>(status.grpcCode()), status.message());
}

::grpc::ServerUnaryReactor* finish(::grpc::CallbackServerContext* context,
                                   const util::Status& status) {
  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(toGrpc(status));
  return reactor;
}

template <typename Request>
util::StatusOr<ModelRef> modelOf(const Request& request) {
  return readModelSpec(request.has_model_spec() ? &request.model_spec() : nullptr);
}

}  // namespace

::grpc::ServerUnaryReactor* TfsPredictionService::Predict(
    ::grpc::CallbackServerContext* context, const tensorflow::serving::PredictRequest* request,
    tensorflow::serving::PredictResponse* response) {
  auto decoded = std::make_shared<tensor::InferenceRequest>();
  decoded->api = metrics::Api::kTensorFlowServing;
  decoded->interface = metrics::Interface::kGrpc;
  util::Status status = decodePredictRequest(*request, *decoded);
  if (!status.isOk()) return finish(context, status);
  bindCallState(context, *decoded);
  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // gRPC keeps `request` and `response` alive until Finish, and the backend keeps `decoded`
  // (whose views point into `request`) alive until this callback returns.
  backend_.infer(std::move(decoded), [reactor, response](const util::Status& result,
                                                         const tensor::InferenceResponse* output) {
    util::Status encoded = result;
    if (encoded.isOk()) encoded = encodePredictResponse(*output, *response);
    reactor->Finish(toGrpc(encoded));
  });
  return reactor;
}

::grpc::ServerUnaryReactor* TfsPredictionService::GetModelMetadata(
    ::grpc::CallbackServerContext* context,
    const tensorflow::serving::GetModelMetadataRequest* request,
    tensorflow::serving::GetModelMetadataResponse* response) {
  auto model = modelOf(*request);
  if (!model.isOk()) return finish(context, model.status());
  if (util::Status fields = checkMetadataFields(*request); !fields.isOk()) {
    return finish(context, fields);
  }
  auto description = backend_.describe(model->name, model->version);
  if (!description.isOk()) return finish(context, description.status());
  backend_.countRequest(model->name, description->version, metrics::Api::kTensorFlowServing,
                        metrics::Interface::kGrpc, metrics::Method::kMetadata, true);
  buildModelMetadata(*description, *response);
  return finish(context, util::Status::ok());
}

::grpc::ServerUnaryReactor* TfsModelService::GetModelStatus(
    ::grpc::CallbackServerContext* context,
    const tensorflow::serving::GetModelStatusRequest* request,
    tensorflow::serving::GetModelStatusResponse* response) {
  auto model = modelOf(*request);
  if (!model.isOk()) return finish(context, model.status());
  auto statuses = backend_.versionStatuses(model->name);
  if (!statuses.isOk()) return finish(context, statuses.status());
  util::Status built = buildModelStatus(*statuses, model->version, *response);
  backend_.countRequest(model->name, model->version, metrics::Api::kTensorFlowServing,
                        metrics::Interface::kGrpc, metrics::Method::kStatus, built.isOk());
  return finish(context, built);
}

}  // namespace mserve::api::tfs

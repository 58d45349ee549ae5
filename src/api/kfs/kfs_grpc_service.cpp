#include "api/kfs/kfs_grpc_service.hpp"

#include <memory>
#include <utility>

#include "api/grpc_call_state.hpp"
#include "api/kfs/kfs_metadata.hpp"
#include "api/kfs/kfs_repository.hpp"
#include "api/kfs/kfs_request_decoder.hpp"
#include "api/kfs/kfs_response_encoder.hpp"
#include "api/kfs/kfs_shared_memory.hpp"
#include "api/kfs/kfs_statistics.hpp"
#include "api/kfs/kfs_stream_infer.hpp"

namespace mserve::api::kfs {
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

// Version parsing plus describe(), shared by ModelMetadata and ModelConfig.
util::StatusOr<ModelDescription> describe(const KfsBackend& backend, const std::string& name,
                                          const std::string& version) {
  auto parsed = parseModelVersion(version);
  if (!parsed.isOk()) return parsed.status();
  return backend.describe(name, *parsed);
}

}  // namespace

::grpc::ServerUnaryReactor* KfsGrpcService::ServerLive(::grpc::CallbackServerContext* context,
                                                       const inference::ServerLiveRequest*,
                                                       inference::ServerLiveResponse* response) {
  response->set_live(backend_.live());
  return finish(context, util::Status::ok());
}

::grpc::ServerUnaryReactor* KfsGrpcService::ServerReady(::grpc::CallbackServerContext* context,
                                                        const inference::ServerReadyRequest*,
                                                        inference::ServerReadyResponse* response) {
  response->set_ready(backend_.ready());
  return finish(context, util::Status::ok());
}

::grpc::ServerUnaryReactor* KfsGrpcService::ModelReady(::grpc::CallbackServerContext* context,
                                                       const inference::ModelReadyRequest* request,
                                                       inference::ModelReadyResponse* response) {
  auto version = parseModelVersion(request->version());
  if (!version.isOk()) return finish(context, version.status());
  auto ready = backend_.modelReady(request->name(), *version);
  backend_.countRequest(request->name(), *version, metrics::Api::kKServe, metrics::Interface::kGrpc,
                        metrics::Method::kStatus, ready.isOk());
  if (!ready.isOk()) return finish(context, ready.status());
  response->set_ready(*ready);
  return finish(context, util::Status::ok());
}

::grpc::ServerUnaryReactor* KfsGrpcService::ServerMetadata(
    ::grpc::CallbackServerContext* context, const inference::ServerMetadataRequest*,
    inference::ServerMetadataResponse* response) {
  buildServerMetadata(*response);
  return finish(context, util::Status::ok());
}

::grpc::ServerUnaryReactor* KfsGrpcService::ModelMetadata(
    ::grpc::CallbackServerContext* context, const inference::ModelMetadataRequest* request,
    inference::ModelMetadataResponse* response) {
  auto model = describe(backend_, request->name(), request->version());
  if (model.isOk()) {
    backend_.countRequest(request->name(), model->version, metrics::Api::kKServe,
                          metrics::Interface::kGrpc, metrics::Method::kMetadata, true);
  }
  if (!model.isOk()) return finish(context, model.status());
  buildModelMetadata(*model, *response);
  return finish(context, util::Status::ok());
}

::grpc::ServerUnaryReactor* KfsGrpcService::ModelConfig(
    ::grpc::CallbackServerContext* context, const inference::ModelConfigRequest* request,
    inference::ModelConfigResponse* response) {
  auto model = describe(backend_, request->name(), request->version());
  if (!model.isOk()) return finish(context, model.status());
  buildModelConfig(*model, *response);
  return finish(context, util::Status::ok());
}

::grpc::ServerUnaryReactor* KfsGrpcService::ModelStatistics(
    ::grpc::CallbackServerContext* context, const inference::ModelStatisticsRequest* request,
    inference::ModelStatisticsResponse* response) {
  auto version = parseModelVersion(request->version());
  if (!version.isOk()) return finish(context, version.status());
  auto statistics = backend_.statistics(request->name(), *version);
  if (!statistics.isOk()) return finish(context, statistics.status());
  buildModelStatistics(*statistics, *response);
  return finish(context, util::Status::ok());
}

::grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse>*
KfsGrpcService::ModelStreamInfer(::grpc::CallbackServerContext* context) {
  return new StreamInferReactor(context, backend_);  // deletes itself in OnDone
}

::grpc::ServerUnaryReactor* KfsGrpcService::RepositoryIndex(
    ::grpc::CallbackServerContext* context, const inference::RepositoryIndexRequest* request,
    inference::RepositoryIndexResponse* response) {
  if (util::Status named = checkRepositoryName(request->repository_name()); !named.isOk()) {
    return finish(context, named);
  }
  auto index = backend_.repositoryIndex(request->ready());
  if (!index.isOk()) return finish(context, index.status());
  buildRepositoryIndex(*index, *response);
  return finish(context, util::Status::ok());
}

::grpc::ServerUnaryReactor* KfsGrpcService::RepositoryModelLoad(
    ::grpc::CallbackServerContext* context, const inference::RepositoryModelLoadRequest* request,
    inference::RepositoryModelLoadResponse*) {
  if (util::Status named = checkRepositoryName(request->repository_name()); !named.isOk()) {
    return finish(context, named);
  }
  auto config = loadParameters(request->parameters());
  if (!config.isOk()) return finish(context, config.status());
  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  backend_.loadModel(request->model_name(), std::move(*config),
                     [reactor](const util::Status& status) { reactor->Finish(toGrpc(status)); });
  return reactor;
}

::grpc::ServerUnaryReactor* KfsGrpcService::RepositoryModelUnload(
    ::grpc::CallbackServerContext* context, const inference::RepositoryModelUnloadRequest* request,
    inference::RepositoryModelUnloadResponse*) {
  util::Status status = checkRepositoryName(request->repository_name());
  if (status.isOk()) status = unloadParameters(request->parameters());
  if (!status.isOk()) return finish(context, status);
  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  backend_.unloadModel(request->model_name(),
                       [reactor](const util::Status& status) { reactor->Finish(toGrpc(status)); });
  return reactor;
}

::grpc::ServerUnaryReactor* KfsGrpcService::ModelInfer(::grpc::CallbackServerContext* context,
                                                       const inference::ModelInferRequest* request,
                                                       inference::ModelInferResponse* response) {
  auto decoded = std::make_shared<tensor::InferenceRequest>();
  auto shm_slots = std::make_shared<ShmOutputSlots>();
  util::Status status = decodeInferRequest(*request, *decoded, shm_, shm_slots.get());
  if (!status.isOk()) return finish(context, status);
  bindCallState(context, *decoded);
  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // gRPC keeps `request` and `response` alive until Finish, and the backend keeps `decoded`
  // (whose views point into `request`) alive until this callback returns. Finish is
  // thread-safe, so the callback may run on the backend's completion thread.
  std::vector<std::string> requested =
      shm_slots->empty() ? std::vector<std::string>() : decoded->requested_outputs;
  backend_.infer(std::move(decoded),
                 [reactor, request, response, shm_slots, requested = std::move(requested)](
                     const util::Status& result, const tensor::InferenceResponse* output) {
                   util::Status encoded = result;
                   if (encoded.isOk()) {
                     encoded = encodeInferResponse(*output, *response, *shm_slots, requested);
                   }
                   // The id echoes the request's whatever the backend filled in. (On error gRPC
                   // sends no message at all, so a half-encoded response never reaches the client.)
                   if (encoded.isOk()) response->set_id(request->id());
                   reactor->Finish(toGrpc(encoded));
                 });
  return reactor;
}

}  // namespace mserve::api::kfs

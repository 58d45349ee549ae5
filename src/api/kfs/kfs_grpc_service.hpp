// inference.GRPCInferenceService over the gRPC callback API: decodes each call, asks the
// KfsBackend, encodes the answer. ModelInfer holds no thread while the model runs; the backend's
// completion callback finishes the RPC. Thread-safe (stateless apart from the backend pointer).
#pragma once

#include "api/kfs/kfs_backend.hpp"
#include "kfs/grpc_predict_v2.grpc.pb.h"
#include "shm/region_registry.hpp"

namespace mserve::api::kfs {

class KfsGrpcService final : public inference::GRPCInferenceService::CallbackService {
 public:
  // `backend` (and `shm`, the shared memory regions; null = extension off) must outlive every
  // gRPC server this service is registered with.
  explicit KfsGrpcService(KfsBackend& backend, shm::RegionRegistry* shm = nullptr)
      : backend_(backend), shm_(shm) {}

  ::grpc::ServerUnaryReactor* ServerLive(::grpc::CallbackServerContext* context,
                                         const inference::ServerLiveRequest* request,
                                         inference::ServerLiveResponse* response) override;
  ::grpc::ServerUnaryReactor* ServerReady(::grpc::CallbackServerContext* context,
                                          const inference::ServerReadyRequest* request,
                                          inference::ServerReadyResponse* response) override;
  ::grpc::ServerUnaryReactor* ModelReady(::grpc::CallbackServerContext* context,
                                         const inference::ModelReadyRequest* request,
                                         inference::ModelReadyResponse* response) override;
  ::grpc::ServerUnaryReactor* ServerMetadata(::grpc::CallbackServerContext* context,
                                             const inference::ServerMetadataRequest* request,
                                             inference::ServerMetadataResponse* response) override;
  ::grpc::ServerUnaryReactor* ModelMetadata(::grpc::CallbackServerContext* context,
                                            const inference::ModelMetadataRequest* request,
                                            inference::ModelMetadataResponse* response) override;
  ::grpc::ServerUnaryReactor* ModelInfer(::grpc::CallbackServerContext* context,
                                         const inference::ModelInferRequest* request,
                                         inference::ModelInferResponse* response) override;
  ::grpc::ServerUnaryReactor* ModelConfig(::grpc::CallbackServerContext* context,
                                          const inference::ModelConfigRequest* request,
                                          inference::ModelConfigResponse* response) override;
  ::grpc::ServerUnaryReactor* ModelStatistics(
      ::grpc::CallbackServerContext* context, const inference::ModelStatisticsRequest* request,
      inference::ModelStatisticsResponse* response) override;
  // Responses in request order, errors per request in error_message (kfs_stream_infer.hpp).
  ::grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse>*
  ModelStreamInfer(::grpc::CallbackServerContext* context) override;
  // Triton's model repository extension (kfs_repository.hpp).
  ::grpc::ServerUnaryReactor* RepositoryIndex(
      ::grpc::CallbackServerContext* context, const inference::RepositoryIndexRequest* request,
      inference::RepositoryIndexResponse* response) override;
  ::grpc::ServerUnaryReactor* RepositoryModelLoad(
      ::grpc::CallbackServerContext* context, const inference::RepositoryModelLoadRequest* request,
      inference::RepositoryModelLoadResponse* response) override;
  ::grpc::ServerUnaryReactor* RepositoryModelUnload(
      ::grpc::CallbackServerContext* context,
      const inference::RepositoryModelUnloadRequest* request,
      inference::RepositoryModelUnloadResponse* response) override;

  // Shared memory extension (kfs_grpc_shared_memory.cpp).
  ::grpc::ServerUnaryReactor* SystemSharedMemoryStatus(
      ::grpc::CallbackServerContext* context,
      const inference::SystemSharedMemoryStatusRequest* request,
      inference::SystemSharedMemoryStatusResponse* response) override;
  ::grpc::ServerUnaryReactor* SystemSharedMemoryRegister(
      ::grpc::CallbackServerContext* context,
      const inference::SystemSharedMemoryRegisterRequest* request,
      inference::SystemSharedMemoryRegisterResponse* response) override;
  ::grpc::ServerUnaryReactor* SystemSharedMemoryUnregister(
      ::grpc::CallbackServerContext* context,
      const inference::SystemSharedMemoryUnregisterRequest* request,
      inference::SystemSharedMemoryUnregisterResponse* response) override;
  ::grpc::ServerUnaryReactor* CudaSharedMemoryStatus(
      ::grpc::CallbackServerContext* context,
      const inference::CudaSharedMemoryStatusRequest* request,
      inference::CudaSharedMemoryStatusResponse* response) override;
  ::grpc::ServerUnaryReactor* CudaSharedMemoryRegister(
      ::grpc::CallbackServerContext* context,
      const inference::CudaSharedMemoryRegisterRequest* request,
      inference::CudaSharedMemoryRegisterResponse* response) override;
  ::grpc::ServerUnaryReactor* CudaSharedMemoryUnregister(
      ::grpc::CallbackServerContext* context,
      const inference::CudaSharedMemoryUnregisterRequest* request,
      inference::CudaSharedMemoryUnregisterResponse* response) override;

 private:
  KfsBackend& backend_;
  shm::RegionRegistry* const shm_;
};

}  // namespace mserve::api::kfs

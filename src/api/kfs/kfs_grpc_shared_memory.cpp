// KfsGrpcService's shared memory RPCs (REFERENCE-2.md §3.1), kept apart from the inference RPCs:
// system shared memory through shm::RegionRegistry, CUDA answered as a server without GPUs.
#include "api/kfs/kfs_grpc_service.hpp"

namespace mserve::api::kfs {
namespace {

::grpc::ServerUnaryReactor* finishWith(::grpc::CallbackServerContext* context,
                                       const util::Status& status) {
  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status.isOk() ? ::grpc::Status::OK
                                : ::grpc::Status(static_cast<::grpc::StatusCode>(status.grpcCode()),
                                                 status.message()));
  return reactor;
}

}  // namespace

::grpc::ServerUnaryReactor* KfsGrpcService::SystemSharedMemoryStatus(
    ::grpc::CallbackServerContext* context,
    const inference::SystemSharedMemoryStatusRequest* request,
    inference::SystemSharedMemoryStatusResponse* response) {
  if (shm_ == nullptr) return finishWith(context, util::Status::ok());
  auto regions = shm_->list(request->name());
  if (!regions.isOk()) return finishWith(context, regions.status());
  auto& map = *response->mutable_regions();
  for (const shm::RegionInfo& info : *regions) {
    auto& status = map[info.name];
    status.set_name(info.name);
    status.set_key(info.key);
    status.set_offset(info.offset);
    status.set_byte_size(info.byte_size);
  }
  return finishWith(context, util::Status::ok());
}

::grpc::ServerUnaryReactor* KfsGrpcService::SystemSharedMemoryRegister(
    ::grpc::CallbackServerContext* context,
    const inference::SystemSharedMemoryRegisterRequest* request,
    inference::SystemSharedMemoryRegisterResponse*) {
  if (shm_ == nullptr) return finishWith(context, util::Status(util::StatusCode::kShmDisabled));
  return finishWith(
      context, shm_->add(request->name(), request->key(), request->offset(), request->byte_size()));
}

::grpc::ServerUnaryReactor* KfsGrpcService::SystemSharedMemoryUnregister(
    ::grpc::CallbackServerContext* context,
    const inference::SystemSharedMemoryUnregisterRequest* request,
    inference::SystemSharedMemoryUnregisterResponse*) {
  if (shm_ == nullptr) return finishWith(context, util::Status(util::StatusCode::kShmDisabled));
  return finishWith(context, shm_->remove(request->name()));
}

::grpc::ServerUnaryReactor* KfsGrpcService::CudaSharedMemoryStatus(
    ::grpc::CallbackServerContext* context, const inference::CudaSharedMemoryStatusRequest* request,
    inference::CudaSharedMemoryStatusResponse*) {
  if (request->name().empty()) return finishWith(context, util::Status::ok());
  return finishWith(context, util::Status(util::StatusCode::kShmRegionNotFound,
                                          "'" + request->name() + "' (CUDA)"));
}

::grpc::ServerUnaryReactor* KfsGrpcService::CudaSharedMemoryRegister(
    ::grpc::CallbackServerContext* context, const inference::CudaSharedMemoryRegisterRequest*,
    inference::CudaSharedMemoryRegisterResponse*) {
  return finishWith(context, util::Status(util::StatusCode::kShmCudaUnsupported,
                                          "this server has no CUDA devices"));
}

::grpc::ServerUnaryReactor* KfsGrpcService::CudaSharedMemoryUnregister(
    ::grpc::CallbackServerContext* context, const inference::CudaSharedMemoryUnregisterRequest*,
    inference::CudaSharedMemoryUnregisterResponse*) {
  return finishWith(context, util::Status::ok());  // nothing is ever registered
}

}  // namespace mserve::api::kfs

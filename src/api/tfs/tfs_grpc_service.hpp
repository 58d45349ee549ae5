// TF Serving's gRPC services over the callback API: tensorflow.serving.PredictionService
// (Predict, GetModelMetadata) and tensorflow.serving.ModelService (GetModelStatus). They decode
// each call, ask the backend (the same one KServe uses: one execution path, DESIGN.md §1) and
// encode the answer; Predict holds no thread while the model runs. Thread-safe (stateless apart
// from the backend reference).
#pragma once

#include "api/kfs/kfs_backend.hpp"
#include "tfs/tensorflow_serving/apis/model_service.grpc.pb.h"
#include "tfs/tensorflow_serving/apis/prediction_service.grpc.pb.h"

namespace mserve::api::tfs {

class TfsPredictionService final : public tensorflow::serving::PredictionService::CallbackService {
 public:
  // `backend` must outlive every gRPC server this service is registered with.
  explicit TfsPredictionService(kfs::KfsBackend& backend) : backend_(backend) {}

  ::grpc::ServerUnaryReactor* Predict(::grpc::CallbackServerContext* context,
                                      const tensorflow::serving::PredictRequest* request,
                                      tensorflow::serving::PredictResponse* response) override;
  ::grpc::ServerUnaryReactor* GetModelMetadata(
      ::grpc::CallbackServerContext* context,
      const tensorflow::serving::GetModelMetadataRequest* request,
      tensorflow::serving::GetModelMetadataResponse* response) override;

 private:
  kfs::KfsBackend& backend_;
};

class TfsModelService final : public tensorflow::serving::ModelService::CallbackService {
 public:
  explicit TfsModelService(kfs::KfsBackend& backend) : backend_(backend) {}

  ::grpc::ServerUnaryReactor* GetModelStatus(
      ::grpc::CallbackServerContext* context,
      const tensorflow::serving::GetModelStatusRequest* request,
      tensorflow::serving::GetModelStatusResponse* response) override;

 private:
  kfs::KfsBackend& backend_;
};

}  // namespace mserve::api::tfs

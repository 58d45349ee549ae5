// KServe v2 over gRPC: ModelMetadata for the signature, ModelInfer with raw_input_contents.
#include <chrono>

#include "grpc_channel.hpp"
#include "grpc_targets.hpp"
#include "kfs/grpc_predict_v2.grpc.pb.h"
#include "kfs_grpc_shm.hpp"

namespace mserve::bench {
namespace {

constexpr auto kMetadataTimeout = std::chrono::seconds(30);

util::StatusOr<TensorSpec> toSpec(const inference::ModelMetadataResponse::TensorMetadata& meta) {
  const auto type = tensor::fromKserveName(meta.datatype());
  if (!type) {
    return util::Status(util::StatusCode::kInvalidArgument,
                        "unknown datatype " + meta.datatype() + " of " + meta.name());
  }
  return TensorSpec{meta.name(), *type, {meta.shape().begin(), meta.shape().end()}};
}

class KfsGrpcClient final : public BenchClient {
 public:
  // Each client serialises its own copy: protobuf caches sizes inside the message. `shm`, if
  // any, holds the client's registered shared memory for as long as the client lives.
  KfsGrpcClient(std::shared_ptr<::grpc::Channel> channel,
                const inference::ModelInferRequest& request,
                std::unique_ptr<ShmClientSetup> shm = nullptr)
      : shm_(std::move(shm)),
        stub_(inference::GRPCInferenceService::NewStub(channel)),
        request_(request) {}

  void send(CallDone done) override {
    response_.Clear();
    stub_->async()->ModelInfer(
        contexts_.next(), &request_, &response_,
        [done = std::move(done)](::grpc::Status status) { done(toCallResult(status)); });
  }

 private:
  std::unique_ptr<ShmClientSetup> shm_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
  const inference::ModelInferRequest request_;
  inference::ModelInferResponse response_;
  ContextRing contexts_;
};

class KfsGrpcTarget final : public BenchTarget {
 public:
  explicit KfsGrpcTarget(GrpcTargetOptions options) : options_(std::move(options)) {}

  std::string describe() const override {
    return (options_.shared_memory ? "kfs-grpc-shm " : "kfs-grpc ") + options_.address;
  }

  util::StatusOr<ModelSignature> signature() override {
    auto stub = inference::GRPCInferenceService::NewStub(makeClientChannel(options_.address, 0));
    inference::ModelMetadataRequest request;
    request.set_name(options_.model);
    if (options_.version > 0) request.set_version(std::to_string(options_.version));
    inference::ModelMetadataResponse response;
    ::grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kMetadataTimeout);
    const ::grpc::Status status = stub->ModelMetadata(&context, request, &response);
    if (!status.ok()) {
      return util::Status(util::StatusCode::kInvalidArgument,
                          "ModelMetadata failed: " + toCallResult(status).error);
    }
    ModelSignature& signature = signature_;
    signature = {};
    for (const auto& input : response.inputs()) {
      auto spec = toSpec(input);
      if (!spec.isOk()) return spec.status();
      signature.inputs.push_back(std::move(spec.value()));
    }
    for (const auto& output : response.outputs()) {
      auto spec = toSpec(output);
      if (!spec.isOk()) return spec.status();
      signature.outputs.push_back(std::move(spec.value()));
    }
    return signature_;
  }

  util::Status setInputs(const std::vector<InputTensorData>& inputs) override {
    auto request = std::make_shared<inference::ModelInferRequest>();
    request->set_model_name(options_.model);
    if (options_.version > 0) request->set_model_version(std::to_string(options_.version));
    for (const InputTensorData& input : inputs) {
      auto* tensor = request->add_inputs();
      tensor->set_name(input.name);
      tensor->set_datatype(std::string(tensor::kserveName(input.datatype)));
      for (int64_t dim : input.shape) tensor->add_shape(dim);
      if (input.datatype == tensor::DataType::kBytes) {
        request->add_raw_input_contents(kserveBytesPayload(input.strings));
      } else {
        request->add_raw_input_contents(reinterpret_cast<const char*>(input.bytes.data()),
                                        input.bytes.size());
      }
    }
    request_ = std::move(request);
    if (options_.shared_memory) inputs_ = inputs;
    return util::Status::ok();
  }

  util::StatusOr<std::unique_ptr<BenchClient>> makeClient(size_t index) override {
    auto channel = makeClientChannel(options_.address, index);
    if (!options_.shared_memory) {
      return std::unique_ptr<BenchClient>(new KfsGrpcClient(channel, *request_));
    }
    inference::ModelInferRequest request = *request_;
    auto shm = ShmClientSetup::create(channel, index, signature_, inputs_,
                                      options_.shm_output_bytes, request);
    if (!shm.isOk()) return shm.status();
    return std::unique_ptr<BenchClient>(new KfsGrpcClient(channel, request, std::move(*shm)));
  }

 private:
  const GrpcTargetOptions options_;
  std::shared_ptr<const inference::ModelInferRequest> request_;
  ModelSignature signature_;             // from signature(), for the shared memory layout
  std::vector<InputTensorData> inputs_;  // shared memory mode: written into each client's region
};

}  // namespace

std::unique_ptr<BenchTarget> makeKfsGrpcTarget(const GrpcTargetOptions& options) {
  return std::make_unique<KfsGrpcTarget>(options);
}

}  // namespace mserve::bench

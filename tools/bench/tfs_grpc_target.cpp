// TF Serving over gRPC: GetModelMetadata (signature_def) for the signature, Predict with
// tensor_content (string_val for BYTES).
#include <chrono>

#include "api/tfs/tfs_datatype.hpp"
#include "grpc_channel.hpp"
#include "grpc_targets.hpp"
#include "tfs/tensorflow_serving/apis/prediction_service.grpc.pb.h"

namespace mserve::bench {
namespace {

constexpr auto kMetadataTimeout = std::chrono::seconds(30);

util::Status metadataError(const std::string& why) {
  return util::Status(util::StatusCode::kInvalidArgument, "GetModelMetadata: " + why);
}

// Inputs or outputs of the signature, sorted by name (the map's order is unspecified).
util::StatusOr<std::vector<TensorSpec>> toSpecs(
    const google::protobuf::Map<std::string, tensorflow::TensorInfo>& tensors) {
  std::vector<TensorSpec> specs;
  for (const auto& [key, info] : tensors) {
    const auto type = api::tfs::fromTfDataType(info.dtype());
    if (!type) return metadataError("unsupported dtype of " + key);
    TensorSpec spec{key, *type, {}};
    for (const auto& dim : info.tensor_shape().dim()) spec.dims.push_back(dim.size());
    specs.push_back(std::move(spec));
  }
  std::sort(specs.begin(), specs.end(),
            [](const TensorSpec& a, const TensorSpec& b) { return a.name < b.name; });
  return specs;
}

void fillTensor(const InputTensorData& input, tensorflow::TensorProto& tensor) {
  tensor.set_dtype(api::tfs::toTfDataType(input.datatype));
  for (int64_t dim : input.shape) tensor.mutable_tensor_shape()->add_dim()->set_size(dim);
  if (input.datatype == tensor::DataType::kBytes) {
    for (const std::string& element : input.strings) tensor.add_string_val(element);
  } else {
    tensor.set_tensor_content(reinterpret_cast<const char*>(input.bytes.data()),
                              input.bytes.size());
  }
}

class TfsGrpcClient final : public BenchClient {
 public:
  // Each client serialises its own copy: protobuf caches sizes inside the message.
  TfsGrpcClient(std::shared_ptr<::grpc::Channel> channel,
                const tensorflow::serving::PredictRequest& request)
      : stub_(tensorflow::serving::PredictionService::NewStub(channel)), request_(request) {}

  void send(CallDone done) override {
    response_.Clear();
    stub_->async()->Predict(
        contexts_.next(), &request_, &response_,
        [done = std::move(done)](::grpc::Status status) { done(toCallResult(status)); });
  }

 private:
  std::unique_ptr<tensorflow::serving::PredictionService::Stub> stub_;
  const tensorflow::serving::PredictRequest request_;
  tensorflow::serving::PredictResponse response_;
  ContextRing contexts_;
};

class TfsGrpcTarget final : public BenchTarget {
 public:
  explicit TfsGrpcTarget(GrpcTargetOptions options) : options_(std::move(options)) {}

  std::string describe() const override { return "tfs-grpc " + options_.address; }

  util::StatusOr<ModelSignature> signature() override {
    auto stub =
        tensorflow::serving::PredictionService::NewStub(makeClientChannel(options_.address, 0));
    tensorflow::serving::GetModelMetadataRequest request;
    setSpec(*request.mutable_model_spec());
    request.add_metadata_field("signature_def");
    tensorflow::serving::GetModelMetadataResponse response;
    ::grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kMetadataTimeout);
    const ::grpc::Status status = stub->GetModelMetadata(&context, request, &response);
    if (!status.ok()) return metadataError(toCallResult(status).error);
    const auto found = response.metadata().find("signature_def");
    tensorflow::serving::SignatureDefMap signatures;
    if (found == response.metadata().end() || !found->second.UnpackTo(&signatures)) {
      return metadataError("no signature_def in the answer");
    }
    const auto serving = signatures.signature_def().find("serving_default");
    if (serving == signatures.signature_def().end()) return metadataError("no serving_default");
    auto inputs = toSpecs(serving->second.inputs());
    if (!inputs.isOk()) return inputs.status();
    auto outputs = toSpecs(serving->second.outputs());
    if (!outputs.isOk()) return outputs.status();
    return ModelSignature{std::move(inputs.value()), std::move(outputs.value())};
  }

  util::Status setInputs(const std::vector<InputTensorData>& inputs) override {
    request_ = std::make_shared<tensorflow::serving::PredictRequest>();
    setSpec(*request_->mutable_model_spec());
    for (const InputTensorData& input : inputs) {
      fillTensor(input, (*request_->mutable_inputs())[input.name]);
    }
    return util::Status::ok();
  }

  util::StatusOr<std::unique_ptr<BenchClient>> makeClient(size_t index) override {
    return std::unique_ptr<BenchClient>(
        new TfsGrpcClient(makeClientChannel(options_.address, index), *request_));
  }

 private:
  void setSpec(tensorflow::serving::ModelSpec& spec) const {
    spec.set_name(options_.model);
    if (options_.version > 0) spec.mutable_version()->set_value(options_.version);
  }

  const GrpcTargetOptions options_;
  std::shared_ptr<tensorflow::serving::PredictRequest> request_;
};

}  // namespace

std::unique_ptr<BenchTarget> makeTfsGrpcTarget(const GrpcTargetOptions& options) {
  return std::make_unique<TfsGrpcTarget>(options);
}

}  // namespace mserve::bench

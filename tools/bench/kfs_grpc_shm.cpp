// KServe ModelInfer with every tensor in system shared memory (REFERENCE-2.md §3): each client
// creates one POSIX shm object holding its inputs (written once) and one slot per output,
// registers it over gRPC, and sends requests that only name offsets in it. The server reads
// the inputs in place and writes the outputs into the slots.
#include "kfs_grpc_shm.hpp"

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "shm_buffer.hpp"
#include "tensor/shape.hpp"

namespace mserve::bench {
namespace {

constexpr size_t kAlignment = 64;  // each tensor starts on a cache line

size_t aligned(size_t bytes) { return (bytes + kAlignment - 1) / kAlignment * kAlignment; }

void setShmParameters(google::protobuf::Map<std::string, inference::InferParameter>& parameters,
                      const std::string& region, size_t offset, size_t size) {
  parameters["shared_memory_region"].set_string_param(region);
  parameters["shared_memory_offset"].set_int64_param(static_cast<int64_t>(offset));
  parameters["shared_memory_byte_size"].set_int64_param(static_cast<int64_t>(size));
}

// An output slot's size: the output's byte size when its shape is static, else the flag's value
// (0 = the inputs' total, enough for models whose outputs mirror their inputs).
size_t outputSlotBytes(const TensorSpec& spec, size_t fallback) {
  const auto bytes = tensor::byteSize(spec.dims, spec.datatype);
  const bool fixed =
      spec.datatype != tensor::DataType::kBytes && bytes && *bytes >= 0 &&
      std::all_of(spec.dims.begin(), spec.dims.end(), [](int64_t d) { return d >= 0; });
  return fixed ? static_cast<size_t>(*bytes) : fallback;
}

}  // namespace

ShmClientSetup::~ShmClientSetup() {
  if (!registered_) return;
  inference::SystemSharedMemoryUnregisterRequest request;
  request.set_name(region_);
  inference::SystemSharedMemoryUnregisterResponse response;
  ::grpc::ClientContext context;
  stub_->SystemSharedMemoryUnregister(&context, request, &response);
}

util::StatusOr<std::unique_ptr<ShmClientSetup>> ShmClientSetup::create(
    std::shared_ptr<::grpc::Channel> channel, size_t index, const ModelSignature& signature,
    const std::vector<InputTensorData>& inputs, size_t output_bytes,
    inference::ModelInferRequest& request) {
  auto setup = std::unique_ptr<ShmClientSetup>(new ShmClientSetup);
  setup->stub_ = inference::GRPCInferenceService::NewStub(std::move(channel));
  setup->region_ = "mserve_bench_" + std::to_string(::getpid()) + "_" + std::to_string(index);
  std::vector<std::string> payloads;
  size_t total = 0;
  for (const InputTensorData& input : inputs) {
    payloads.push_back(
        input.datatype == tensor::DataType::kBytes
            ? kserveBytesPayload(input.strings)
            : std::string(reinterpret_cast<const char*>(input.bytes.data()), input.bytes.size()));
    total += aligned(payloads.back().size());
  }
  const size_t fallback = output_bytes > 0 ? output_bytes : total;
  size_t outputs_total = 0;
  for (const TensorSpec& output : signature.outputs) {
    outputs_total += aligned(outputSlotBytes(output, fallback));
  }
  auto buffer = ShmBuffer::create("/" + setup->region_, total + outputs_total);
  if (!buffer.isOk()) return buffer.status();
  setup->buffer_ = std::move(*buffer);
  size_t offset = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::memcpy(setup->buffer_->bytes().data() + offset, payloads[i].data(), payloads[i].size());
    setShmParameters(*request.mutable_inputs(static_cast<int>(i))->mutable_parameters(),
                     setup->region_, offset, payloads[i].size());
    offset += aligned(payloads[i].size());
  }
  request.clear_raw_input_contents();
  for (const TensorSpec& spec : signature.outputs) {
    auto* output = request.add_outputs();
    output->set_name(spec.name);
    const size_t size = outputSlotBytes(spec, fallback);
    setShmParameters(*output->mutable_parameters(), setup->region_, offset, size);
    offset += aligned(size);
  }
  MSERVE_RETURN_IF_ERROR(setup->registerRegion());
  return setup;
}

util::Status ShmClientSetup::registerRegion() {
  inference::SystemSharedMemoryRegisterRequest request;
  request.set_name(region_);
  request.set_key(buffer_->key());
  request.set_byte_size(buffer_->bytes().size());
  inference::SystemSharedMemoryRegisterResponse response;
  ::grpc::ClientContext context;
  const ::grpc::Status status = stub_->SystemSharedMemoryRegister(&context, request, &response);
  if (!status.ok()) {
    return util::Status(util::StatusCode::kInvalidArgument,
                        "SystemSharedMemoryRegister failed: " + status.error_message());
  }
  registered_ = true;
  return util::Status::ok();
}

}  // namespace mserve::bench

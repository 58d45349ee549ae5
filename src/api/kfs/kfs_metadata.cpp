#include "api/kfs/kfs_metadata.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace mserve::api::kfs {
namespace {

constexpr std::array<std::string_view, 5> kExtensions = {
    "model_configuration",   // ModelConfig RPC and GET /v2/models/{m}/config
    "binary_tensor_data",    // REST binary inputs and outputs
    "statistics",            // ModelStatistics RPC and GET /v2/models[/{m}[/versions/{v}]]/stats
    "model_repository",      // v2/repository index/load/unload (load/unload need explicit mode)
    "system_shared_memory",  // listed even when off, as Triton (--allow_system_shared_memory)
};

void addTensorMetadata(const TensorDescription& tensor,
                       inference::ModelMetadataResponse::TensorMetadata& out) {
  out.set_name(tensor.name);
  out.set_datatype(std::string(tensor::kserveName(tensor.datatype)));
  const std::vector<int64_t> dims = tensor::toMetadataDims(tensor.shape);
  out.mutable_shape()->Add(dims.begin(), dims.end());
}

}  // namespace

std::span<const std::string_view> serverExtensions() { return kExtensions; }

void buildModelMetadata(const ModelDescription& model, inference::ModelMetadataResponse& out) {
  out.set_name(model.name);
  for (int64_t version : model.versions) out.add_versions(std::to_string(version));
  out.set_platform(std::string(kMetadataPlatform));
  for (const TensorDescription& input : model.inputs) addTensorMetadata(input, *out.add_inputs());
  for (const TensorDescription& output : model.outputs) {
    addTensorMetadata(output, *out.add_outputs());
  }
}

void buildModelConfig(const ModelDescription& model, inference::ModelConfigResponse& out) {
  inference::ModelConfig& config = *out.mutable_config();
  config.set_name(model.name);
  config.set_platform(std::string(kConfigPlatform));
  config.set_max_batch_size(model.max_batch_size);  // see the header
  // With batching, dims leave out the batch dimension (Triton's convention).
  const int skip = model.max_batch_size > 0 ? 1 : 0;
  for (const TensorDescription& input : model.inputs) {
    inference::ModelInput& proto = *config.add_input();
    proto.set_name(input.name);
    proto.set_data_type(static_cast<inference::DataType>(tensor::tritonConfigType(input.datatype)));
    const std::vector<int64_t> dims = tensor::toMetadataDims(input.shape);
    proto.mutable_dims()->Add(dims.begin() + std::min<size_t>(skip, dims.size()), dims.end());
  }
  for (const TensorDescription& output : model.outputs) {
    inference::ModelOutput& proto = *config.add_output();
    proto.set_name(output.name);
    proto.set_data_type(
        static_cast<inference::DataType>(tensor::tritonConfigType(output.datatype)));
    const std::vector<int64_t> dims = tensor::toMetadataDims(output.shape);
    proto.mutable_dims()->Add(dims.begin() + std::min<size_t>(skip, dims.size()), dims.end());
  }
  if (model.max_batch_size > 0) {
    inference::ModelDynamicBatching& batching = *config.mutable_dynamic_batching();
    // Triton stores [max_batch_size] when no preferred size is given, and /config shows it.
    if (model.preferred_batch_sizes.empty()) {
      batching.add_preferred_batch_size(model.max_batch_size);
    } else {
      batching.mutable_preferred_batch_size()->Add(model.preferred_batch_sizes.begin(),
                                                   model.preferred_batch_sizes.end());
    }
    batching.set_max_queue_delay_microseconds(model.max_queue_delay_us);
    batching.set_preserve_ordering(model.preserve_ordering);
  }
}

void buildServerMetadata(inference::ServerMetadataResponse& out) {
  out.set_name(std::string(kServerName));
  out.set_version(MSERVE_VERSION);
  for (std::string_view extension : kExtensions) out.add_extensions(std::string(extension));
}

}  // namespace mserve::api::kfs

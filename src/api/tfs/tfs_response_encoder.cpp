#include "api/tfs/tfs_response_encoder.hpp"

#include <string>

#include "api/tfs/tfs_datatype.hpp"
#include "tensor/shape.hpp"

namespace mserve::api::tfs {
namespace {

using util::Status;
using util::StatusCode;

Status encodeOutput(const tensor::OutputTensor& output, tensorflow::TensorProto& proto) {
  proto.set_dtype(toTfDataType(output.datatype));
  auto* shape = proto.mutable_tensor_shape();
  for (int64_t dim : output.shape) shape->add_dim()->set_size(dim);
  if (output.datatype == tensor::DataType::kBytes) {
    const auto count = tensor::elementCount(output.shape);
    if (!count || static_cast<uint64_t>(*count) != output.strings.size()) {
      return Status(StatusCode::kOvInternalSerializationError,
                    "Output " + std::string(output.name) + " holds " +
                        std::to_string(output.strings.size()) + " strings for shape " +
                        tensor::toString(output.shape));
    }
    proto.mutable_string_val()->Reserve(static_cast<int>(output.strings.size()));
    for (std::string_view element : output.strings) proto.add_string_val(std::string(element));
    return Status::ok();
  }
  const auto expected = tensor::byteSize(output.shape, output.datatype);
  if (!expected || static_cast<uint64_t>(*expected) != output.data.size()) {
    return Status(StatusCode::kOvInternalSerializationError,
                  "Output " + std::string(output.name) + " holds " +
                      std::to_string(output.data.size()) + " bytes for shape " +
                      tensor::toString(output.shape));
  }
  proto.set_tensor_content(reinterpret_cast<const char*>(output.data.data()), output.data.size());
  return Status::ok();
}

}  // namespace

util::Status encodePredictResponse(const tensor::InferenceResponse& response,
                                   tensorflow::serving::PredictResponse& out) {
  auto* spec = out.mutable_model_spec();
  spec->set_name(std::string(response.model_name));
  spec->mutable_version()->set_value(response.model_version);
  auto& outputs = *out.mutable_outputs();
  for (const tensor::OutputTensor& output : response.outputs) {
    MSERVE_RETURN_IF_ERROR(encodeOutput(output, outputs[std::string(output.name)]));
  }
  return Status::ok();
}

}  // namespace mserve::api::tfs

#include "api/tfs/tfs_metadata.hpp"

#include <algorithm>
#include <string>

#include "api/tfs/tfs_datatype.hpp"
#include "tensor/shape.hpp"

namespace mserve::api::tfs {
namespace {

using util::Status;
using util::StatusCode;
using VersionStatusProto = tensorflow::serving::ModelVersionStatus;

void addTensorInfo(const kfs::TensorDescription& tensor,
                   google::protobuf::Map<std::string, tensorflow::TensorInfo>& map) {
  tensorflow::TensorInfo& info = map[tensor.name];
  info.set_name(tensor.name);
  info.set_dtype(toTfDataType(tensor.datatype));
  auto* shape = info.mutable_tensor_shape();
  for (int64_t dim : tensor::toMetadataDims(tensor.shape)) shape->add_dim()->set_size(dim);
}

VersionStatusProto::State toState(kfs::VersionState state) {
  switch (state) {
    case kfs::VersionState::kStart:
      return VersionStatusProto::START;
    case kfs::VersionState::kLoading:
      return VersionStatusProto::LOADING;
    case kfs::VersionState::kAvailable:
      return VersionStatusProto::AVAILABLE;
    case kfs::VersionState::kUnloading:
      return VersionStatusProto::UNLOADING;
    case kfs::VersionState::kEnd:
      return VersionStatusProto::END;
  }
  return VersionStatusProto::UNKNOWN;
}

tensorflow::error::Code toErrorCode(kfs::VersionError error) {
  switch (error) {
    case kfs::VersionError::kOk:
      return tensorflow::error::OK;
    case kfs::VersionError::kUnknown:
      return tensorflow::error::UNKNOWN;
    case kfs::VersionError::kFailedPrecondition:
      return tensorflow::error::FAILED_PRECONDITION;
  }
  return tensorflow::error::UNKNOWN;
}

}  // namespace

util::Status checkMetadataFields(const tensorflow::serving::GetModelMetadataRequest& request) {
  if (request.metadata_field_size() != 1 || request.metadata_field(0) != kSignatureDefField) {
    return Status(StatusCode::kInvalidSignatureDef);
  }
  return Status::ok();
}

void buildModelMetadata(const kfs::ModelDescription& model,
                        tensorflow::serving::GetModelMetadataResponse& out) {
  auto* spec = out.mutable_model_spec();
  spec->set_name(model.name);
  spec->mutable_version()->set_value(model.version);
  tensorflow::serving::SignatureDefMap signatures;
  tensorflow::SignatureDef& signature =
      (*signatures.mutable_signature_def())[std::string(kSignatureName)];
  for (const kfs::TensorDescription& input : model.inputs) {
    addTensorInfo(input, *signature.mutable_inputs());
  }
  for (const kfs::TensorDescription& output : model.outputs) {
    addTensorInfo(output, *signature.mutable_outputs());
  }
  // PackFrom writes the type URL type.googleapis.com/tensorflow.serving.SignatureDefMap.
  (*out.mutable_metadata())[std::string(kSignatureDefField)].PackFrom(signatures);
}

util::Status buildModelStatus(const std::vector<kfs::VersionStatus>& statuses, int64_t version,
                              tensorflow::serving::GetModelStatusResponse& out) {
  std::vector<kfs::VersionStatus> sorted = statuses;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (const kfs::VersionStatus& status : sorted) {
    if (version != 0 && status.version != version) continue;
    VersionStatusProto& proto = *out.add_model_version_status();
    proto.set_version(status.version);
    proto.set_state(toState(status.state));
    const tensorflow::error::Code code = toErrorCode(status.error);
    proto.mutable_status()->set_error_code(code);
    proto.mutable_status()->set_error_message(tensorflow::error::Code_Name(code));
  }
  if (out.model_version_status_size() == 0) return Status(StatusCode::kModelVersionMissing);
  return Status::ok();
}

}  // namespace mserve::api::tfs

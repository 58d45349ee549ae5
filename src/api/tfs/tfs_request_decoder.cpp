#include "api/tfs/tfs_request_decoder.hpp"

#include <cstring>
#include <span>
#include <unordered_set>
#include <utility>
#include <vector>

#include "api/tfs/tfs_datatype.hpp"
#include "api/proto_values.hpp"
#include "tensor/input_errors.hpp"
#include "tensor/shape.hpp"

namespace mserve::api::tfs {
namespace {

using tensor::contentSizeError;
using tensor::DataType;
using tensor::inputSuffix;
using tensor::valueCountError;
using util::Status;
using util::StatusCode;

Status decodeShape(const tensorflow::TensorShapeProto& proto, tensor::InputTensor& tensor) {
  if (proto.unknown_rank()) {
    return Status(StatusCode::kInvalidShape, "unknown rank" + inputSuffix(tensor.name));
  }
  tensor.shape.reserve(proto.dim_size());
  for (const auto& dim : proto.dim()) tensor.shape.push_back(dim.size());
  for (int64_t dim : tensor.shape) {
    if (dim < 0) {
      return Status(StatusCode::kInvalidShape, "Negative dimension in shape " +
                                                   tensor::toString(tensor.shape) +
                                                   inputSuffix(tensor.name));
    }
  }
  return Status::ok();
}

// tensor_content: exactly shape × itemsize bytes, viewed in place.
Status viewContent(const std::string& content, tensor::InputTensor& tensor) {
  const auto expected = tensor::byteSize(tensor.shape, tensor.datatype);
  if (!expected) {
    return Status(StatusCode::kInvalidContentSize,
                  "Shape dimensions overflow" + inputSuffix(tensor.name));
  }
  if (static_cast<uint64_t>(*expected) != content.size()) {
    return contentSizeError(*expected, content.size(), tensor.name);
  }
  tensor.data = std::as_bytes(std::span(content.data(), content.size()));
  return Status::ok();
}

// A typed field without values where values are needed reads as OVMS's content size error
// ("Expected: 40 bytes; Actual: 0 bytes"), which is what clients of OVMS know.
Status checkCount(int size, int64_t count, const tensor::InputTensor& tensor) {
  if (size == count) return Status::ok();
  if (size == 0) {
    return contentSizeError(tensor::byteSize(tensor.shape, tensor.datatype).value_or(0), 0,
                            tensor.name);
  }
  return valueCountError(count, size, tensor.name);
}

// A typed field whose wire layout equals the tensor's: a view into the repeated field.
template <typename T>
Status viewTyped(const google::protobuf::RepeatedField<T>& field, int64_t count,
                 tensor::InputTensor& tensor) {
  MSERVE_RETURN_IF_ERROR(checkCount(field.size(), count, tensor));
  api::viewRepeated(field, tensor);
  return Status::ok();
}

// int_val for 8/16-bit integers and half_val for 16-bit floats: range-checked and narrowed into
// a buffer the request owns.
template <typename Target>
Status narrowTyped(const google::protobuf::RepeatedField<int32_t>& field, int64_t count,
                   tensor::InputTensor& tensor, tensor::InferenceRequest& out) {
  MSERVE_RETURN_IF_ERROR(checkCount(field.size(), count, tensor));
  return api::narrowRepeated<Target>(field, tensor, out);
}

Status viewStrings(const tensorflow::TensorProto& proto, int64_t count,
                   tensor::InputTensor& tensor) {
  if (proto.string_val_size() != count) {
    return valueCountError(count, proto.string_val_size(), tensor.name);
  }
  tensor.strings.reserve(proto.string_val_size());
  for (const std::string& element : proto.string_val()) tensor.strings.emplace_back(element);
  return Status::ok();
}

// Picks the typed TensorProto field that carries `tensor.datatype` (TensorFlow's layout).
Status decodeTyped(const tensorflow::TensorProto& proto, int64_t count, tensor::InputTensor& tensor,
                   tensor::InferenceRequest& out) {
  switch (tensor.datatype) {
    case DataType::kFp32:
      return viewTyped(proto.float_val(), count, tensor);
    case DataType::kFp64:
      return viewTyped(proto.double_val(), count, tensor);
    case DataType::kInt32:
      return viewTyped(proto.int_val(), count, tensor);
    case DataType::kInt64:
      return viewTyped(proto.int64_val(), count, tensor);
    case DataType::kUint32:
      return viewTyped(proto.uint32_val(), count, tensor);
    case DataType::kUint64:
      return viewTyped(proto.uint64_val(), count, tensor);
    case DataType::kBool:
      static_assert(sizeof(bool) == 1, "bool_val is viewed as one byte per element");
      return viewTyped(proto.bool_val(), count, tensor);
    case DataType::kInt8:
      return narrowTyped<int8_t>(proto.int_val(), count, tensor, out);
    case DataType::kUint8:
      return narrowTyped<uint8_t>(proto.int_val(), count, tensor, out);
    case DataType::kInt16:
      return narrowTyped<int16_t>(proto.int_val(), count, tensor, out);
    case DataType::kUint16:
      return narrowTyped<uint16_t>(proto.int_val(), count, tensor, out);
    // half_val holds the 16 bits of each value (TensorFlow writes them unsigned).
    case DataType::kFp16:
    case DataType::kBf16:
      return narrowTyped<uint16_t>(proto.half_val(), count, tensor, out);
    case DataType::kBytes:
      return viewStrings(proto, count, tensor);
  }
  return Status(StatusCode::kInternalError, "unhandled datatype" + inputSuffix(tensor.name));
}

Status decodeInput(const std::string& name, const tensorflow::TensorProto& proto,
                   tensor::InferenceRequest& out) {
  tensor::InputTensor& tensor = out.inputs.emplace_back();
  tensor.name = name;
  const auto datatype = fromTfDataType(proto.dtype());
  if (!datatype) {
    return Status(StatusCode::kInvalidPrecision,
                  "Unsupported data type: " + tfDataTypeName(proto.dtype()) + inputSuffix(name));
  }
  tensor.datatype = *datatype;
  MSERVE_RETURN_IF_ERROR(decodeShape(proto.tensor_shape(), tensor));
  const auto count = tensor::elementCount(tensor.shape);
  if (!count) {
    return Status(StatusCode::kInvalidContentSize, "Shape dimensions overflow" + inputSuffix(name));
  }
  if (tensor.datatype != DataType::kBytes && !proto.tensor_content().empty()) {
    return viewContent(proto.tensor_content(), tensor);
  }
  return decodeTyped(proto, *count, tensor, out);
}

}  // namespace

util::StatusOr<ModelRef> readModelSpec(const tensorflow::serving::ModelSpec* spec) {
  if (spec == nullptr) return Status(StatusCode::kModelSpecMissing);
  ModelRef ref;
  ref.name = spec->name();
  if (spec->has_version()) ref.version = spec->version().value();
  return ref;
}

util::Status decodePredictRequest(const tensorflow::serving::PredictRequest& request,
                                  tensor::InferenceRequest& out) {
  auto ref = readModelSpec(request.has_model_spec() ? &request.model_spec() : nullptr);
  if (!ref.isOk()) return ref.status();
  out.model_name = std::move(ref->name);
  out.model_version = ref->version;
  out.inputs.reserve(request.inputs_size());
  for (const auto& [name, proto] : request.inputs()) {
    MSERVE_RETURN_IF_ERROR(decodeInput(name, proto, out));
  }
  std::unordered_set<std::string_view> names;
  names.reserve(request.output_filter_size());
  for (const std::string& name : request.output_filter()) {
    if (!names.insert(name).second) {
      return Status(StatusCode::kInvalidArgument, "Duplicate output_filter name: " + name);
    }
    out.requested_outputs.push_back(name);
  }
  return Status::ok();
}

}  // namespace mserve::api::tfs

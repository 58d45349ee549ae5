// Typed protobuf repeated fields as tensor data, shared by the KServe (InferTensorContents) and
// TF Serving (TensorProto's *_val) decoders. Callers check the value count first; the error
// texts for a wrong count differ between the APIs, the range check does not.
#pragma once

#include <google/protobuf/repeated_field.h>

#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tensor/input_errors.hpp"
#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::api {

// The field's own storage as the tensor's bytes (its element type is the tensor's).
template <typename T>
void viewRepeated(const google::protobuf::RepeatedField<T>& field, tensor::InputTensor& tensor) {
  tensor.data = std::as_bytes(std::span(field.data(), static_cast<size_t>(field.size())));
}

// Values carried in a wider field (8- and 16-bit integers, FP16 bit patterns in 32-bit fields):
// each range-checked and narrowed to Target into a buffer the request owns.
template <typename Target, typename Source>
util::Status narrowRepeated(const google::protobuf::RepeatedField<Source>& field,
                            tensor::InputTensor& tensor, tensor::InferenceRequest& out) {
  std::vector<std::byte>& buffer = out.owned_buffers.emplace_back(field.size() * sizeof(Target));
  for (int i = 0; i < field.size(); ++i) {
    const Source value = field.Get(i);
    if (!std::in_range<Target>(value)) {
      return util::Status(util::StatusCode::kInvalidArgument,
                          "Value " + std::to_string(value) + " is out of range for " +
                              std::string(tensor::kserveName(tensor.datatype)) +
                              tensor::inputSuffix(tensor.name));
    }
    const auto narrowed = static_cast<Target>(value);
    std::memcpy(buffer.data() + i * sizeof(Target), &narrowed, sizeof(Target));
  }
  tensor.data = buffer;
  return util::Status::ok();
}

}  // namespace mserve::api

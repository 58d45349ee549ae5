#include "scheduling/batch_tensors.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace mserve::scheduling {
namespace {

using util::Status;
using util::StatusCode;

Status checkData(const tensor::InputTensor& input) {
  if (input.datatype == tensor::DataType::kBytes) {
    const auto count = tensor::elementCount(input.shape);
    if (!count || static_cast<uint64_t>(*count) != input.strings.size()) {
      return Status(StatusCode::kInvalidValueCount,
                    "input '" + input.name + "' of shape " + tensor::toString(input.shape) +
                        " got " + std::to_string(input.strings.size()) + " strings");
    }
    return Status::ok();
  }
  const auto bytes = tensor::byteSize(input.shape, input.datatype);
  if (!bytes || static_cast<uint64_t>(*bytes) != input.data.size()) {
    return Status(StatusCode::kInvalidContentSize,
                  "input '" + input.name + "' of shape " + tensor::toString(input.shape) +
                      " needs " + (bytes ? std::to_string(*bytes) : "too many") + " bytes, got " +
                      std::to_string(input.data.size()));
  }
  return Status::ok();
}

}  // namespace

util::StatusOr<int64_t> batchRows(const tensor::InferenceRequest& request,
                                  const std::vector<size_t>& input_order) {
  int64_t rows = -1;
  for (size_t index : input_order) {
    const tensor::InputTensor& input = request.inputs[index];
    if (input.shape.empty()) {
      return Status(StatusCode::kInvalidNoOfShapeDimensions,
                    "input '" + input.name + "' has no batch dimension");
    }
    if (rows >= 0 && input.shape[0] != rows) {
      return Status(StatusCode::kInvalidBatchSize,
                    "input '" + input.name + "' batch size " + std::to_string(input.shape[0]) +
                        " does not match other inputs' " + std::to_string(rows));
    }
    rows = input.shape[0];
    MSERVE_RETURN_IF_ERROR(checkData(input));
  }
  return rows < 0 ? 1 : rows;
}

bool batchCompatible(const tensor::InferenceRequest& a, const std::vector<size_t>& order_a,
                     const tensor::InferenceRequest& b, const std::vector<size_t>& order_b) {
  for (size_t i = 0; i < order_a.size(); ++i) {
    const tensor::InputTensor& x = a.inputs[order_a[i]];
    const tensor::InputTensor& y = b.inputs[order_b[i]];
    if (x.datatype != y.datatype || x.shape.size() != y.shape.size() ||
        !std::equal(x.shape.begin() + 1, x.shape.end(), y.shape.begin() + 1)) {
      return false;
    }
  }
  return true;
}

tensor::InputTensor concatenate(std::span<const tensor::InputTensor* const> parts,
                                std::vector<std::byte>& buffer) {
  const tensor::InputTensor& first = *parts.front();
  tensor::InputTensor batched;
  batched.name = first.name;
  batched.datatype = first.datatype;
  batched.shape = first.shape;
  batched.shape[0] = 0;
  size_t bytes = 0;
  for (const tensor::InputTensor* part : parts) {
    batched.shape[0] += part->shape[0];
    bytes += part->data.size();  // each checked by batchRows; the sum is at most the batch's
  }
  if (first.datatype == tensor::DataType::kBytes) {
    for (const tensor::InputTensor* part : parts) {
      batched.strings.insert(batched.strings.end(), part->strings.begin(), part->strings.end());
    }
    return batched;
  }
  buffer.resize(bytes);
  size_t offset = 0;
  for (const tensor::InputTensor* part : parts) {
    if (!part->data.empty())
      std::memcpy(buffer.data() + offset, part->data.data(), part->data.size());
    offset += part->data.size();
  }
  batched.data = {buffer.data(), buffer.size()};
  return batched;
}

util::StatusOr<tensor::OutputTensor> sliceRows(const tensor::OutputTensor& batched, int64_t first,
                                               int64_t rows) {
  if (batched.shape.empty() || first < 0 || rows < 0 || first + rows > batched.shape[0]) {
    return Status(StatusCode::kOvInternalInferenceError,
                  "output '" + std::string(batched.name) + "' of shape " +
                      tensor::toString(batched.shape) + " has no rows " + std::to_string(first) +
                      ".." + std::to_string(first + rows) + " to split by request");
  }
  tensor::OutputTensor part;
  part.name = batched.name;
  part.datatype = batched.datatype;
  part.shape = batched.shape;
  part.shape[0] = rows;
  const auto total = static_cast<size_t>(batched.shape[0]);
  if (batched.datatype == tensor::DataType::kBytes) {
    const size_t per_row = total == 0 ? 0 : batched.strings.size() / total;
    const auto begin = batched.strings.begin() + static_cast<ptrdiff_t>(per_row * first);
    part.strings.assign(begin, begin + static_cast<ptrdiff_t>(per_row * rows));
    return part;
  }
  const size_t row_bytes = total == 0 ? 0 : batched.data.size() / total;
  part.data = batched.data.subspan(row_bytes * static_cast<size_t>(first),
                                   row_bytes * static_cast<size_t>(rows));
  return part;
}

}  // namespace mserve::scheduling

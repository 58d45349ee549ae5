// Builds benchmark inputs: random or zero tensors shaped from the signature, or file contents.
#include "input_data.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

namespace mserve::bench {
namespace {

util::Status inputError(const std::string& why) {
  return util::Status(util::StatusCode::kInvalidArgument, why);
}

util::StatusOr<std::string> readFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return inputError("cannot read input file " + path);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

template <typename T>
void store(std::byte* out, T value) {
  std::memcpy(out, &value, sizeof(T));
}

// One random element of `type` written at `out` (values in [0,1) for floats, [0,100) for
// integers: valid for any model, and small enough not to overflow an add).
void randomElement(tensor::DataType type, std::mt19937& rng, std::byte* out) {
  using tensor::DataType;
  const float unit = std::uniform_real_distribution<float>(0.0f, 1.0f)(rng);
  const auto small = static_cast<int64_t>(unit * 100);
  switch (type) {
    case DataType::kFp32:
      return store(out, unit);
    case DataType::kFp64:
      return store(out, static_cast<double>(unit));
    case DataType::kBf16:
      return store(out, static_cast<uint16_t>(std::bit_cast<uint32_t>(unit) >> 16));
    case DataType::kFp16:
      return store(out, static_cast<uint16_t>(0x3800 + (small & 0x3ff)));  // [0.5,1)
    case DataType::kBool:
      return store(out, static_cast<uint8_t>(small & 1));
    case DataType::kUint8:
      return store(out, static_cast<uint8_t>(small));
    case DataType::kInt8:
      return store(out, static_cast<int8_t>(small));
    case DataType::kUint16:
      return store(out, static_cast<uint16_t>(small));
    case DataType::kInt16:
      return store(out, static_cast<int16_t>(small));
    case DataType::kUint32:
      return store(out, static_cast<uint32_t>(small));
    case DataType::kInt32:
      return store(out, static_cast<int32_t>(small));
    case DataType::kUint64:
      return store(out, static_cast<uint64_t>(small));
    case DataType::kInt64:
      return store(out, small);
    case DataType::kBytes:
      return;
  }
}

util::StatusOr<tensor::Shape> concreteShape(const TensorSpec& spec, const InputOptions& options) {
  if (auto found = options.shapes.find(spec.name); found != options.shapes.end()) {
    return found->second;
  }
  tensor::Shape shape;
  for (int64_t dim : spec.dims) shape.push_back(dim < 0 ? 1 : dim);
  return shape;
}

const std::string* fileFor(const InputOptions& options, const std::string& name, bool first) {
  if (auto found = options.files.find(name); found != options.files.end()) return &found->second;
  if (first) {
    if (auto found = options.files.find(""); found != options.files.end()) return &found->second;
  }
  return nullptr;
}

util::Status fillFromFile(const std::string& path, InputTensorData& data) {
  auto contents = readFile(path);
  if (!contents.isOk()) return contents.status();
  if (isImageFile(path) || data.datatype == tensor::DataType::kBytes) {
    // An encoded image is one BYTES element; the server decodes it into the model's input.
    data.datatype = tensor::DataType::kBytes;
    data.shape = {1};
    data.strings = {std::move(contents.value())};
    return util::Status::ok();
  }
  const auto size = tensor::byteSize(data.shape, data.datatype);
  if (!size || static_cast<size_t>(*size) != contents->size()) {
    return inputError("input file " + path + " has " + std::to_string(contents->size()) +
                      " bytes; input '" + data.name + "' of shape " + tensor::toString(data.shape) +
                      " needs " +
                      (size ? std::to_string(*size) : std::string("an unknown number of")));
  }
  const auto* begin = reinterpret_cast<const std::byte*>(contents->data());
  data.bytes.assign(begin, begin + contents->size());
  return util::Status::ok();
}

util::Status fillGenerated(const InputOptions& options, std::mt19937& rng, InputTensorData& data) {
  const auto count = tensor::elementCount(data.shape);
  if (!count) return inputError("input '" + data.name + "' has an invalid shape");
  if (data.datatype == tensor::DataType::kBytes) {
    data.strings.assign(static_cast<size_t>(*count), options.zeros ? "" : "mserve-bench");
    return util::Status::ok();
  }
  const size_t item = tensor::elementSize(data.datatype);
  data.bytes.assign(static_cast<size_t>(*count) * item, std::byte{0});
  if (options.zeros) return util::Status::ok();
  for (size_t i = 0; i < data.bytes.size(); i += item)
    randomElement(data.datatype, rng, &data.bytes[i]);
  return util::Status::ok();
}

}  // namespace

bool isImageFile(const std::string& path) {
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const std::string_view ext : {".jpg", ".jpeg", ".png"}) {
    if (lower.size() >= ext.size() &&
        lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0) {
      return true;
    }
  }
  return false;
}

util::StatusOr<std::vector<InputTensorData>> buildInputs(const ModelSignature& signature,
                                                         const InputOptions& options) {
  std::mt19937 rng(options.seed);
  std::vector<InputTensorData> inputs;
  for (size_t i = 0; i < signature.inputs.size(); ++i) {
    const TensorSpec& spec = signature.inputs[i];
    InputTensorData data;
    data.name = spec.name;
    data.datatype = spec.datatype;
    auto shape = concreteShape(spec, options);
    if (!shape.isOk()) return shape.status();
    data.shape = std::move(shape.value());
    const std::string* file = fileFor(options, spec.name, i == 0);
    util::Status status = file ? fillFromFile(*file, data) : fillGenerated(options, rng, data);
    if (!status.isOk()) return status;
    inputs.push_back(std::move(data));
  }
  if (inputs.empty()) return inputError("the model has no inputs");
  return inputs;
}

std::string kserveBytesPayload(const std::vector<std::string>& strings) {
  std::string payload;
  for (const std::string& element : strings) {
    const auto length = static_cast<uint32_t>(element.size());
    for (int shift = 0; shift < 32; shift += 8)
      payload.push_back(static_cast<char>(length >> shift));
    payload += element;
  }
  return payload;
}

}  // namespace mserve::bench

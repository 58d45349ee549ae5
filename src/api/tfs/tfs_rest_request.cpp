#include "api/tfs/tfs_rest_request.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "api/kfs/kfs_json_document.hpp"
#include "api/tfs/tfs_rest_ndarray.hpp"
#include "tensor/shape.hpp"

namespace mserve::api::tfs {
namespace {

using rapidjson::Value;
using tensor::DataType;
using util::Status;
using util::StatusCode;

const Value* member(const Value& object, const char* name) {
  const auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

bool isNamedForm(const Value& value) { return value.IsObject() && !isBase64Object(value); }

// One request input before conversion: the JSON values that hold it, in order (one per
// instance in row format, one in column format), and its shape.
struct InputParts {
  std::string name;
  std::vector<const Value*> parts;
  tensor::Shape shape;
};

// The tensor's datatype: BYTES for strings and b64 values (images for numeric 4-D inputs are
// decoded by serving/), else the model input's, else what the JSON looks like.
DataType datatypeFor(const kfs::ModelDescription& model, const InputParts& input) {
  const Value* leaf = nullptr;
  for (const Value* part : input.parts) {
    if ((leaf = firstLeaf(*part)) != nullptr) break;
  }
  if (leaf != nullptr && (leaf->IsString() || leaf->IsObject())) return DataType::kBytes;
  for (const kfs::TensorDescription& tensor : model.inputs) {
    if (tensor.name == input.name) return tensor.datatype;
  }
  return leaf != nullptr && leaf->IsBool() ? DataType::kBool : DataType::kFp32;
}

Status addInput(const kfs::ModelDescription& model, const InputParts& input, StatusCode parse_error,
                RequestMemory& memory, tensor::InferenceRequest& request) {
  tensor::InputTensor& tensor = request.inputs.emplace_back();
  tensor.name = input.name;
  tensor.shape = input.shape;
  tensor.datatype = datatypeFor(model, input);
  const auto count = tensor::elementCount(tensor.shape);
  if (!count) return Status(parse_error, "shape overflows; input name: " + input.name);
  MSERVE_RETURN_IF_ERROR(chargeConvertedInput(memory, *count, tensor.datatype));
  return fillTensor(input.parts, *count, parse_error, tensor, request);
}

util::StatusOr<std::string> onlyInputName(const kfs::ModelDescription& model, StatusCode error) {
  if (model.inputs.size() != 1) {
    return Status(error,
                  "values without input names need a model with exactly one input; this "
                  "one has " +
                      std::to_string(model.inputs.size()));
  }
  return model.inputs[0].name;
}

// Row format: every instance holds one batch element of every input.
util::StatusOr<std::vector<InputParts>> rowInputs(const kfs::ModelDescription& model,
                                                  const Value& instances) {
  constexpr StatusCode kError = StatusCode::kRestCouldNotParseInstance;
  if (!instances.IsArray() || instances.Empty()) return Status(StatusCode::kRestNoInstancesFound);
  const auto batch = static_cast<int64_t>(instances.Size());
  std::vector<InputParts> inputs;
  if (isNamedForm(instances[0])) {
    for (const auto& entry : instances[0].GetObject()) {
      inputs.push_back({std::string(entry.name.GetString(), entry.name.GetStringLength()), {}, {}});
    }
    for (const Value& instance : instances.GetArray()) {
      if (!isNamedForm(instance)) return Status(kError, "every instance must be an object");
      if (instance.MemberCount() != inputs.size()) {
        return Status(StatusCode::kRestInstancesBatchSizeDiffer);
      }
      for (InputParts& input : inputs) {
        const Value* value = member(instance, input.name.c_str());
        if (value == nullptr) return Status(StatusCode::kRestInstancesBatchSizeDiffer);
        input.parts.push_back(value);
      }
    }
  } else {
    auto name = onlyInputName(model, kError);
    if (!name.isOk()) return name.status();
    inputs.push_back({*name, {}, {}});
    for (const Value& instance : instances.GetArray()) inputs[0].parts.push_back(&instance);
  }
  for (InputParts& input : inputs) {
    for (const Value* part : input.parts) {
      const auto shape = ndarrayShape(*part);
      if (!shape) return Status(kError, "ragged or invalid values; input name: " + input.name);
      if (part == input.parts[0]) {
        input.shape = {batch};
        input.shape.insert(input.shape.end(), shape->begin(), shape->end());
      } else if (!std::equal(shape->begin(), shape->end(), input.shape.begin() + 1,
                             input.shape.end())) {
        return Status(kError, "instances differ in shape; input name: " + input.name);
      }
    }
  }
  return inputs;
}

// Column format: every input's ndarray as it is.
util::StatusOr<std::vector<InputParts>> columnInputs(const kfs::ModelDescription& model,
                                                     const Value& columns) {
  constexpr StatusCode kError = StatusCode::kRestCouldNotParseInput;
  std::vector<InputParts> inputs;
  if (isNamedForm(columns)) {
    if (columns.ObjectEmpty()) return Status(StatusCode::kRestNoInputsFound);
    for (const auto& entry : columns.GetObject()) {
      inputs.push_back(
          {std::string(entry.name.GetString(), entry.name.GetStringLength()), {&entry.value}, {}});
    }
  } else {
    auto name = onlyInputName(model, kError);
    if (!name.isOk()) return name.status();
    inputs.push_back({*name, {&columns}, {}});
  }
  for (InputParts& input : inputs) {
    const auto shape = ndarrayShape(*input.parts[0]);
    if (!shape) return Status(kError, "ragged or invalid values; input name: " + input.name);
    input.shape = *shape;
  }
  return inputs;
}

}  // namespace

util::Status decodeTfsRestPredict(const kfs::ModelDescription& model, size_t max_json_depth,
                                  TfsRestPredictRequest& out) {
  MSERVE_RETURN_IF_ERROR(out.memory.charge(out.body.size(), "the body"));
  MSERVE_RETURN_IF_ERROR(kfs::parseJson(out.body, max_json_depth, out.memory, out.json));
  if (!out.json.IsObject()) return Status(StatusCode::kRestBodyIsNotAnObject);
  const Value* instances = member(out.json, "instances");
  const Value* columns = member(out.json, "inputs");
  if ((instances == nullptr) == (columns == nullptr)) {
    return Status(StatusCode::kRestPredictUnknownOrder);
  }
  out.format = instances != nullptr ? RestFormat::kRow : RestFormat::kColumn;
  auto inputs = instances != nullptr ? rowInputs(model, *instances) : columnInputs(model, *columns);
  if (!inputs.isOk()) return inputs.status();
  const StatusCode parse_error = instances != nullptr ? StatusCode::kRestCouldNotParseInstance
                                                      : StatusCode::kRestCouldNotParseInput;
  std::unordered_set<std::string_view> names;
  out.request.inputs.reserve(inputs->size());
  for (const InputParts& input : *inputs) {
    // A JSON object may repeat a key; two inputs of one name are ambiguous.
    if (!names.insert(input.name).second) {
      return Status(StatusCode::kInvalidDuplicateInput, "input name: " + input.name);
    }
    MSERVE_RETURN_IF_ERROR(addInput(model, input, parse_error, out.memory, out.request));
  }
  return Status::ok();
}

}  // namespace mserve::api::tfs

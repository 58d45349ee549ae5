#include "engine/compiled_model.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>

#include "engine/layout.hpp"
#include "engine/ov_handles.hpp"
#include "engine/ov_status.hpp"
#include "engine/port_info.hpp"
#include "engine/property_list.hpp"
#include "engine/reshape.hpp"

namespace mserve::engine {
namespace {

// Whether `path` is a folder (a saved_model) or a file this process can open.
bool canOpen(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return true;
  return std::ifstream(path, std::ios::binary).is_open();
}

util::StatusOr<OvModel> readModel(const Core& core, const std::string& file) {
  ov_model_t* model = nullptr;
  // A null weights path lets each frontend find its weights (the .bin beside an .xml).
  const ov_status_e status = ov_core_read_model(core.raw(), file.c_str(), nullptr, &model);
  if (status == OK) return OvModel(model);
  // A file that is there but that OpenVINO cannot read or convert (an operator it does not
  // support, a malformed graph) is no missing file: OVMS answers "Internal server error".
  if (canOpen(file)) {
    return ovStatus(status, util::StatusCode::kInternalError,
                    "OpenVINO cannot read or convert model " + file);
  }
  return ovStatus(status, util::StatusCode::kFileInvalid, "cannot read model " + file);
}

util::StatusOr<std::vector<TensorInfo>> modelInputs(const ov_model_t* model) {
  size_t count = 0;
  const ov_status_e status = ov_model_inputs_size(model, &count);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kModelConfigInvalid, "cannot count model inputs");
  }
  return describePorts(count, PortKind::kInput, [model](size_t i, ov_output_const_port_t** port) {
    return ov_model_const_input_by_index(model, i, port);
  });
}

// Also checks output names and types before the (slow) compile, so such a model fails fast.
util::StatusOr<std::vector<TensorInfo>> modelOutputs(const ov_model_t* model) {
  size_t count = 0;
  const ov_status_e status = ov_model_outputs_size(model, &count);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kModelConfigInvalid, "cannot count model outputs");
  }
  return describePorts(count, PortKind::kOutput, [model](size_t i, ov_output_const_port_t** port) {
    return ov_model_const_output_by_index(model, i, port);
  });
}

std::vector<tensor::ModelShape> shapesOf(const std::vector<TensorInfo>& ports) {
  std::vector<tensor::ModelShape> shapes;
  shapes.reserve(ports.size());
  for (const TensorInfo& port : ports) shapes.push_back(port.shape);
  return shapes;
}

// The one place that turns the user's properties into the C API's key/value array. The array
// points into `properties`, which must outlive the compile call.
std::vector<ov_property_t> toOvProperties(const Properties& properties) {
  std::vector<ov_property_t> list;
  list.reserve(properties.size());
  for (const auto& [key, value] : properties) list.push_back({key.c_str(), value.c_str()});
  return list;
}

util::StatusOr<OvCompiledModel> compile(const Core& core, const ov_model_t* model,
                                        const LoadSpec& spec) {
  const std::vector<ov_property_t> properties = toOvProperties(spec.properties);
  ov_compiled_model_t* compiled = nullptr;
  const ov_status_e status = ov_core_compile_model_props(
      core.raw(), model, spec.device.c_str(), properties.size(), properties.data(), &compiled);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kCannotCompileModelIntoTargetDevice,
                    "cannot compile " + spec.model_file + " for " + spec.device);
  }
  return OvCompiledModel(compiled);
}

}  // namespace

util::StatusOr<std::unique_ptr<CompiledModel>> CompiledModel::load(const Core& core,
                                                                   const LoadSpec& spec) {
  auto model = readModel(core, spec.model_file);
  if (!model.isOk()) return model.status();
  const auto inputs = modelInputs(model->get());
  if (!inputs.isOk()) return inputs.status();
  const auto outputs = modelOutputs(model->get());
  if (!outputs.isOk()) return outputs.status();
  // Layouts first, then the shapes: --shape is in the layout clients send (as OVMS), so it
  // applies to the inputs the layout conversion created.
  MSERVE_RETURN_IF_ERROR(applyLayouts(model.value(), inputs.value(), spec));
  const auto client_inputs = spec.layouts.empty() ? inputs : modelInputs(model->get());
  if (!client_inputs.isOk()) return client_inputs.status();
  MSERVE_RETURN_IF_ERROR(reshapeModel(model->get(), client_inputs.value(), spec));

  auto compiled = compile(core, model->get(), spec);
  if (!compiled.isOk()) return compiled.status();
  std::unique_ptr<CompiledModel> result(new CompiledModel());
  result->compiled_ = compiled->release();

  // The compiled model's ports are what infer requests bind by index: describe those.
  const ov_compiled_model_t* raw = result->compiled_;
  size_t input_count = 0;
  size_t output_count = 0;
  ov_status_e status = ov_compiled_model_inputs_size(raw, &input_count);
  if (status == OK) status = ov_compiled_model_outputs_size(raw, &output_count);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kInternalError, "cannot count compiled model ports");
  }
  auto compiled_inputs =
      describePorts(input_count, PortKind::kInput, [raw](size_t i, ov_output_const_port_t** port) {
        return ov_compiled_model_input_by_index(raw, i, port);
      });
  if (!compiled_inputs.isOk()) return compiled_inputs.status();
  auto compiled_outputs = describePorts(output_count, PortKind::kOutput,
                                        [raw](size_t i, ov_output_const_port_t** port) {
                                          return ov_compiled_model_output_by_index(raw, i, port);
                                        });
  if (!compiled_outputs.isOk()) return compiled_outputs.status();
  result->inputs_ = std::move(compiled_inputs).value();
  for (TensorInfo& input : result->inputs_) input.layout = clientLayout(spec, input.name);
  result->outputs_ = std::move(compiled_outputs).value();
  result->original_input_shapes_ = shapesOf(client_inputs.value());
  result->original_output_shapes_ = shapesOf(outputs.value());
  return result;
}

CompiledModel::~CompiledModel() {
  if (compiled_ != nullptr) ov_compiled_model_free(compiled_);
}

uint32_t CompiledModel::optimalInferRequests() const {
  const std::string text = property("OPTIMAL_NUMBER_OF_INFER_REQUESTS");
  uint32_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size() || count == 0) return 1;
  return count;
}

std::string CompiledModel::property(const std::string& key) const {
  char* value = nullptr;
  if (ov_compiled_model_get_property(compiled_, key.c_str(), &value) != OK) return {};
  return takeOvString(value);
}

Properties CompiledModel::allProperties() const {
  Properties properties;
  for (const PropertyName& name : parsePropertyList(property("SUPPORTED_PROPERTIES"))) {
    if (name.key == "SUPPORTED_PROPERTIES") continue;  // the list itself; not a setting
    char* value = nullptr;
    // Some keys cannot be read back on some devices: skip them, this is for logging only.
    if (ov_compiled_model_get_property(compiled_, name.key.c_str(), &value) != OK) continue;
    properties.emplace_back(name.key, takeOvString(value));
  }
  return properties;
}

}  // namespace mserve::engine

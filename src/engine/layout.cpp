#include "engine/layout.hpp"

#include <memory>

#include "engine/ov_status.hpp"

namespace mserve::engine {
namespace {

using util::Status;
using util::StatusCode;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* object) const { Free(object); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using Preprocessor = Owned<ov_preprocess_prepostprocessor_t, ov_preprocess_prepostprocessor_free>;
using InputInfo = Owned<ov_preprocess_input_info_t, ov_preprocess_input_info_free>;
using TensorLayoutInfo =
    Owned<ov_preprocess_input_tensor_info_t, ov_preprocess_input_tensor_info_free>;
using ModelLayoutInfo =
    Owned<ov_preprocess_input_model_info_t, ov_preprocess_input_model_info_free>;
using Layout = Owned<ov_layout_t, ov_layout_free>;

struct LayoutPair {
  std::string tensor;  // "" = as the model
  std::string model;
};

const std::string* layoutFor(const LoadSpec& spec, const std::string& input) {
  auto found = spec.layouts.find(input);
  if (found == spec.layouts.end()) found = spec.layouts.find("");
  return found == spec.layouts.end() ? nullptr : &found->second;
}

LayoutPair split(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return {"", text};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

util::StatusOr<Layout> makeLayout(const std::string& text, const std::string& input) {
  ov_layout_t* layout = nullptr;
  const ov_status_e status = ov_layout_create(text.c_str(), &layout);
  if (status != OK) {
    return ovStatus(status, StatusCode::kModelConfigInvalid,
                    "invalid layout " + text + " for input " + input);
  }
  return Layout(layout);
}

Status setLayouts(const ov_preprocess_input_info_t* info, const LayoutPair& layouts,
                  const std::string& input) {
  ov_preprocess_input_model_info_t* raw_model_info = nullptr;
  ov_status_e status = ov_preprocess_input_info_get_model_info(info, &raw_model_info);
  if (status != OK) return ovStatus(status, StatusCode::kInternalError, "layout of " + input);
  const ModelLayoutInfo model_info(raw_model_info);
  auto model_layout = makeLayout(layouts.model, input);
  if (!model_layout.isOk()) return model_layout.status();
  status = ov_preprocess_input_model_info_set_layout(model_info.get(), model_layout->get());
  if (status != OK) return ovStatus(status, StatusCode::kModelConfigInvalid, "layout of " + input);
  if (layouts.tensor.empty()) return Status::ok();
  ov_preprocess_input_tensor_info_t* raw_tensor_info = nullptr;
  status = ov_preprocess_input_info_get_tensor_info(info, &raw_tensor_info);
  if (status != OK) return ovStatus(status, StatusCode::kInternalError, "layout of " + input);
  const TensorLayoutInfo tensor_info(raw_tensor_info);
  auto tensor_layout = makeLayout(layouts.tensor, input);
  if (!tensor_layout.isOk()) return tensor_layout.status();
  status = ov_preprocess_input_tensor_info_set_layout(tensor_info.get(), tensor_layout->get());
  if (status != OK) return ovStatus(status, StatusCode::kModelConfigInvalid, "layout of " + input);
  return Status::ok();
}

}  // namespace

std::string clientLayout(const LoadSpec& spec, const std::string& input) {
  const std::string* text = layoutFor(spec, input);
  if (text == nullptr) return {};
  LayoutPair layouts = split(*text);
  return layouts.tensor.empty() ? layouts.model : layouts.tensor;
}

util::Status applyLayouts(OvModel& model, const std::vector<TensorInfo>& inputs,
                          const LoadSpec& spec) {
  if (spec.layouts.empty()) return Status::ok();
  for (const auto& [name, layout] : spec.layouts) {
    bool known = name.empty();
    for (const TensorInfo& input : inputs) known = known || input.name == name;
    if (!known) {
      return Status(StatusCode::kModelConfigInvalid, "layout given for unknown input " + name);
    }
  }
  ov_preprocess_prepostprocessor_t* raw = nullptr;
  ov_status_e status = ov_preprocess_prepostprocessor_create(model.get(), &raw);
  if (status != OK) return ovStatus(status, StatusCode::kInternalError, "layout pre-processing");
  const Preprocessor preprocessor(raw);
  for (const TensorInfo& input : inputs) {
    const std::string* text = layoutFor(spec, input.name);
    if (text == nullptr) continue;
    ov_preprocess_input_info_t* raw_info = nullptr;
    status = ov_preprocess_prepostprocessor_get_input_info_by_name(preprocessor.get(),
                                                                   input.name.c_str(), &raw_info);
    if (status != OK) return ovStatus(status, StatusCode::kInternalError, "input " + input.name);
    const InputInfo info(raw_info);
    MSERVE_RETURN_IF_ERROR(setLayouts(info.get(), split(*text), input.name));
  }
  ov_model_t* built = nullptr;
  status = ov_preprocess_prepostprocessor_build(preprocessor.get(), &built);
  if (status != OK) {
    return ovStatus(status, StatusCode::kModelConfigInvalid, "cannot apply --layout");
  }
  model.reset(built);
  return Status::ok();
}

}  // namespace mserve::engine

#include "engine/reshape.hpp"

#include <optional>
#include <string>

#include "engine/ov_status.hpp"

namespace mserve::engine {
namespace {

// The shape `input` should get, or nullopt to keep it. A name's own entry beats the "" entry;
// an empty ModelShape means "every dimension dynamic" (--shape auto).
std::optional<tensor::ModelShape> targetShape(const TensorInfo& input, const LoadSpec& spec) {
  if (!spec.shapes.empty()) {
    auto it = spec.shapes.find(input.name);
    if (it == spec.shapes.end()) it = spec.shapes.find("");
    if (it == spec.shapes.end()) return std::nullopt;
    if (it->second.empty()) return tensor::ModelShape(input.shape.size(), {0, -1});
    return it->second;
  }
  // A scalar (or dynamic-rank) input has no batch dimension to replace.
  if (spec.batch && !input.shape.empty()) {
    tensor::ModelShape shape = input.shape;
    shape[0] = *spec.batch;
    return shape;
  }
  return std::nullopt;
}

util::Status checkShapeNames(const std::vector<TensorInfo>& inputs, const LoadSpec& spec) {
  for (const auto& [name, shape] : spec.shapes) {
    if (name.empty()) continue;
    bool found = false;
    for (const TensorInfo& input : inputs) found = found || input.name == name;
    if (!found) {
      return util::Status(util::StatusCode::kModelConfigInvalid,
                          "shape " + tensor::toString(shape) + " is given for input '" + name +
                              "', which the model does not have");
    }
  }
  return util::Status::ok();
}

// OpenVINO's creation convention: -1 for "no bound". {a,-1} stays lower-bounded.
ov_dimension_t toOvDimension(const tensor::Dimension& d) {
  if (d.max < 0) return {d.min > 0 ? d.min : -1, -1};
  return {d.min < 0 ? 0 : d.min, d.max};
}

}  // namespace

util::Status reshapeModel(ov_model_t* model, const std::vector<TensorInfo>& inputs,
                          const LoadSpec& spec) {
  MSERVE_RETURN_IF_ERROR(checkShapeNames(inputs, spec));

  std::vector<size_t> indexes;
  std::vector<std::vector<ov_dimension_t>> dims;
  std::string description;  // "b (1,7), c (-1,3)" for the error message
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto target = targetShape(inputs[i], spec);
    if (!target || *target == inputs[i].shape) continue;
    indexes.push_back(i);
    dims.emplace_back();
    for (const tensor::Dimension& d : *target) dims.back().push_back(toOvDimension(d));
    if (!description.empty()) description += ", ";
    description += inputs[i].name + " " + tensor::toString(*target);
  }
  if (indexes.empty()) return util::Status::ok();

  // The partial shapes are built in place rather than with ov_partial_shape_create, which
  // rejects rank 0 and lower-bounded dims {a,-1}; reshape only reads rank.max and dims.
  std::vector<ov_partial_shape_t> shapes;
  shapes.reserve(dims.size());
  for (std::vector<ov_dimension_t>& shape_dims : dims) {
    const auto rank = static_cast<int64_t>(shape_dims.size());
    shapes.push_back({{rank, rank}, shape_dims.data()});
  }
  const ov_status_e status =
      ov_model_reshape_by_port_indexes(model, indexes.data(), shapes.data(), shapes.size());
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kReshapeError, "cannot reshape " + description);
  }
  return util::Status::ok();
}

}  // namespace mserve::engine

#include "serving/reported_shapes.hpp"

namespace mserve::serving {
namespace {

bool sameDims(const tensor::ModelShape& shape, const tensor::Shape& dims) {
  if (shape.size() != dims.size()) return false;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (shape[i] != tensor::Dimension::fixed(dims[i])) return false;
  }
  return true;
}

tensor::ModelShape staticShape(const tensor::Shape& dims) {
  tensor::ModelShape shape;
  shape.reserve(dims.size());
  for (int64_t dim : dims) shape.push_back(tensor::Dimension::fixed(dim));
  return shape;
}

std::vector<tensor::ModelShape> staticShapes(const std::vector<tensor::Shape>& dims) {
  std::vector<tensor::ModelShape> shapes;
  shapes.reserve(dims.size());
  for (const tensor::Shape& one : dims) shapes.push_back(staticShape(one));
  return shapes;
}

}  // namespace

bool ReportedShapes::differs(const std::vector<tensor::Shape>& dims) const {
  const std::lock_guard lock(mutex_);
  if (dims.size() != current_.inputs.size()) return true;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (!sameDims(current_.inputs[i], dims[i])) return true;
  }
  return false;
}

void ReportedShapes::update(const std::vector<tensor::Shape>& inputs,
                            const std::vector<tensor::Shape>& outputs) {
  PortShapes next{staticShapes(inputs), staticShapes(outputs)};
  const std::lock_guard lock(mutex_);
  current_ = std::move(next);
}

PortShapes ReportedShapes::current() const {
  const std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace mserve::serving

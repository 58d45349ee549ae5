// The dims that model metadata reports for a version loaded with `shape: auto` or
// `batch_size: auto`. OVMS reloads such a model for every request of new dims and reports the
// dims it loaded last; mserve keeps the model dynamic (no reloads) but reports the same: the
// model's own dims until a request of other dims succeeds, then that request's input dims and
// the output dims it produced. Thread-safe (one mutex; only `auto` models have one of these).
#pragma once

#include <mutex>
#include <vector>

#include "tensor/shape.hpp"

namespace mserve::serving {

struct PortShapes {
  std::vector<tensor::ModelShape> inputs;   // by engine input index
  std::vector<tensor::ModelShape> outputs;  // by engine output index
};

class ReportedShapes {
 public:
  explicit ReportedShapes(PortShapes original) : current_(std::move(original)) {}

  // Whether a request whose inputs have `dims` (by engine input index) differs from what is
  // reported now.
  bool differs(const std::vector<tensor::Shape>& dims) const;
  // Reports `dims` from now on (static dims: a request's own).
  void update(const std::vector<tensor::Shape>& inputs, const std::vector<tensor::Shape>& outputs);
  PortShapes current() const;

 private:
  mutable std::mutex mutex_;
  PortShapes current_;  // guarded by mutex_
};

}  // namespace mserve::serving

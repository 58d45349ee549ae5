// Owning handles for OpenVINO C API objects, so every early return frees what it created.
// Internal to engine/ (includes OpenVINO headers). Handles are plain values; not shared.
#pragma once

#include <openvino/c/openvino.h>

#include <memory>
#include <string>

namespace mserve::engine {

struct OvModelDeleter {
  void operator()(ov_model_t* model) const { ov_model_free(model); }
};
struct OvPortDeleter {
  void operator()(ov_output_const_port_t* port) const { ov_output_const_port_free(port); }
};
struct OvTensorDeleter {
  void operator()(ov_tensor_t* tensor) const { ov_tensor_free(tensor); }
};
struct OvCompiledModelDeleter {
  void operator()(ov_compiled_model_t* compiled) const { ov_compiled_model_free(compiled); }
};

using OvModel = std::unique_ptr<ov_model_t, OvModelDeleter>;
using OvPort = std::unique_ptr<ov_output_const_port_t, OvPortDeleter>;
using OvTensor = std::unique_ptr<ov_tensor_t, OvTensorDeleter>;
using OvCompiledModel = std::unique_ptr<ov_compiled_model_t, OvCompiledModelDeleter>;

// Copies a string the C API allocated and frees the original (ov_free).
inline std::string takeOvString(const char* text) {
  if (text == nullptr) return {};
  std::string copy(text);
  ov_free(text);
  return copy;
}

// A partial shape read from a port, freed on scope exit.
class OvPartialShape {
 public:
  OvPartialShape() = default;
  ~OvPartialShape() {
    if (shape_.dims != nullptr) ov_partial_shape_free(&shape_);
  }
  OvPartialShape(const OvPartialShape&) = delete;
  OvPartialShape& operator=(const OvPartialShape&) = delete;

  ov_partial_shape_t* out() { return &shape_; }
  const ov_partial_shape_t& get() const { return shape_; }

 private:
  ov_partial_shape_t shape_{{0, 0}, nullptr};
};

}  // namespace mserve::engine

// Describes a model's or compiled model's input/output ports as TensorInfo (name, datatype,
// shape). Internal to engine/; stateless and thread-safe.
#pragma once

#include <openvino/c/openvino.h>

#include <cstddef>
#include <functional>
#include <vector>

#include "engine/compiled_model.hpp"
#include "tensor/shape.hpp"
#include "util/status.hpp"

namespace mserve::engine {

enum class PortKind { kInput, kOutput };

// Fetches port `index`; the callee owns the returned port.
using PortGetter = std::function<ov_status_e(size_t index, ov_output_const_port_t** port)>;

// Reads `count` ports. Fails (kModelConfigInvalid) on a port without a tensor name or with an
// element type mserve cannot serve, naming the port and the type.
util::StatusOr<std::vector<TensorInfo>> describePorts(size_t count, PortKind kind,
                                                      const PortGetter& get_port);

// OpenVINO dims {min,max} as ModelShape. An unbounded dim, which OpenVINO reports as {0,-1}
// (or {-1,-1}), becomes Dimension{0,-1}. A dynamic rank has no ModelShape form and yields an
// empty shape.
tensor::ModelShape toModelShape(const ov_partial_shape_t& shape);

}  // namespace mserve::engine

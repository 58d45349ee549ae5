#include "engine/port_info.hpp"

#include <string>

#include "engine/element_type.hpp"
#include "engine/ov_handles.hpp"
#include "engine/ov_status.hpp"

namespace mserve::engine {
namespace {

std::string portLabel(PortKind kind, size_t index, const std::string& name) {
  std::string label = kind == PortKind::kInput ? "input " : "output ";
  return name.empty() ? label + "#" + std::to_string(index) : label + "'" + name + "'";
}

util::StatusOr<TensorInfo> describePort(const ov_output_const_port_t* port, PortKind kind,
                                        size_t index) {
  TensorInfo info;
  char* name = nullptr;
  ov_status_e status = ov_port_get_any_name(port, &name);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kModelConfigInvalid,
                    portLabel(kind, index, "") + " has no tensor name");
  }
  info.name = takeOvString(name);

  ov_element_type_e type = DYNAMIC;
  status = ov_port_get_element_type(port, &type);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kModelConfigInvalid,
                    "cannot read the element type of " + portLabel(kind, index, info.name));
  }
  const auto datatype = toDataType(type);
  if (!datatype) {
    return util::Status(util::StatusCode::kModelConfigInvalid,
                        portLabel(kind, index, info.name) + " has element type " +
                            std::string(ovElementTypeName(type)) +
                            ", which mserve cannot serve (supported: boolean, u8-u64, i8-i64, "
                            "f16, bf16, f32, f64, string)");
  }
  info.datatype = *datatype;

  OvPartialShape shape;
  status = ov_port_get_partial_shape(port, shape.out());
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kModelConfigInvalid,
                    "cannot read the shape of " + portLabel(kind, index, info.name));
  }
  info.shape = toModelShape(shape.get());
  return info;
}

}  // namespace

util::StatusOr<std::vector<TensorInfo>> describePorts(size_t count, PortKind kind,
                                                      const PortGetter& get_port) {
  std::vector<TensorInfo> infos;
  infos.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    ov_output_const_port_t* raw = nullptr;
    const ov_status_e status = get_port(i, &raw);
    if (status != OK) {
      return ovStatus(status, util::StatusCode::kInternalError,
                      "cannot get " + portLabel(kind, i, ""));
    }
    const OvPort port(raw);
    auto info = describePort(port.get(), kind, i);
    if (!info.isOk()) return info.status();
    infos.push_back(std::move(info).value());
  }
  return infos;
}

tensor::ModelShape toModelShape(const ov_partial_shape_t& shape) {
  tensor::ModelShape dims;
  if (shape.rank.min != shape.rank.max || shape.rank.max < 0 || shape.dims == nullptr) {
    return dims;  // dynamic rank
  }
  dims.reserve(static_cast<size_t>(shape.rank.max));
  for (int64_t i = 0; i < shape.rank.max; ++i) {
    const ov_dimension_t& d = shape.dims[i];
    dims.push_back({d.min < 0 ? 0 : d.min, d.max < 0 ? -1 : d.max});
  }
  return dims;
}

}  // namespace mserve::engine
